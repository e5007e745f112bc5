namespace Spindle.Monitor.Checks;

/// <summary>Default values of <see cref="InteractionCheckOptions"/>, referred to by its docs and tests.</summary>
internal static class CheckDefaults
{
    /// <summary>Bootstrap replicates over the probe samples: enough for a 90% percentile interval to settle to a few percent.</summary>
    public const int BootstrapReplicates = 200;

    /// <summary>Seed of the bootstrap resampling; the same seed gives the same resamples at every check, so checks pair.</summary>
    public const int BootstrapSeed = 0;

    /// <summary>Coverage of the reported percentile intervals.</summary>
    public const double ConfidenceLevel = 0.9;
}
