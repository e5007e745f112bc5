using System.ComponentModel.DataAnnotations;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;

namespace Spindle.Regularizer;

/// <summary>Options of an <see cref="InteractionRegularizer"/>. The regularizer copies them; later changes do not affect it.</summary>
public sealed class RegularizerOptions
{
    /// <summary>Gets or sets λ, the weight of the term λ · (1/m) Σ_x Σ_S |I_S(x)| over the penalised interactions.</summary>
    /// <value>The default value is 0.01. Zero computes the term and its statistics but leaves training unchanged.</value>
    [Range(0.0, double.MaxValue)]
    public double Lambda { get; set; } = RegularizerDefaults.Lambda;

    /// <summary>Gets or sets the warm-up W: at step t (0-based) the weight is λ · min(1, (t + 1) / W).</summary>
    /// <value>The default value is 50 steps. Zero means no warm-up.</value>
    [Range(0, int.MaxValue)]
    public int WarmupSteps { get; set; } = RegularizerDefaults.WarmupSteps;

    /// <summary>
    /// Gets or sets the number n of input variables of the default <see cref="Variables"/>: n patches of a 4x4 grid over
    /// the input image, chosen per sample. Each penalised sample costs 2^n masked forward and backward passes.
    /// </summary>
    /// <value>The default value is 6 (the monitor uses 8).</value>
    [Range(1, 12)]
    public int VariableCount { get; set; } = RegularizerDefaults.VariableCount;

    /// <summary>Gets or sets the seed of the default <see cref="Variables"/>' patch choice.</summary>
    /// <value>The default value is 0.</value>
    public int VariableSeed { get; set; }

    /// <summary>
    /// Gets or sets the input variables and their masking, or <see langword="null"/> for <see cref="VariableCount"/> patches
    /// of a 4x4 grid over an image [channels, height, width], masked to zero, chosen per sample from its content.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// The regularizer calls <see cref="InputVariables.Prepare"/> with a sample index derived from the sample's content,
    /// so per-sample choices are the same for the model and its baselines and at every step. With
    /// <see cref="FeatureMapPatchVariables"/> the model's prefix runs once per sample, with gradients.
    /// </remarks>
    public InputVariables? Variables { get; set; }

    /// <summary>Gets or sets how many samples of each batch (its first rows) have their interactions penalised.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, int.MaxValue)]
    public int SamplesPerStep { get; set; } = RegularizerDefaults.SamplesPerStep;

    /// <summary>Gets or sets K: the term is computed at steps 0, K, 2K, ... and skipped at the others.</summary>
    /// <value>The default value is 1 (every step).</value>
    [Range(1, int.MaxValue)]
    public int Every { get; set; } = RegularizerDefaults.Every;

    /// <summary>Gets or sets which statistics the model's batch-norm layers use in the term's masked passes (the baselines always use their running statistics).</summary>
    /// <value>
    /// The default value is <see cref="BatchNormStatistics.Batch"/>: the masked batch's own statistics, the running
    /// statistics left unchanged. <see cref="BatchNormStatistics.Running"/> made ResNet-20's test accuracy collapse.
    /// </value>
    /// <remarks>
    /// With <see cref="FeatureMapPatchVariables"/> the prefix runs once per unmasked sample, so only the suffix's batch-norm
    /// layers see the masked batch; the prefix's keep their running statistics.
    /// </remarks>
    public BatchNormStatistics BatchNorm { get; set; } = BatchNormStatistics.Batch;

    /// <summary>Gets or sets the options of the detached extraction that fixes γ, δ and τ, or <see langword="null"/> for the defaults (the exact solver).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public InteractionAnalysisOptions? Analysis { get; set; }

    /// <summary>Checks every option and throws on the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!(Lambda >= 0 && double.IsFinite(Lambda)))
        {
            throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, $"Lambda must be finite and at least 0, got {Lambda}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps, nameof(WarmupSteps));
        if (VariableCount is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(VariableCount), VariableCount, $"VariableCount must be in 1..12 (2^n masked passes per sample), got {VariableCount}.");
        }

        if (Variables is null && VariableCount > RegularizerDefaults.GridSize * RegularizerDefaults.GridSize)
        {
            throw new ArgumentOutOfRangeException(nameof(VariableCount), VariableCount, "The default 4x4 grid has 16 patches.");
        }

        if (Variables is { Count: > 12 })
        {
            throw new ArgumentOutOfRangeException(nameof(Variables), Variables.Count, $"The variables number {Variables.Count}; the term accepts at most 12 (2^n masked passes with gradients per sample).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(SamplesPerStep, 1, nameof(SamplesPerStep));
        ArgumentOutOfRangeException.ThrowIfLessThan(Every, 1, nameof(Every));
        if (!Enum.IsDefined(BatchNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(BatchNorm), BatchNorm, "BatchNorm must be Batch or Running.");
        }

        Analysis?.Validate();
    }

    /// <summary>Returns a validated copy.</summary>
    /// <returns>The copy.</returns>
    internal RegularizerOptions ValidatedCopy()
    {
        Validate();
        var copy = (RegularizerOptions)MemberwiseClone();
        copy.Variables ??= new InputPatchVariables(
            new PatchGrid(RegularizerDefaults.GridSize, RegularizerDefaults.GridSize),
            PatchSelection.RandomCentral(VariableCount, VariableSeed, margin: 0, perSample: true));
        return copy;
    }
}
