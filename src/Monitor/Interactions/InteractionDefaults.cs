namespace Spindle.Monitor.Interactions;

/// <summary>Default values of <see cref="InteractionAnalysisOptions"/>, in one place.</summary>
internal static class InteractionDefaults
{
    /// <summary>qthres: the noise bound is this times |v(x_N) - v(x_∅)| (DESIGN.md; the lab uses 0.02-0.04).</summary>
    public const double NoiseThreshold = 0.02;

    /// <summary>τ = this times E_x |v(x_N) - v(x_∅)| (paper Table 1).</summary>
    public const double SalienceFactor = 0.02;

    /// <summary>The largest n accepted by default (2^20 doubles is 8 MiB per vector).</summary>
    public const int MaxVariables = 20;

    /// <summary>The relative duality gap at which the exact solver stops.</summary>
    public const double RelativeGap = 4e-3;

    /// <summary>The iteration cap of the exact solver.</summary>
    public const int MaxIterations = 20_000;

    /// <summary>The reference solver's initial learning rate (DESIGN.md: best of 3e-5..3e-4 at n = 10).</summary>
    public const double LearningRate = 1e-4;

    /// <summary>The reference solver's iteration count (appendix F, the lab's code: 10,000-50,000).</summary>
    public const int ReferenceIterations = 10_000;

    /// <summary>The reference solver's momentum.</summary>
    public const double Momentum = 0.9;
}
