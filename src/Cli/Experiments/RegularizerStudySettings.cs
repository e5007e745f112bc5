using System.Globalization;
using Spindle.Regularizer;

namespace Spindle.Cli.Experiments;

/// <summary>What the regularizer study trains and where its records go.</summary>
internal sealed record RegularizerStudySettings
{
    /// <summary>The arm trained on the training samples without the term.</summary>
    public const string Plain = "plain";

    /// <summary>The arm trained on the training samples with the term (its baselines trained on the held-out split).</summary>
    public const string Regularized = "regularized";

    /// <summary>
    /// The arm trained with the term whose masked passes normalise batch-norm layers by their running statistics
    /// (<c>--term-batch-norm running</c>), the term's behaviour before <see cref="BatchNormStatistics.Batch"/>
    /// became the default.
    /// </summary>
    public const string RegularizedRunningStatistics = "regularized-running-stats";

    /// <summary>The arm trained without the term on the training samples and the held-out split together.</summary>
    public const string PlainEqualData = "plain-equal-data";

    /// <summary>Adam's learning rate.</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Samples per step.</summary>
    public const int BatchSize = 64;

    /// <summary>The size of the validation split used instead of the test split with <c>--validation</c>.</summary>
    public const int ValidationCount = 2000;

    /// <summary>Gets the study folder (records under <c>runs/</c>, baseline weights under <c>baselines/</c>).</summary>
    public required string Folder { get; init; }

    /// <summary>Gets the Fashion-MNIST directory.</summary>
    public required string DataDirectory { get; init; }

    public IReadOnlyList<string> Models { get; init; } = ["cnn", "resnet20"];

    public IReadOnlyList<int> TrainSizes { get; init; } = [200, 500, 1000];

    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2, 3, 4];

    /// <summary>Gets the epochs of every cnn run (baselines included).</summary>
    public int Epochs { get; init; } = 15;

    /// <summary>Gets the epochs of every resnet20 run (baselines included); ResNet-20 is about ten times the CNN's cost on a CPU.</summary>
    public int ResNetEpochs { get; init; } = 10;

    public double Lambda { get; init; } = 0.01;

    public int Warmup { get; init; } = 50;

    public int TermVariables { get; init; } = 6;

    public int TermSamples { get; init; } = 2;

    /// <summary>Gets K: the term every second step, which brings a step's cost from about 3.1x to about 2x the plain step's (measured on the CNN).</summary>
    public int TermEvery { get; init; } = 2;

    public int BaselineCount { get; init; } = 1;

    /// <summary>Gets which statistics the regularized model's batch-norm layers use in the term's masked passes.</summary>
    public BatchNormStatistics TermBatchNorm { get; init; } = BatchNormStatistics.Batch;

    /// <summary>Gets the regularized arm this study trains: <see cref="Regularized"/>, or <see cref="RegularizedRunningStatistics"/> with running statistics.</summary>
    public string RegularizedArm => TermBatchNorm == BatchNormStatistics.Batch ? Regularized : RegularizedRunningStatistics;

    /// <summary>Gets the number of probe images (training and test, each) on which the generalizable share is measured after training.</summary>
    public int ProbeCount { get; init; } = 16;

    /// <summary>Gets the test samples evaluated (the first of a class-balanced draw; 10,000 is the whole test split).</summary>
    public int TestSamples { get; init; } = 10000;

    /// <summary>Gets whether runs are evaluated on a validation split of the training pool instead of the test split (for choosing λ).</summary>
    public bool Validation { get; init; }

    public int? Threads { get; init; }

    public string RunsFolder => Path.Combine(Folder, "runs");

    public string BaselinesFolder => Path.Combine(Folder, "baselines");

    /// <summary>Gets the epochs of a model's runs.</summary>
    public int EpochsOf(string model) => model == "resnet20" ? ResNetEpochs : Epochs;

    /// <summary>Gets whether an arm trains with the term.</summary>
    public static bool IsRegularized(string arm) => arm is Regularized or RegularizedRunningStatistics;

    /// <summary>Gets the runs in the order they are trained: model, seed, size, then the three arms.</summary>
    public IEnumerable<RegularizerRun> Plan()
    {
        foreach (var model in Models)
        {
            foreach (var seed in Seeds)
            {
                foreach (var size in TrainSizes)
                {
                    foreach (var arm in new[] { Plain, RegularizedArm, PlainEqualData })
                    {
                        yield return new RegularizerRun(model, size, seed, arm);
                    }
                }
            }
        }
    }
}

/// <summary>One run of the regularizer study.</summary>
internal sealed record RegularizerRun(string Model, int TrainSize, int Seed, string Arm)
{
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Model}-n{TrainSize}-s{Seed}-{Arm}");
}
