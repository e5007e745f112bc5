using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Input variables that are patches of an intermediate feature map of a model that implements <see cref="IFeatureMapSplit"/>.</summary>
/// <remarks>
/// As appendix K.2 of the paper (after Zhang et al., 2024): the model's prefix runs once per sample, the feature map
/// [1, channels, height, width] is partitioned by a grid (8x8 by default), and an absent patch is set to the baseline on
/// every channel: zero by default, the natural "off" value of a map taken after a ReLU. Only the suffix runs on the
/// 2^n masked maps.
/// </remarks>
public sealed class FeatureMapPatchVariables : InputVariables
{
    /// <summary>Initializes a new instance of the <see cref="FeatureMapPatchVariables"/> class.</summary>
    /// <param name="selection">The cells that are the variables (for the paper's setting: <c>PatchSelection.RandomCentral(10, seed)</c>).</param>
    /// <param name="grid">The grid over the feature map's height and width; <see langword="null"/> for 8x8.</param>
    /// <param name="baseline">The value of an absent patch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseline"/> is not finite.</exception>
    public FeatureMapPatchVariables(PatchSelection selection, PatchGrid? grid = null, double baseline = 0.0)
        : base(CountOf(selection))
    {
        if (!double.IsFinite(baseline))
        {
            throw new ArgumentOutOfRangeException(nameof(baseline), baseline, "The baseline must be finite.");
        }

        Selection = selection;
        Grid = grid ?? new PatchGrid(MaskingDefaults.FeatureMapGridSize, MaskingDefaults.FeatureMapGridSize);
        Baseline = baseline;
    }

    /// <summary>Gets the grid over the feature map.</summary>
    public PatchGrid Grid { get; }

    /// <summary>Gets the cells that are the variables.</summary>
    public PatchSelection Selection { get; }

    /// <summary>Gets the value of an absent patch.</summary>
    public double Baseline { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The model does not implement <see cref="IFeatureMapSplit"/>, or its feature map is not [1, channels, height, width].</exception>
    public override MaskedSample Prepare(nn.Module<Tensor, Tensor> model, Tensor sample, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var split = SplitOf(model);
        using var scope = torch.NewDisposeScope();
        var featureMap = split.ForwardPrefix(sample.unsqueeze(0));
        if (featureMap.dim() != 4 || featureMap.shape[0] != 1)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Feature-map patches need the feature map '{split.FeatureMapName}' as [1, channels, height, width]; sample {sampleIndex} gave {MaskedSample.FormatShape(featureMap.shape)}."),
                nameof(model));
        }

        var map = Grid.VariableMap(featureMap.shape[2], featureMap.shape[3], Selection.CellsFor(Grid, sampleIndex));
        var baseline = torch.tensor(Baseline, dtype: ScalarType.Float64);
        return new MaskedSample(featureMap.MoveToOuterDisposeScope(), map, baseline, Count);
    }

    /// <inheritdoc/>
    public override Tensor Forward(nn.Module<Tensor, Tensor> model, Tensor maskedBatch) => SplitOf(model).ForwardSuffix(maskedBatch);

    private static IFeatureMapSplit SplitOf(nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model as IFeatureMapSplit
            ?? throw new ArgumentException(
                $"Feature-map patches need a model that implements IFeatureMapSplit; {model.GetType().Name} does not.", nameof(model));
    }

    private static int CountOf(PatchSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return selection.Count;
    }
}
