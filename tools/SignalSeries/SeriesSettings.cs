using System.Globalization;
using Spindle.Trainers.Models;

namespace Spindle.Tools.SignalSeries;

/// <summary>What one series run trains and records, parsed from the command line.</summary>
internal sealed record SeriesSettings
{
    public const string Usage =
        "usage: signal-series --model cnn|mlp|resnet20|vgg11 --train N --noise F --seed S --epochs E --out DIR\n"
        + "                     [--width W (vgg11)] [--feature-map auto|none] [--threads T]\n"
        + "  Trains on the embedded Fashion-MNIST subset (N of its 4,000 training images, class-balanced, F of the labels\n"
        + "  flipped) and saves the interactions on 12 clean training probes before training and after every epoch\n"
        + "  into DIR/<model>-<N>-noise<percent>-seed<S>/.";

    /// <summary>Gets the model name (<see cref="ModelFactory.Names"/>, except bert-tiny).</summary>
    public required string Model { get; init; }

    /// <summary>Gets the number of training images, a multiple of 10 up to 4,000.</summary>
    public required int TrainCount { get; init; }

    /// <summary>Gets the fraction of training labels flipped.</summary>
    public required double LabelNoise { get; init; }

    /// <summary>Gets the seed of the subset, the label noise, the initialisation and the shuffle order.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the number of training epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Gets the folder that holds one subfolder per run.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Gets VGG-11's width multiplier, or null for the model default.</summary>
    public double? Width { get; init; }

    /// <summary>Gets whether feature-map extractions are recorded: when the model has a 4-D feature map (auto) or never (none).</summary>
    public bool FeatureMap { get; init; } = true;

    /// <summary>Gets the number of torch threads, or null for TorchSharp's default.</summary>
    public int? Threads { get; init; }

    /// <summary>Gets the run's folder name, for example <c>cnn-3000-noise10-seed0</c> or <c>vgg11-w0.25-3000-noise10-seed0</c>.</summary>
    public string RunName => string.Create(
        CultureInfo.InvariantCulture,
        $"{Model}{(Width is double w ? $"-w{w:0.###}" : "")}-{TrainCount}-noise{LabelNoise * 100:0.##}-seed{Seed}");

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The validated settings.</returns>
    /// <exception cref="ArgumentException">An argument is missing, unknown or out of range (the message says which).</exception>
    public static SeriesSettings Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var key = args[i];
            if (!key.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs; '{key}' has no value or is not an option.");
            }

            values[key[2..]] = args[++i];
        }

        string[] known = ["model", "train", "noise", "seed", "epochs", "out", "width", "feature-map", "threads"];
        var unknown = values.Keys.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option --{unknown[0]}.");
        }

        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
        int Int(string text, string name) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"--{name} {text}: not an integer.");
        double Real(string text, string name) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new ArgumentException($"--{name} {text}: not a number.");

        var model = Required("model").ToLowerInvariant();
        if (!ModelFactory.Names.Contains(model) || model == "bert-tiny")
        {
            throw new ArgumentException($"--model {model}: choose mlp, cnn, resnet20 or vgg11 (image models).");
        }

        var featureMap = values.GetValueOrDefault("feature-map", "auto") switch
        {
            "auto" => true,
            "none" => false,
            var other => throw new ArgumentException($"--feature-map {other}: choose auto or none."),
        };
        var settings = new SeriesSettings
        {
            Model = model,
            TrainCount = Int(Required("train"), "train"),
            LabelNoise = Real(Required("noise"), "noise"),
            Seed = Int(Required("seed"), "seed"),
            Epochs = Int(Required("epochs"), "epochs"),
            OutputFolder = Required("out"),
            Width = values.TryGetValue("width", out var width) ? Real(width, "width") : null,
            FeatureMap = featureMap,
            Threads = values.TryGetValue("threads", out var threads) ? Int(threads, "threads") : null,
        };
        if (settings.TrainCount < 10 || settings.TrainCount > 4000 || settings.TrainCount % 10 != 0)
        {
            throw new ArgumentException($"--train {settings.TrainCount}: need a multiple of the 10 classes between 10 and 4000 (the embedded subset).");
        }

        if (settings.LabelNoise is < 0 or >= 1)
        {
            throw new ArgumentException($"--noise {settings.LabelNoise}: need a fraction in [0, 1).");
        }

        if (settings.Epochs < 1)
        {
            throw new ArgumentException($"--epochs {settings.Epochs}: need at least 1.");
        }

        if (settings.Width is not null && model != "vgg11")
        {
            throw new ArgumentException("--width applies to vgg11 only.");
        }

        if (settings.Threads is < 1)
        {
            throw new ArgumentException("--threads: need at least 1.");
        }

        return settings;
    }
}
