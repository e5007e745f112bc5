namespace Spindle.Cli.Experiments;

/// <summary>A stopping rule with a restore choice: one candidate of the study.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Restore">What it keeps when it fires.</param>
internal sealed record StoppingCandidate(StoppingRule Rule, StudyRestore Restore)
{
    /// <summary>Gets a one-line description.</summary>
    public string Description => $"{Rule.Signal}: {Rule.Family} ({Rule.Parameters}), restore {RestoreName(Restore)}";

    /// <summary>Gets the report's name of a restore choice.</summary>
    /// <param name="restore">The choice.</param>
    /// <returns>Its name.</returns>
    public static string RestoreName(StudyRestore restore) => restore switch
    {
        StudyRestore.None => "none",
        StudyRestore.BeforeStreak => "check before the streak",
        StudyRestore.Best => "best check",
        _ => restore.ToString(),
    };
}

/// <summary>The grid of candidate rules the study simulates, in a fixed order (simpler rules first within a family).</summary>
internal static class EarlyStoppingCandidates
{
    /// <summary>Gets every candidate.</summary>
    /// <returns>The candidates.</returns>
    public static IReadOnlyList<StoppingCandidate> All()
    {
        var rules = new List<StoppingRule>();
        foreach (var signal in Enum.GetValues<StudySignal>())
        {
            foreach (var smoothing in new[] { 1, 3, 5 })
            {
                foreach (var delta in new[] { 0.25, 0.5, 1, 1.5, 2, 3 })
                {
                    foreach (var patience in new[] { 1, 2, 3, 5 })
                    {
                        foreach (var warmUp in new[] { 0, 3, 6 })
                        {
                            rules.Add(new RiseAboveMinimumRule(signal, smoothing, delta, patience, warmUp));
                        }
                    }
                }
            }

            foreach (var smoothing in new[] { 1, 3 })
            {
                foreach (var delta in new[] { 0, 0.05, 0.1 })
                {
                    foreach (var patience in new[] { 3, 5, 8 })
                    {
                        foreach (var warmUp in new[] { 0, 3 })
                        {
                            rules.Add(new NoImprovementRule(signal, smoothing, delta, patience, warmUp));
                        }
                    }
                }
            }

            foreach (var smoothing in new[] { 1, 3 })
            {
                foreach (var window in new[] { 4, 6, 8 })
                {
                    foreach (var slope in new[] { 0.02, 0.05, 0.1 })
                    {
                        foreach (var patience in new[] { 1, 2, 3 })
                        {
                            foreach (var warmUp in new[] { 0, 3 })
                            {
                                rules.Add(new SlopeRule(signal, smoothing, window, slope, patience, warmUp));
                            }
                        }
                    }
                }
            }

            if (signal != StudySignal.SpindleOverDecay)
            {
                foreach (var rise in new[] { 0, 0.5, 1 })
                {
                    foreach (var patience in new[] { 1, 2, 3 })
                    {
                        foreach (var warmUp in new[] { 0, 3 })
                        {
                            rules.Add(new SignificantRiseRule(signal, rise, patience, warmUp));
                        }
                    }
                }
            }
        }

        return [.. rules.SelectMany(r => Enum.GetValues<StudyRestore>().Select(restore => new StoppingCandidate(r, restore)))];
    }
}
