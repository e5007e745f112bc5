using Spindle.Monitor.Masking;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// A classifier that returns logits [batch, classes] and can be run in two parts around a named
/// feature map (<see cref="IFeatureMapSplit"/>); every model of <see cref="ModelFactory"/> is one.
/// </summary>
public abstract class SplitClassifier : nn.Module<Tensor, Tensor>, IFeatureMapSplit
{
    /// <summary>Initializes a new instance of the <see cref="SplitClassifier"/> class.</summary>
    /// <param name="name">The module name.</param>
    protected SplitClassifier(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public abstract string FeatureMapName { get; }

    /// <summary>Gets the number of classes (the width of the logits).</summary>
    public abstract int ClassCount { get; }

    /// <inheritdoc/>
    public abstract Tensor ForwardPrefix(Tensor input);

    /// <inheritdoc/>
    public abstract Tensor ForwardSuffix(Tensor featureMap);
}
