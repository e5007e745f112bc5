using System.CommandLine;
using Spindle.Trainers.Data;

namespace Spindle.Cli;

/// <summary><c>spindle data</c>: dataset utilities (<c>subset</c> writes the class-balanced subset that is embedded in the assembly).</summary>
internal static class DataCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var command = new Command("data", "Dataset utilities.");
        command.Subcommands.Add(CreateSubset());
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    private static Command CreateInfo()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"Which dataset: {string.Join(", ", ImageDatasetNames)} (as for 'spindle train'; fashion-mnist without --data is the embedded subset).",
            DefaultValueFactory = _ => "fashion-mnist",
        };
        var directory = new Option<string?>("--data") { Description = SpindleCommands.WithDefault("Directory of the dataset's files (required for mnist and cifar10).", "none: the embedded subset for fashion-mnist") };
        var command = new Command("info", "Load a dataset and print its splits: counts, shape, class balance, pixel statistics and load time.")
        {
            dataset, directory,
        };
        command.SetAction(parse =>
        {
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var data = ImageDatasets.Load(ParseDataset(parse.GetValue(dataset), parse.GetValue(directory)), parse.GetValue(directory));
                var elapsed = watch.Elapsed;
                foreach (var split in new[] { data.Train, data.Test })
                {
                    var perClass = split.Labels.CountBy(l => l).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Value}");
                    var mean = split.Features.Average();
                    Console.Out.WriteLine($"{split.Name}: {split.Count} samples of [{string.Join(", ", split.SampleShape)}], {split.ClassCount} classes ({string.Join(" ", perClass)}), pixel mean {mean:F4}");
                }

                Console.Out.WriteLine($"loaded in {elapsed.TotalSeconds:F2} s");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"spindle data info: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The image datasets' names, as <c>spindle train --dataset</c> spells them.</summary>
    internal static readonly string[] ImageDatasetNames = ["fashion-mnist", "mnist", "cifar10"];

    /// <summary>Maps a dataset name of <c>spindle train</c> (kebab-case, any letter case) to the dataset.</summary>
    internal static ImageDataset ParseDataset(string? name, string? directory) => name?.ToLowerInvariant() switch
    {
        "fashion-mnist" => directory is null ? ImageDataset.FashionMnistSubset : ImageDataset.FashionMnist,
        "mnist" => ImageDataset.Mnist,
        "cifar10" => ImageDataset.Cifar10,
        _ => throw new ArgumentException($"--dataset {name} is unknown; choose one of {string.Join(", ", ImageDatasetNames)}."),
    };

    private static Command CreateSubset()
    {
        var from = new Option<string>("--from")
        {
            Description = "Directory with the full MNIST-format dataset (train-images-idx3-ubyte[.gz] etc.).",
            DefaultValueFactory = _ => FashionMnist.DefaultDirectory,
        };
        var output = new Option<string>("--output") { Description = SpindleCommands.WithDefault("Directory to write the subset to; created when absent.", "none: required"), Required = true };
        var trainPerClass = new Option<int>("--train-per-class") { Description = "Training images per class.", DefaultValueFactory = _ => EmbeddedFashionMnist.TrainCount / MnistLoader.ClassCount };
        var testPerClass = new Option<int>("--test-per-class") { Description = "Test images per class.", DefaultValueFactory = _ => EmbeddedFashionMnist.TestCount / MnistLoader.ClassCount };
        var seed = new Option<long>("--seed") { Description = "Seed of the draw.", DefaultValueFactory = _ => EmbeddedFashionMnist.Seed };
        var command = new Command("subset", "Write a seeded, class-balanced subset of an MNIST-format dataset as gzipped idx files.")
        {
            from, output, trainPerClass, testPerClass, seed,
        };
        command.SetAction(parse =>
        {
            try
            {
                if (File.Exists(parse.GetValue(output)))
                {
                    throw new ArgumentException($"--output {parse.GetValue(output)} is a file; give a folder for the subset's files.");
                }

                var (train, test) = MnistSubsetWriter.Write(
                    parse.GetValue(from)!, parse.GetValue(output)!, parse.GetValue(trainPerClass), parse.GetValue(testPerClass), parse.GetValue(seed));
                Console.Out.WriteLine($"Wrote {train.Length} training and {test.Length} test images to {parse.GetValue(output)}.");
                return 0;
            }
            catch (UnauthorizedAccessException e)
            {
                Console.Error.WriteLine($"spindle data subset: --output {parse.GetValue(output)}: permission denied ({e.Message}).");
                return 1;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"spindle data subset: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
