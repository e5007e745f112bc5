using Spindle.Monitor.Interactions;

namespace Spindle.Cli;

/// <summary>One decomposition input: the samples of one file, or of several pooled files.</summary>
/// <param name="Label">The input name(s) as given.</param>
/// <param name="Stem">The full path without extension, for default output names.</param>
/// <param name="Samples">The per-sample interactions.</param>
/// <param name="VariableCount">n.</param>
/// <param name="Tau">The salience threshold τ in use.</param>
/// <param name="Provenance">Where the samples come from, or <see langword="null"/> when the file records none (and for pooled files).</param>
internal sealed record DecomposeCheck(string Label, string Stem, IReadOnlyList<SampleInteractions> Samples, int VariableCount, double Tau, Spindle.Monitor.Checks.CheckProvenance? Provenance = null);
