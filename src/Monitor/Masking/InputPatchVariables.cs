using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Input variables that are rectangular patches of an input image [channels, height, width].</summary>
/// <remarks>
/// An absent patch takes the baseline value on every channel: zero by default, or one value per channel, for example
/// the mean colour over the training images as footnote 3 of the paper does (<see cref="ChannelMeans"/>).
/// </remarks>
public sealed class InputPatchVariables : InputVariables
{
    private readonly double[] _channelBaseline;

    /// <summary>Initializes a new instance of the <see cref="InputPatchVariables"/> class.</summary>
    /// <param name="grid">The grid over the image's height and width.</param>
    /// <param name="selection">The cells that are the variables.</param>
    /// <param name="channelBaseline">
    /// The baseline: <see langword="null"/> or empty for zero, one value for every channel, or one value per channel.
    /// </param>
    /// <exception cref="ArgumentException">A baseline value is not finite.</exception>
    public InputPatchVariables(PatchGrid grid, PatchSelection selection, IReadOnlyList<double>? channelBaseline = null)
        : base(CountOf(selection))
    {
        ArgumentNullException.ThrowIfNull(grid);
        Grid = grid;
        Selection = selection;
        _channelBaseline = channelBaseline is null || channelBaseline.Count == 0 ? [0.0] : [.. channelBaseline];
        if (_channelBaseline.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException($"Baseline values must be finite; got [{string.Join(", ", _channelBaseline)}].", nameof(channelBaseline));
        }
    }

    /// <summary>Gets the grid over the image.</summary>
    public PatchGrid Grid { get; }

    /// <summary>Gets the cells that are the variables.</summary>
    public PatchSelection Selection { get; }

    /// <summary>Gets the baseline value of each channel (a single value applies to all channels).</summary>
    public IReadOnlyList<double> ChannelBaseline => _channelBaseline;

    /// <summary>Computes the mean of every channel over a batch of images [batch, channels, height, width], in float64.</summary>
    /// <param name="images">The images.</param>
    /// <returns>One mean per channel.</returns>
    /// <exception cref="ArgumentException">The batch is not 4-dimensional or is empty.</exception>
    public static double[] ChannelMeans(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.numel() == 0)
        {
            throw new ArgumentException(
                $"Channel means need a non-empty batch [batch, channels, height, width]; got {MaskedSample.FormatShape(images.shape)}.", nameof(images));
        }

        using var scope = torch.NewDisposeScope();
        return images.to_type(ScalarType.Float64).mean([0L, 2L, 3L]).cpu().data<double>().ToArray();
    }

    /// <inheritdoc/>
    public override MaskedSample Prepare(nn.Module<Tensor, Tensor> model, Tensor sample, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.dim() != 3)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex}: image patches need a sample [channels, height, width]; got {MaskedSample.FormatShape(sample.shape)}."),
                nameof(sample));
        }

        long channels = sample.shape[0];
        if (_channelBaseline.Length != 1 && _channelBaseline.Length != channels)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex} has {channels} channels but {_channelBaseline.Length} baseline values were given."),
                nameof(sample));
        }

        using var scope = torch.NewDisposeScope();
        var map = Grid.VariableMap(sample.shape[1], sample.shape[2], Selection.CellsFor(Grid, sampleIndex));
        var baseline = torch.tensor(_channelBaseline, dtype: ScalarType.Float64).reshape(-1, 1, 1);
        var prepared = new MaskedSample(sample.unsqueeze(0).MoveToOuterDisposeScope(), map, baseline, Count);
        return prepared;
    }

    private static int CountOf(PatchSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return selection.Count;
    }
}
