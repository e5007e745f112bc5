namespace Spindle.Cli;

/// <summary>The parsed options of <c>spindle decompose</c>.</summary>
/// <param name="Files">Input extraction files.</param>
/// <param name="Json">Print JSON instead of tables.</param>
/// <param name="Png">The PNG path, or <see langword="null"/> for the default next to each input.</param>
/// <param name="NoPng">Write no PNG.</param>
/// <param name="Pool">Pool all files' samples into one fit.</param>
/// <param name="Tau">τ overriding the files' own, or <see langword="null"/>.</param>
/// <param name="Baselines">Baseline model extractions for A_gen, A_non and SIM.</param>
/// <param name="MinDelta">The smallest δ, or <see langword="null"/> for the default.</param>
/// <param name="FixedDelta">A fixed δ, or <see langword="null"/> to fit it.</param>
/// <param name="Decay">The decay family of the fit (--decay).</param>
/// <param name="Bootstrap">Bootstrap replicates over samples (--bootstrap; 0 for none).</param>
internal sealed record DecomposeSettings(
    IReadOnlyList<string> Files,
    bool Json,
    string? Png,
    bool NoPng,
    bool Pool,
    double? Tau,
    IReadOnlyList<string> Baselines,
    double? MinDelta,
    double? FixedDelta,
    Spindle.Monitor.Decomposition.DecayShape Decay = Spindle.Monitor.Decomposition.DecayShape.NoiseOperator,
    int Bootstrap = 200);
