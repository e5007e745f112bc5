namespace Spindle.Trainers.Training;

/// <summary>
/// The order in which an epoch visits the training samples: a Fisher-Yates permutation driven by a
/// SplitMix64 stream seeded from (seed, epoch), so that the order of any epoch can be rebuilt on
/// resume from the seed alone and is the same on every platform and .NET version.
/// </summary>
internal static class ShuffleOrder
{
    /// <summary>Returns the permutation of [0, count) for an epoch.</summary>
    /// <param name="count">The number of samples.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <returns>The permutation.</returns>
    public static int[] Permutation(int count, int seed, int epoch)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var state = unchecked(((ulong)(uint)seed << 32) ^ (ulong)(uint)epoch ^ 0x5DEECE66DUL);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong Next(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
