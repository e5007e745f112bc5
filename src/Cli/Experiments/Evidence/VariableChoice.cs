using System.Globalization;
using Spindle.Monitor;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using static TorchSharp.torch;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>How an analyst picks the input variables of a check: where they are, how many, which ones and what a masked variable becomes.</summary>
/// <param name="FeatureMap">Patches of the model's feature map (relu2, 8x8 grid, one-cell margin) instead of input patches (4x4 grid).</param>
/// <param name="Count">The number n of variables.</param>
/// <param name="Seed">The seed of the random choice of patches.</param>
/// <param name="BlackBaseline">Masked input patches become black (raw pixel 0, -0.81 after normalisation) instead of the mean intensity (0 after normalisation, Spindle's default).</param>
internal sealed record VariableChoice(bool FeatureMap = false, int Count = 8, int Seed = 0, bool BlackBaseline = false)
{
    /// <summary>Gets the default: n = 8 of the 16 input patches of a 4x4 grid, seed 0, normalised zero (mean intensity).</summary>
    public static VariableChoice Default { get; } = new();

    /// <summary>Gets a short label, for example <c>input n=8 seed 0 mean</c>.</summary>
    public string Label => string.Create(
        CultureInfo.InvariantCulture,
        $"{(FeatureMap ? "feature-map" : "input")} n={Count} seed {Seed}{(FeatureMap ? string.Empty : BlackBaseline ? " black" : " mean")}");

    /// <summary>Builds the variables.</summary>
    /// <returns>The variables.</returns>
    public InputVariables Build()
    {
        if (FeatureMap)
        {
            return new FeatureMapPatchVariables(PatchSelection.RandomCentral(Count, Seed, margin: 1), new PatchGrid(8, 8));
        }

        var normalization = PixelNormalization.FashionMnist;
        double[]? baseline = BlackBaseline ? [-normalization.Mean[0] / normalization.StandardDeviation[0]] : null;
        return new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(Count, Seed, margin: 0), baseline);
    }

    /// <summary>Extracts a model's interactions on probes with these variables.</summary>
    /// <param name="model">The model.</param>
    /// <param name="probes">The probe images.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="analysis">The analysis options; null for the defaults (exact solver).</param>
    /// <returns>The extraction.</returns>
    public InteractionExtraction Extract(nn.Module<Tensor, Tensor> model, Tensor probes, IReadOnlyList<long> labels, InteractionAnalysisOptions? analysis = null) =>
        new InteractionExtractor(analysis: analysis).Extract(model, Build(), probes, labels);
}
