namespace Spindle.Monitor.Masking;

/// <summary>How far a <see cref="MaskedOutputEvaluator"/> run has come; reported after every chunk.</summary>
/// <param name="CompletedRows">Masked forward rows done so far.</param>
/// <param name="TotalRows">Masked forward rows in the run (samples x 2^n).</param>
/// <param name="CompletedSamples">Samples whose 2^n outputs are all computed.</param>
/// <param name="SampleCount">Samples in the run.</param>
public readonly record struct MaskingProgress(long CompletedRows, long TotalRows, int CompletedSamples, int SampleCount);
