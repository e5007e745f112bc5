namespace Spindle.Monitor.Masking;

/// <summary>Reproducible random choice of k items, a pure function of (seed, sample index) that does not depend on <see cref="Random"/>'s algorithm.</summary>
internal static class SeededChoice
{
    /// <summary>Chooses <paramref name="count"/> of the candidates (partial Fisher-Yates driven by SplitMix64) and returns them sorted.</summary>
    /// <param name="candidates">The candidates; reordered in place.</param>
    /// <param name="count">How many to choose, at most <c>candidates.Length</c>.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stream">A second key (the sample index for per-sample choices), or <see langword="null"/>.</param>
    /// <returns>The chosen candidates in ascending order.</returns>
    public static int[] Choose(int[] candidates, int count, int seed, int? stream)
    {
        ulong state = Mix((ulong)(uint)seed ^ (stream is int s ? Mix((ulong)(uint)s + 0x5851F42D4C957F2DUL) : 0UL));
        for (int i = 0; i < count; i++)
        {
            state = Mix(state);
            int j = i + (int)(state % (ulong)(candidates.Length - i));
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }

        int[] chosen = candidates[..count];
        Array.Sort(chosen);
        return chosen;
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
