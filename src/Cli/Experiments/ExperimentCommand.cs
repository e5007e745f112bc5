using System.CommandLine;
using Spindle.Trainers.Data;
using TorchSharp;

namespace Spindle.Cli.Experiments;

/// <summary><c>spindle experiment</c>: the studies whose reports are in docs/results/.</summary>
internal static class ExperimentCommand
{
    /// <summary>The default folder of the early-stopping study's records.</summary>
    public const string DefaultEarlyStoppingFolder = "experiments/early-stopping";

    /// <summary>The default report of the early-stopping study.</summary>
    public const string DefaultEarlyStoppingReport = "docs/results/early-stopping.md";

    /// <summary>Creates the command group.</summary>
    /// <returns>The command.</returns>
    public static Command Create() => new("experiment", "Run a study and write its report (records are kept, so a rerun resumes and the report can be regenerated).")
    {
        EarlyStopping(),
        Evidence.ClaimsStudy.Command(),
        Evidence.NoiseStudy.Command(),
        Evidence.SolverStudy.Command(),
        Evidence.SensitivityStudy.Command(),
        Evidence.DynamicsStudy.Command(),
        RegularizerStudyCommand.Create(),
    };

    private static Command EarlyStopping()
    {
        var output = new Option<string>("--output") { Description = "Study folder: one record folder per run under runs/.", DefaultValueFactory = _ => DefaultEarlyStoppingFolder };
        var report = new Option<string>("--report") { Description = "Markdown report to write (figures beside it).", DefaultValueFactory = _ => DefaultEarlyStoppingReport };
        var data = new Option<string?>("--data") { Description = SpindleCommands.WithDefault("Fashion-MNIST directory.", $"{FashionMnist.DefaultDirectory} when installed, else the embedded 4,000-image subset") };
        var models = new Option<string[]>("--models") { Description = SpindleCommands.WithDefault("Models, space-separated.", "mlp cnn"), AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<int[]>("--train-sizes") { Description = SpindleCommands.WithDefault("Training-set sizes (class-balanced subsets), space-separated.", "1000 10000"), AllowMultipleArgumentsPerToken = true };
        var noise = new Option<double[]>("--label-noise") { Description = SpindleCommands.WithDefault("Fractions of training labels flipped, space-separated.", "0 0.1"), AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int[]>("--seeds") { Description = SpindleCommands.WithDefault("Seeds, space-separated.", "0 1 2"), AllowMultipleArgumentsPerToken = true };
        var selection = new Option<int[]>("--selection-seeds") { Description = SpindleCommands.WithDefault("Seeds whose runs choose the rule, space-separated; the other seeds' runs only report it.", "0"), AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run.", DefaultValueFactory = _ => 30 };
        var testSamples = new Option<int>("--test-sample-count") { Description = "Size of the fixed class-balanced test subset every epoch is evaluated on.", DefaultValueFactory = _ => 5000 };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var reportOnly = new Option<bool>("--report-only") { Description = SpindleCommands.WithDefault("Train nothing: write the report from the records already saved.", "off") };
        var command = new Command(
            "early-stopping",
            "Train the study's runs (monitor arm: a check every epoch, no stopping; validation arm: 10% held out, patience 5), then simulate every candidate stopping rule on the saved series and write the report.")
        {
            output, report, data, models, sizes, noise, seeds, selection, epochs, testSamples, threads, reportOnly,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                var settings = new EarlyStoppingStudySettings
                {
                    Folder = parse.GetValue(output)!,
                    DataDirectory = parse.GetValue(data) ?? (FashionMnist.IsInstalled ? FashionMnist.DefaultDirectory : null),
                    Models = SpindleCommands.GetList(parse, models, ["mlp", "cnn"]),
                    TrainSizes = SpindleCommands.GetList(parse, sizes, [1000, 10000]),
                    LabelNoise = SpindleCommands.GetList(parse, noise, [0, 0.1]),
                    Seeds = SpindleCommands.GetList(parse, seeds, [0, 1, 2]),
                    SelectionSeeds = SpindleCommands.GetList(parse, selection, [0]),
                    Epochs = parse.GetValue(epochs),
                    TestSamples = parse.GetValue(testSamples),
                    Threads = parse.GetValue(threads),
                };
                using var interruption = Interruption.Listen(Console.Error, "stopping after the current step; finished runs are kept");
                using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interruption.Token);
                var code = RunEarlyStopping(settings, parse.GetValue(report)!, parse.GetValue(reportOnly), cancellation.Token);
                return Task.FromResult(interruption.Signal is null ? code : interruption.ExitCode);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"spindle experiment early-stopping: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static int RunEarlyStopping(EarlyStoppingStudySettings settings, string report, bool reportOnly, CancellationToken cancellationToken)
    {
        Validate(settings);
        if (!reportOnly)
        {
            if (settings.Threads is int t)
            {
                torch.set_num_threads(t);
            }

            Directory.CreateDirectory(settings.RunsFolder);
            var recorder = new EarlyStoppingRecorder(settings, Console.Out);
            var plan = settings.Plan().ToList();
            var done = plan.Count(r => EarlyStoppingRecorder.IsComplete(settings.RunsFolder, r));
            Console.WriteLine($"Early-stopping study: {plan.Count} runs, {done} already recorded in {settings.RunsFolder}.");
            foreach (var run in plan)
            {
                try
                {
                    recorder.Record(run, cancellationToken);
                }
                catch (OperationCanceledException e)
                {
                    Console.Error.WriteLine($"{e.Message} Rerun the same command to resume.");
                    return 130;
                }
            }
        }

        EarlyStoppingReport.Write(settings, report, Console.Out);
        Console.WriteLine($"Report: {report}");
        return 0;
    }

    private static void Validate(EarlyStoppingStudySettings settings)
    {
        string[] known = ["mlp", "cnn", "resnet20", "vgg11"];
        if (settings.Models.Count == 0 || settings.Models.Any(m => !known.Contains(m)))
        {
            throw new ArgumentException($"--models: choose among {string.Join(", ", known)}; got '{string.Join(' ', settings.Models)}'.");
        }

        if (settings.TrainSizes.Count == 0 || settings.TrainSizes.Any(s => s < 10 || s % 10 != 0))
        {
            throw new ArgumentException("--train-sizes: need positive multiples of the 10 classes.");
        }

        if (settings.LabelNoise.Count == 0 || settings.LabelNoise.Any(f => f is < 0 or >= 1 || double.IsNaN(f)))
        {
            throw new ArgumentException("--label-noise: need fractions in [0, 1).");
        }

        if (settings.Seeds.Count == 0)
        {
            throw new ArgumentException("--seeds: need at least one seed.");
        }

        if (settings.SelectionSeeds.Any(s => !settings.Seeds.Contains(s)))
        {
            throw new ArgumentException("--selection-seeds: each must be one of --seeds.");
        }

        if (settings.Epochs < 2)
        {
            throw new ArgumentException("--epochs: need at least 2.");
        }

        if (settings.TestSamples < 10)
        {
            throw new ArgumentException("--test-sample-count: need at least 10.");
        }

        if (settings.Threads is < 1)
        {
            throw new ArgumentException("--threads: need at least 1.");
        }
    }
}
