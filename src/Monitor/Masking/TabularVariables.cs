using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Input variables that are features of a tabular sample [features]; an absent feature takes its own baseline value.</summary>
public sealed class TabularVariables : InputVariables
{
    private readonly double[] _baseline;
    private readonly int[] _features;

    /// <summary>Initializes a new instance of the <see cref="TabularVariables"/> class.</summary>
    /// <param name="baseline">The baseline value of every feature (for example the training means, <see cref="FeatureMeans"/>).</param>
    /// <param name="features">The features that are variables (variable i is feature <paramref name="features"/>[i]); <see langword="null"/> for all.</param>
    /// <exception cref="ArgumentException">The baseline is empty or not finite, or a feature index is repeated or out of range.</exception>
    public TabularVariables(IReadOnlyList<double> baseline, IReadOnlyList<int>? features = null)
        : base(features?.Count ?? baseline?.Count ?? 0)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        _baseline = [.. baseline];
        _features = features is null ? [.. Enumerable.Range(0, _baseline.Length)] : [.. features];
        if (_baseline.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException($"Baseline values must be finite; got [{string.Join(", ", _baseline)}].", nameof(baseline));
        }

        if (_features.Any(f => f < 0 || f >= _baseline.Length) || _features.Distinct().Count() != _features.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Features [{string.Join(", ", _features)}] must be distinct indices below {_baseline.Length}."),
                nameof(features));
        }
    }

    /// <summary>Gets the baseline value of every feature.</summary>
    public IReadOnlyList<double> Baseline => _baseline;

    /// <summary>Gets the feature of each variable.</summary>
    public IReadOnlyList<int> Features => _features;

    /// <summary>Computes the mean of every feature over a batch [batch, features], in float64.</summary>
    /// <param name="data">The batch.</param>
    /// <returns>One mean per feature.</returns>
    /// <exception cref="ArgumentException">The batch is not 2-dimensional or is empty.</exception>
    public static double[] FeatureMeans(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.dim() != 2 || data.numel() == 0)
        {
            throw new ArgumentException($"Feature means need a non-empty batch [batch, features]; got {MaskedSample.FormatShape(data.shape)}.", nameof(data));
        }

        using var scope = torch.NewDisposeScope();
        return data.to_type(ScalarType.Float64).mean([0L]).cpu().data<double>().ToArray();
    }

    /// <inheritdoc/>
    public override MaskedSample Prepare(nn.Module<Tensor, Tensor> model, Tensor sample, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.dim() != 1 || sample.shape[0] != _baseline.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex}: tabular variables need a sample of {_baseline.Length} features; got {MaskedSample.FormatShape(sample.shape)}."),
                nameof(sample));
        }

        long[] map = new long[_baseline.Length];
        Array.Fill(map, -1L);
        for (int v = 0; v < _features.Length; v++)
        {
            map[_features[v]] = v;
        }

        using var scope = torch.NewDisposeScope();
        var prepared = new MaskedSample(sample.unsqueeze(0).MoveToOuterDisposeScope(), torch.tensor(map), torch.tensor(_baseline), Count);
        return prepared;
    }
}
