using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>
/// A model that can be run in two parts around a named intermediate feature map, so that input
/// variables can be patches of that feature map (the prefix runs once per sample, the suffix on
/// every masked map).
/// </summary>
/// <remarks>For every input x, <c>ForwardSuffix(ForwardPrefix(x))</c> equals the model's output.</remarks>
public interface IFeatureMapSplit
{
    /// <summary>Gets the name of the feature map between prefix and suffix (for example <c>relu2</c>).</summary>
    string FeatureMapName { get; }

    /// <summary>Runs the layers up to and including the feature map.</summary>
    /// <param name="input">A batch of inputs.</param>
    /// <returns>The feature maps, batch first.</returns>
    Tensor ForwardPrefix(Tensor input);

    /// <summary>Runs the layers after the feature map.</summary>
    /// <param name="featureMap">A batch of feature maps as <see cref="ForwardPrefix"/> returns them.</param>
    /// <returns>The logits, batch first.</returns>
    Tensor ForwardSuffix(Tensor featureMap);
}
