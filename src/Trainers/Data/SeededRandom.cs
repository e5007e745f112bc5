namespace Spindle.Trainers.Data;

/// <summary>
/// A small seeded generator (SplitMix64) whose sequence is fixed by this code, not by the runtime,
/// so subsets, splits and label noise drawn from a seed are the same on every .NET version.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _state;

    /// <summary>Initializes a new instance of the <see cref="SeededRandom"/> class.</summary>
    /// <param name="seed">The seed.</param>
    public SeededRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound, at least 1.</param>
    /// <returns>The integer.</returns>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong r;
        do
        {
            r = NextUInt64();
        }
        while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>Shuffles a span in place (Fisher-Yates).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
