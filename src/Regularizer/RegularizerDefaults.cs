namespace Spindle.Regularizer;

/// <summary>Default values of <see cref="RegularizerOptions"/>.</summary>
internal static class RegularizerDefaults
{
    /// <summary>λ, the weight of the term: fixed on a validation pilot; 0.1 and 1 lowered validation accuracy (experiments/regularizer/notes.md).</summary>
    public const double Lambda = 0.01;

    /// <summary>Steps over which the weight rises linearly from λ/W to λ.</summary>
    public const int WarmupSteps = 50;

    /// <summary>Input variables of the term: fewer than the monitor's 8, so a step costs 2^6 = 64 masked passes per sample.</summary>
    public const int VariableCount = 6;

    /// <summary>Rows and columns of the patch grid over an input image (the monitor's: 4x4).</summary>
    public const int GridSize = 4;

    /// <summary>Samples of each batch whose interactions are penalised.</summary>
    public const int SamplesPerStep = 2;

    /// <summary>Apply the term every K steps.</summary>
    public const int Every = 1;
}
