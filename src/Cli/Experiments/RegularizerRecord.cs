namespace Spindle.Cli.Experiments;

/// <summary>The record of one finished run of the regularizer study (<c>runs/{name}.json</c>).</summary>
internal sealed record RegularizerRecord
{
    public required string Model { get; init; }

    public required int TrainSize { get; init; }

    public required int HeldOutSize { get; init; }

    public required int Seed { get; init; }

    public required string Arm { get; init; }

    /// <summary>Gets the samples the run trained on (the training subset, plus the held-out split in the equal-data arm).</summary>
    public required int TrainedOn { get; init; }

    public required int Epochs { get; init; }

    public required int Steps { get; init; }

    /// <summary>Gets "test" or "validation": the split <see cref="EvalAccuracy"/> was measured on.</summary>
    public required string EvaluatedOn { get; init; }

    public required int EvalCount { get; init; }

    public required double EvalAccuracy { get; init; }

    public required double EvalLoss { get; init; }

    public required double FinalTrainAccuracy { get; init; }

    /// <summary>Gets the wall-clock seconds of the training epochs (term included, baselines and evaluation not).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Gets the seconds spent computing the term before its backward passes (0 without it).</summary>
    public double TermSeconds { get; init; }

    public int TermSteps { get; init; }

    /// <summary>Gets the mean unweighted penalty over the steps where the term applied.</summary>
    public double? MeanPenalty { get; init; }

    /// <summary>Gets the generalizable share of salient strength over the term's samples during training (strength-weighted).</summary>
    public double? TermGeneralizableShare { get; init; }

    /// <summary>Gets the generalizable share Σ|I| over generalizable / Σ|I| over salient interactions on training probes after training (n = 8 patches).</summary>
    public double? TrainProbeShare { get; init; }

    /// <summary>Gets the same share on test probes.</summary>
    public double? TestProbeShare { get; init; }

    public double? Lambda { get; init; }

    public int? TermVariables { get; init; }

    public int? TermSamples { get; init; }

    public int? TermEvery { get; init; }

    public int? Warmup { get; init; }

    /// <summary>
    /// Gets which statistics batch-norm layers used in the term's passes ("batch" or "running"; null without the term).
    /// Records written before the option existed have none: their term used running statistics (the CNN has no batch-norm
    /// layer, so for it the two are one computation).
    /// </summary>
    public string? TermBatchNorm { get; init; }

    public int BaselineCount { get; init; }

    /// <summary>Gets the seconds the run's baselines took to train (0 when they were reused).</summary>
    public double BaselineSeconds { get; init; }

    public int Threads { get; init; }

    public DateTime FinishedUtc { get; init; }
}
