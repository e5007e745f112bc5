using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>
/// The n input variables of a model's input and how to mask them: which elements each variable covers, the baseline
/// value b_i an absent variable takes, and which part of the model the masked tensor feeds.
/// </summary>
/// <remarks>
/// The paper's x_T keeps the variables in T and sets the others to their baselines (section 2.1, footnote 3).
/// Implementations: <see cref="InputPatchVariables"/>, <see cref="FeatureMapPatchVariables"/>,
/// <see cref="TokenVariables"/>, <see cref="TabularVariables"/>. Derive from this class for other inputs.
/// </remarks>
public abstract class InputVariables
{
    /// <summary>Initializes a new instance of the <see cref="InputVariables"/> class.</summary>
    /// <param name="count">The number n of input variables, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    protected InputVariables(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
    }

    /// <summary>Gets the number n of input variables; every sample yields 2^n outputs.</summary>
    public int Count { get; }

    /// <summary>Prepares one sample for masking: runs what all its 2^n masks share and returns their builder.</summary>
    /// <param name="model">The model, in evaluation mode, with gradients off.</param>
    /// <param name="sample">The sample without a batch dimension, already on the model's device.</param>
    /// <param name="sampleIndex">The sample's position in the run (for per-sample choices of variables).</param>
    /// <returns>The prepared sample; the caller disposes it.</returns>
    public abstract MaskedSample Prepare(nn.Module<Tensor, Tensor> model, Tensor sample, int sampleIndex);

    /// <summary>Runs the part of the model that consumes a batch of masked rows and returns its logits.</summary>
    /// <param name="model">The model, in evaluation mode, with gradients off.</param>
    /// <param name="maskedBatch">Masked rows from <see cref="MaskedSample.BuildBatch(IReadOnlyList{long})"/>, possibly of several samples.</param>
    /// <returns>The logits, batch first.</returns>
    /// <remarks>The default runs the whole model through <c>call</c>, so that its forward hooks fire.</remarks>
    public virtual Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor maskedBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.call(maskedBatch);
    }
}
