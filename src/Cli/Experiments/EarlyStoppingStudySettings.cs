namespace Spindle.Cli.Experiments;

/// <summary>What the early-stopping study trains and where its records go.</summary>
internal sealed record EarlyStoppingStudySettings
{
    /// <summary>The share of the training data the validation arm holds out.</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>Epochs without a lower validation loss before the validation arm stops.</summary>
    public const int ValidationPatience = 5;

    /// <summary>The number of probe images of the monitor arm.</summary>
    public const int ProbeCount = 12;

    /// <summary>Adam's learning rate.</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Samples per step.</summary>
    public const int BatchSize = 64;

    /// <summary>The seed of the fixed, class-balanced test subset every run is evaluated on.</summary>
    public const int TestSubsetSeed = 12345;

    /// <summary>Gets the study folder (records under <c>runs/</c>).</summary>
    public required string Folder { get; init; }

    /// <summary>Gets the Fashion-MNIST directory, or null for the embedded subset.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Gets the models.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["mlp", "cnn"];

    /// <summary>Gets the training-set sizes.</summary>
    public IReadOnlyList<int> TrainSizes { get; init; } = [1000, 10000];

    /// <summary>Gets the label-noise fractions.</summary>
    public IReadOnlyList<double> LabelNoise { get; init; } = [0, 0.1];

    /// <summary>Gets the seeds.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    /// <summary>Gets the seeds the rule is chosen on; the others are held out.</summary>
    public IReadOnlyList<int> SelectionSeeds { get; init; } = [0];

    /// <summary>Gets the epochs of a run.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Gets the size of the fixed test subset.</summary>
    public int TestSamples { get; init; } = 5000;

    /// <summary>Gets the torch threads, or null for TorchSharp's default.</summary>
    public int? Threads { get; init; }

    /// <summary>Gets the folder of run folders.</summary>
    public string RunsFolder => Path.Combine(Folder, "runs");

    /// <summary>Gets every run in the order the study trains them: small training sets first, then model, noise, seed; the monitor arm before the validation arm.</summary>
    /// <returns>The runs.</returns>
    public IEnumerable<EarlyStoppingRun> Plan()
    {
        foreach (var size in TrainSizes.Order())
        {
            foreach (var model in Models)
            {
                foreach (var noise in LabelNoise)
                {
                    foreach (var seed in Seeds)
                    {
                        yield return new EarlyStoppingRun(EarlyStoppingArm.Monitor, model, size, noise, seed);
                        yield return new EarlyStoppingRun(EarlyStoppingArm.Validation, model, size, noise, seed);
                    }
                }
            }
        }
    }
}
