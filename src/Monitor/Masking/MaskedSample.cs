using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>
/// One sample prepared for masking: the tensor to mask, which element belongs to which input variable, and the
/// baseline an absent variable's elements take. Builds the masked batch x_T for any list of masks T.
/// </summary>
/// <remarks>
/// Row j of a batch for masks T_j is <c>where(present_j, input, baseline)</c>, where element e is present when it
/// belongs to no variable (<c>variableMap[e] = -1</c>) or its variable's bit is set in T_j. The selection is exact
/// (no arithmetic on the values). The instance takes the input tensor out of its dispose scope and owns it, with
/// copies of the map and baseline; <see cref="Dispose"/> frees them.
/// </remarks>
public sealed class MaskedSample : IDisposable
{
    private readonly Tensor _input;
    private readonly Tensor _baseline;
    private readonly Tensor _flatMapIndex;
    private readonly long[] _mapShape;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MaskedSample"/> class.</summary>
    /// <param name="input">The unmasked sample with a leading batch dimension of 1, on the model's device.</param>
    /// <param name="variableMap">
    /// An integer tensor broadcastable to <paramref name="input"/>'s shape without its batch dimension: the index of
    /// the variable (0..n-1) each element belongs to, or -1 for elements that are never masked.
    /// </param>
    /// <param name="baseline">The values of absent elements, broadcastable to the sample (converted to the input's type).</param>
    /// <param name="variableCount">The number n of input variables.</param>
    /// <exception cref="ArgumentException">The shapes do not fit or the map holds an index outside [-1, n).</exception>
    public MaskedSample(Tensor input, Tensor variableMap, Tensor baseline, int variableCount)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(variableMap);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentOutOfRangeException.ThrowIfLessThan(variableCount, 1);
        if (input.dim() < 1 || input.shape[0] != 1)
        {
            throw new ArgumentException(
                $"The input must have a leading batch dimension of 1; got shape {FormatShape(input.shape)}.", nameof(input));
        }

        VariableCount = variableCount;
        long[] sampleShape = input.shape[1..];
        RowShape = Broadcast(Broadcast(sampleShape, variableMap.shape, nameof(variableMap)), baseline.shape, nameof(baseline));
        if (RowShape.Length != sampleShape.Length)
        {
            throw new ArgumentException(
                $"The variable map {FormatShape(variableMap.shape)} and baseline {FormatShape(baseline.shape)} must not add dimensions to the sample {FormatShape(sampleShape)}.");
        }

        using var scope = torch.NewDisposeScope();
        var map = variableMap.to_type(ScalarType.Int64).to(input.device).flatten();
        if (map.numel() > 0)
        {
            long min = map.min().item<long>();
            long max = map.max().item<long>();
            if (min < -1 || max >= variableCount)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The variable map holds indices from {min} to {max}; they must lie in [-1, {variableCount})."),
                    nameof(variableMap));
            }
        }

        // Right-align the map's shape with the row's so that [k, map...] broadcasts against [1, sample...].
        _mapShape = [.. Enumerable.Repeat(1L, RowShape.Length - variableMap.shape.Length), .. variableMap.shape];
        // Owned tensors leave every dispose scope: their lifetime is this instance's, ended by Dispose.
        _flatMapIndex = torch.where(map.lt(0), variableCount, map).DetachFromDisposeScope();
        _baseline = baseline.to(input.device).to_type(input.dtype).clone().DetachFromDisposeScope();
        _input = input.DetachFromDisposeScope();
    }

    /// <summary>Gets the number n of input variables.</summary>
    public int VariableCount { get; }

    /// <summary>Gets the shape of one masked row (the sample's shape without the batch dimension).</summary>
    public long[] RowShape { get; }

    /// <summary>Gets the element type of the masked rows.</summary>
    public ScalarType DType => _input.dtype;

    /// <summary>Gets the device the masked rows are built on.</summary>
    public Device Device => _input.device;

    /// <summary>Gets the number of bytes of one masked row.</summary>
    public long RowBytes => RowShape.Aggregate(1L, (a, b) => a * b) * _input.ElementSize;

    /// <summary>Builds the masked rows x_T for the masks <paramref name="firstMask"/> .. <paramref name="firstMask"/> + <paramref name="count"/> - 1.</summary>
    /// <param name="firstMask">The first mask (bit i set = variable i present).</param>
    /// <param name="count">The number of consecutive masks.</param>
    /// <returns>A tensor of shape [count, RowShape...].</returns>
    public Tensor BuildBatch(long firstMask, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstMask);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long[] masks = new long[count];
        for (int j = 0; j < count; j++)
        {
            masks[j] = firstMask + j;
        }

        return BuildBatch(masks);
    }

    /// <summary>Builds the masked rows x_T for the given masks.</summary>
    /// <param name="masks">The masks T (bit i set = variable i present), each below 2^n.</param>
    /// <returns>A tensor of shape [masks.Count, RowShape...].</returns>
    /// <exception cref="ArgumentOutOfRangeException">A mask is negative or not below 2^n.</exception>
    public Tensor BuildBatch(IReadOnlyList<long> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = VariableCount;
        int k = masks.Count;
        ArgumentOutOfRangeException.ThrowIfZero(k, nameof(masks));

        // Presence bits [k, n + 1]; the extra column is always set and serves the elements of no variable.
        bool[] bits = new bool[k * (n + 1)];
        for (int j = 0; j < k; j++)
        {
            long mask = masks[j];
            if (mask < 0 || mask >> n != 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(masks), mask, string.Create(CultureInfo.InvariantCulture, $"Mask {mask} at position {j} is outside [0, 2^{n})."));
            }

            for (int i = 0; i < n; i++)
            {
                bits[(j * (n + 1)) + i] = ((mask >> i) & 1) != 0;
            }

            bits[(j * (n + 1)) + n] = true;
        }

        using var scope = torch.NewDisposeScope();
        var present = torch.tensor(bits, [k, n + 1], device: _input.device)
            .index_select(1, _flatMapIndex)
            .reshape([k, .. _mapShape]);
        return torch.where(present, _input, _baseline).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _input.Dispose();
        _baseline.Dispose();
        _flatMapIndex.Dispose();
    }

    internal static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static long[] Broadcast(long[] shape, long[] other, string otherName)
    {
        int rank = Math.Max(shape.Length, other.Length);
        long[] result = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            int a = d - (rank - shape.Length);
            int b = d - (rank - other.Length);
            long sa = a >= 0 ? shape[a] : 1;
            long sb = b >= 0 ? other[b] : 1;
            if (sa != sb && sa != 1 && sb != 1)
            {
                throw new ArgumentException(
                    $"The {otherName} of shape {FormatShape(other)} does not broadcast to the sample shape {FormatShape(shape)}.", otherName);
            }

            result[d] = Math.Max(sa, sb);
        }

        return result;
    }
}
