using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli;

/// <summary>
/// <c>spindle bench train</c>: seconds per training step and per (extrapolated) epoch of the models on
/// Fashion-MNIST, from repeated chunks of a fixed number of steps; the first chunk is a warm-up and is dropped.
/// </summary>
internal static class BenchTrainCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var models = new Option<string[]>("--models") { Description = SpindleCommands.WithDefault("Models, space-separated.", "cnn resnet20 vgg11"), AllowMultipleArgumentsPerToken = true };
        var data = new Option<string?>("--data") { Description = SpindleCommands.WithDefault("Fashion-MNIST directory.", $"{FashionMnist.DefaultDirectory} when installed, else the embedded subset") };
        var steps = new Option<int>("--steps") { Description = "Training steps per timed chunk.", DefaultValueFactory = _ => 30 };
        var repeats = new Option<int>("--repeats") { Description = "Timed chunks per model, after one warm-up chunk.", DefaultValueFactory = _ => 7 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => 64 };
        var threads = new Option<int?>("--threads") { Description = SpindleCommands.WithDefault("TorchSharp intra-op threads.", "one per core") };
        var width = new Option<double?>("--width") { Description = SpindleCommands.WithDefault("VGG-11 width multiplier.", "0.25") };
        var command = new Command("train", "Time training steps (Adam, batch 64) of cnn, resnet20 and vgg11 on Fashion-MNIST and extrapolate to a full epoch.")
        {
            models, data, steps, repeats, batchSize, threads, width,
        };
        command.SetAction(parse =>
        {
            try
            {
                Run(
                    SpindleCommands.GetList(parse, models, ["cnn", "resnet20", "vgg11"]),
                    parse.GetValue(data),
                    parse.GetValue(steps),
                    parse.GetValue(repeats),
                    parse.GetValue(batchSize),
                    parse.GetValue(threads),
                    parse.GetValue(width));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                Console.Error.WriteLine($"spindle bench train: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static void Run(string[] models, string? directory, int steps, int repeats, int batchSize, int? threads, double? width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, "--steps");
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1, "--repeats");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1, "--batch-size");
        if (threads is int t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(t, 1, "--threads");
            torch.set_num_threads(t);
        }

        var data = directory is not null || FashionMnist.IsInstalled
            ? FashionMnist.Load(directory, PixelNormalization.FashionMnist)
            : EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
        var train = data.Train;
        var stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{train.Name}: {train.Count} images, batch {batchSize} = {stepsPerEpoch} steps per epoch; {repeats} chunks of {steps} steps after a warm-up chunk; {torch.get_num_threads()} threads; load {LoadAverage()}.")));
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in new[] { "model", "params", "s/step min", "s/step median", "epoch s (min)", "epoch s (median)", "load after" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var name in models)
        {
            torch.random.manual_seed(0);
            using var model = ModelFactory.Create(name, train.SampleShape, train.ClassCount, new ModelOptions { WidthMultiplier = width });
            using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
            var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = repeats + 1, BatchSize = batchSize, MaxBatchesPerEpoch = steps });
            var chunks = trainer.Fit(train).History.Skip(1).Select(m => m.TrainSeconds / steps).Order().ToArray();
            var min = chunks[0];
            var median = chunks.Length % 2 == 1 ? chunks[chunks.Length / 2] : (chunks[(chunks.Length / 2) - 1] + chunks[chunks.Length / 2]) / 2;
            table.AddRow(
                name,
                model.parameters().Sum(p => p.numel()).ToString("N0", CultureInfo.InvariantCulture),
                min.ToString("F3", CultureInfo.InvariantCulture),
                median.ToString("F3", CultureInfo.InvariantCulture),
                (min * stepsPerEpoch).ToString("F0", CultureInfo.InvariantCulture),
                (median * stepsPerEpoch).ToString("F0", CultureInfo.InvariantCulture),
                LoadAverage());
        }

        AnsiConsole.Write(table);
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
