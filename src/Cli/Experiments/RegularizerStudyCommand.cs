using System.CommandLine;
using System.Globalization;
using Spindle.Trainers.Data;
using TorchSharp;

namespace Spindle.Cli.Experiments;

/// <summary><c>spindle experiment regularizer</c>: plain against regularized training on small Fashion-MNIST subsets.</summary>
internal static class RegularizerStudyCommand
{
    public const string DefaultFolder = "experiments/regularizer";

    public const string DefaultReport = "docs/results/regularizer.md";

    public static Command Create()
    {
        var d = new RegularizerStudySettings { Folder = DefaultFolder, DataDirectory = FashionMnist.DefaultDirectory };
        var output = new Option<string>("--output") { Description = "Study folder: one record per run under runs/, baseline weights under baselines/.", DefaultValueFactory = _ => DefaultFolder };
        var report = new Option<string>("--report") { Description = "Markdown report to write.", DefaultValueFactory = _ => DefaultReport };
        var data = new Option<string>("--data") { Description = "Fashion-MNIST directory (the full set).", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var models = new Option<string[]>("--models") { Description = "Models, space-separated: cnn, resnet20.", DefaultValueFactory = _ => [.. d.Models], AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<int[]>("--train-sizes") { Description = "Training-subset sizes N (class-balanced; the held-out split has N more), space-separated.", DefaultValueFactory = _ => [.. d.TrainSizes], AllowMultipleArgumentsPerToken = true };
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds, space-separated.", DefaultValueFactory = _ => [.. d.Seeds], AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of every cnn run and baseline.", DefaultValueFactory = _ => d.Epochs };
        var resnetEpochs = new Option<int>("--resnet20-epochs") { Description = "Epochs of every resnet20 run and baseline.", DefaultValueFactory = _ => d.ResNetEpochs };
        var lambda = new Option<double>("--lambda") { Description = "λ, the weight of the term.", DefaultValueFactory = _ => d.Lambda };
        var warmup = new Option<int>("--lambda-warmup") { Description = "Steps over which the weight rises linearly to λ.", DefaultValueFactory = _ => d.Warmup };
        var termVariables = new Option<int>("--term-variables") { Description = "Input patches n of a 4x4 grid per penalised sample (2^n masked passes each).", DefaultValueFactory = _ => d.TermVariables };
        var termSamples = new Option<int>("--term-samples") { Description = "Samples of each batch whose interactions are penalised.", DefaultValueFactory = _ => d.TermSamples };
        var termEvery = new Option<int>("--term-every") { Description = "Apply the term every K steps.", DefaultValueFactory = _ => d.TermEvery };
        var baselineCount = new Option<int>("--baseline-count") { Description = "Baseline models k trained on the held-out split (1 as appendix J; up to 3).", DefaultValueFactory = _ => d.BaselineCount };
        var termBatchNorm = RegularizerSetup.BatchNormOption("Statistics of the regularized model's batch-norm layers in the term's passes: batch (the masked batch's own) or running (trains the regularized-running-stats arm instead).");
        var testSamples = new Option<int>("--test-samples") { Description = "Test samples evaluated (10000: the whole test split; fewer: a fixed class-balanced part).", DefaultValueFactory = _ => d.TestSamples };
        var validation = new Option<bool>("--validation") { Description = SpindleCommands.WithDefault("Evaluate on 2,000 class-balanced images of the training pool outside the training and held-out samples instead of the test split (for choosing λ).", "off") };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var reportOnly = new Option<bool>("--report-only") { Description = SpindleCommands.WithDefault("Train nothing: write the report from the records already saved.", "off") };
        var command = new Command(
            "regularizer",
            "Train plain, regularized and plain-with-the-held-out-data runs on Fashion-MNIST subsets, saving a record per run as it finishes (a rerun resumes), then write the report.")
        {
            output, report, data, models, sizes, seeds, epochs, resnetEpochs, lambda, warmup, termVariables, termSamples, termEvery, baselineCount, termBatchNorm, testSamples, validation, threads, reportOnly,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            try
            {
                var settings = new RegularizerStudySettings
                {
                    Folder = parse.GetValue(output)!,
                    DataDirectory = parse.GetValue(data)!,
                    Models = parse.GetValue(models)!,
                    TrainSizes = parse.GetValue(sizes)!,
                    Seeds = parse.GetValue(seeds)!,
                    Epochs = parse.GetValue(epochs),
                    ResNetEpochs = parse.GetValue(resnetEpochs),
                    Lambda = parse.GetValue(lambda),
                    Warmup = parse.GetValue(warmup),
                    TermVariables = parse.GetValue(termVariables),
                    TermSamples = parse.GetValue(termSamples),
                    TermEvery = parse.GetValue(termEvery),
                    BaselineCount = parse.GetValue(baselineCount),
                    TermBatchNorm = RegularizerSetup.ParseBatchNorm(parse.GetValue(termBatchNorm)!),
                    TestSamples = parse.GetValue(testSamples),
                    Validation = parse.GetValue(validation),
                    Threads = parse.GetValue(threads),
                };
                return Task.FromResult(Run(settings, parse.GetValue(report)!, parse.GetValue(reportOnly), cancellationToken));
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"spindle experiment regularizer: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static int Run(RegularizerStudySettings settings, string report, bool reportOnly, CancellationToken cancellationToken)
    {
        Validate(settings, reportOnly);
        if (!reportOnly)
        {
            if (settings.Threads is int t)
            {
                torch.set_num_threads(t);
            }

            var recorder = new RegularizerRecorder(settings, Console.Out);
            var plan = settings.Plan().ToList();
            var done = plan.Count(r => RegularizerRecorder.IsComplete(settings.RunsFolder, r));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Regularizer study: {plan.Count} runs, {done} already recorded in {settings.RunsFolder}."));
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

                // The report follows the records, so a study stopped at any point leaves an up-to-date page.
                RegularizerReport.Write(settings, report, TextWriter.Null);
            }
        }

        var written = RegularizerReport.Write(settings, report, Console.Out);
        Console.WriteLine($"Report: {written}");
        return 0;
    }

    private static void Validate(RegularizerStudySettings settings, bool reportOnly)
    {
        string[] known = ["cnn", "resnet20"];
        Require(settings.Models.Count > 0 && settings.Models.All(known.Contains), $"--models: choose among {string.Join(", ", known)}; got '{string.Join(' ', settings.Models)}'.");
        Require(settings.TrainSizes.Count > 0 && settings.TrainSizes.All(s => s >= 10 && s % 10 == 0), "--train-sizes: need positive multiples of the 10 classes.");
        Require(settings.Seeds.Count > 0, "--seeds: need at least one seed.");
        Require(settings.Epochs >= 1, $"--epochs must be at least 1, got {settings.Epochs}.");
        Require(settings.ResNetEpochs >= 1, $"--resnet20-epochs must be at least 1, got {settings.ResNetEpochs}.");
        Require(settings.Lambda >= 0 && double.IsFinite(settings.Lambda), $"--lambda must be finite and at least 0, got {settings.Lambda}.");
        Require(settings.Warmup >= 0, $"--lambda-warmup must be at least 0, got {settings.Warmup}.");
        Require(settings.TermVariables is >= 1 and <= 12, $"--term-variables must be in 1..12, got {settings.TermVariables}.");
        Require(settings.TermSamples >= 1, $"--term-samples must be at least 1, got {settings.TermSamples}.");
        Require(settings.TermEvery >= 1, $"--term-every must be at least 1, got {settings.TermEvery}.");
        Require(settings.BaselineCount is >= 1 and <= 3, $"--baseline-count must be 1, 2 or 3, got {settings.BaselineCount}.");
        Require(settings.TestSamples >= 10, $"--test-samples must be at least 10, got {settings.TestSamples}.");
        Require(settings.Threads is null or >= 1, $"--threads must be at least 1, got {settings.Threads}.");
        Require(reportOnly || FashionMnist.IsInstalled || Directory.Exists(settings.DataDirectory), $"--data {settings.DataDirectory}: no Fashion-MNIST there (apt-get install dataset-fashion-mnist).");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
