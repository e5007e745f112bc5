using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Input variables that are token positions of a sequence of token ids; an absent token is replaced by a mask token.</summary>
/// <remarks>
/// As section 2.1 (footnote 3) and appendix K.2 of the paper: each chosen token (its whole embedding) is one variable,
/// and masking replaces its id by the [MASK] id (103 in BERT's vocabulary). A sample is an integer tensor [length];
/// the model takes [batch, length]. Samples of different lengths are batched separately.
/// </remarks>
public sealed class TokenVariables : InputVariables
{
    private readonly Func<long[], int, IReadOnlyList<int>> _choosePositions;

    /// <summary>Initializes a new instance of the <see cref="TokenVariables"/> class with the positions of every sample given.</summary>
    /// <param name="maskTokenId">The id that replaces an absent token.</param>
    /// <param name="positionsPerSample">For sample s, the distinct positions that are its variables; every list has the same length n.</param>
    /// <exception cref="ArgumentException">The lists are empty, differ in length, or repeat a position.</exception>
    public TokenVariables(long maskTokenId, IReadOnlyList<IReadOnlyList<int>> positionsPerSample)
        : base(CountOf(positionsPerSample))
    {
        MaskTokenId = maskTokenId;
        int[][] positions = [.. positionsPerSample.Select(p => p.ToArray())];
        for (int s = 0; s < positions.Length; s++)
        {
            if (positions[s].Length != Count || positions[s].Distinct().Count() != Count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Sample {s} has positions [{string.Join(", ", positions[s])}]; every sample needs {Count} distinct positions."),
                    nameof(positionsPerSample));
            }
        }

        _choosePositions = (_, sampleIndex) => sampleIndex < positions.Length
            ? positions[sampleIndex]
            : throw new ArgumentOutOfRangeException(
                nameof(sampleIndex), sampleIndex, string.Create(CultureInfo.InvariantCulture, $"Token positions were given for {positions.Length} samples only."));
    }

    private TokenVariables(long maskTokenId, int count, Func<long[], int, IReadOnlyList<int>> choosePositions)
        : base(count)
    {
        MaskTokenId = maskTokenId;
        _choosePositions = choosePositions;
    }

    /// <summary>Gets the id that replaces an absent token.</summary>
    public long MaskTokenId { get; }

    /// <summary>Chooses <paramref name="count"/> positions of each sample at random (from the seed and the sample index), skipping excluded ids.</summary>
    /// <param name="maskTokenId">The id that replaces an absent token.</param>
    /// <param name="count">The number n of variables per sample.</param>
    /// <param name="seed">The seed; the same seed gives the same positions.</param>
    /// <param name="excludedTokenIds">Ids never chosen (special tokens, padding, stop words, punctuation), or <see langword="null"/>.</param>
    /// <returns>The variables.</returns>
    public static TokenVariables RandomPositions(long maskTokenId, int count, int seed, IEnumerable<long>? excludedTokenIds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var excluded = new HashSet<long>(excludedTokenIds ?? []);
        return new TokenVariables(maskTokenId, count, (ids, sampleIndex) =>
        {
            int[] eligible = [.. Enumerable.Range(0, ids.Length).Where(p => !excluded.Contains(ids[p]))];
            if (eligible.Length < count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex} has {eligible.Length} eligible tokens of {ids.Length}; {count} variables were asked for."));
            }

            return SeededChoice.Choose(eligible, count, seed, sampleIndex);
        });
    }

    /// <summary>Gets the positions that are the variables of one sample: variable i is the returned position i.</summary>
    /// <param name="sample">The sample's token ids [length].</param>
    /// <param name="sampleIndex">The sample's position in the run.</param>
    /// <returns>The positions.</returns>
    public IReadOnlyList<int> PositionsFor(Tensor sample, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        long[] ids = sample.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        return _choosePositions(ids, sampleIndex);
    }

    /// <inheritdoc/>
    public override MaskedSample Prepare(nn.Module<Tensor, Tensor> model, Tensor sample, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.dim() != 1 || sample.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Bool)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex}: token variables need integer token ids [length]; got {sample.dtype} {MaskedSample.FormatShape(sample.shape)}."),
                nameof(sample));
        }

        IReadOnlyList<int> positions = PositionsFor(sample, sampleIndex);
        long length = sample.shape[0];
        long[] map = new long[length];
        Array.Fill(map, -1L);
        for (int v = 0; v < positions.Count; v++)
        {
            if (positions[v] < 0 || positions[v] >= length)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Sample {sampleIndex}: position {positions[v]} of variable {v} is outside its {length} tokens."),
                    nameof(sample));
            }

            map[positions[v]] = v;
        }

        using var scope = torch.NewDisposeScope();
        var prepared = new MaskedSample(sample.unsqueeze(0).MoveToOuterDisposeScope(), torch.tensor(map), torch.tensor(MaskTokenId), Count);
        return prepared;
    }

    private static int CountOf(IReadOnlyList<IReadOnlyList<int>> positionsPerSample)
    {
        ArgumentNullException.ThrowIfNull(positionsPerSample);
        if (positionsPerSample.Count == 0)
        {
            throw new ArgumentException("Token positions are needed for at least one sample.", nameof(positionsPerSample));
        }

        return positionsPerSample[0].Count;
    }
}
