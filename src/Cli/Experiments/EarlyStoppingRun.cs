using System.Globalization;

namespace Spindle.Cli.Experiments;

/// <summary>The two kinds of training run of the early-stopping study.</summary>
internal enum EarlyStoppingArm
{
    /// <summary>All training data, no stopping, a check after every epoch: the series every Spindle rule is simulated on.</summary>
    Monitor,

    /// <summary>10% of the training data held out; stops when the validation loss has not improved for 5 epochs and keeps the best epoch.</summary>
    Validation,
}

/// <summary>One training run of the early-stopping study.</summary>
/// <param name="Arm">What the run records.</param>
/// <param name="Model">The model name (cnn or mlp).</param>
/// <param name="TrainCount">Training images before any hold-out: a class-balanced subset of Fashion-MNIST.</param>
/// <param name="LabelNoise">The fraction of training labels flipped.</param>
/// <param name="Seed">The seed of the subset, the noise, the hold-out, the initialisation and the shuffle order.</param>
internal sealed record EarlyStoppingRun(EarlyStoppingArm Arm, string Model, int TrainCount, double LabelNoise, int Seed)
{
    /// <summary>Gets the folder name of the run, for example <c>monitor-cnn-1000-noise10-seed0</c>.</summary>
    public string Name => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Arm == EarlyStoppingArm.Monitor ? "monitor" : "validation")}-{ConfigName}");

    /// <summary>Gets the name of the configuration both arms share, for example <c>cnn-1000-noise10-seed0</c>.</summary>
    public string ConfigName => string.Create(
        CultureInfo.InvariantCulture,
        $"{Model}-{TrainCount}-noise{LabelNoise * 100:0.##}-seed{Seed}");

    /// <summary>Gets the configuration without the seed, for example <c>cnn-1000-noise10</c>.</summary>
    public string GroupName => string.Create(CultureInfo.InvariantCulture, $"{Model}-{TrainCount}-noise{LabelNoise * 100:0.##}");
}
