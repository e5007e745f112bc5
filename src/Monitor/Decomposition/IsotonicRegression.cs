namespace Spindle.Monitor.Decomposition;

/// <summary>Least-squares projection onto non-increasing, non-negative sequences (pool-adjacent-violators).</summary>
internal static class IsotonicRegression
{
    /// <summary>
    /// Writes the non-increasing, non-negative sequence closest to <paramref name="values"/> in
    /// squared distance and returns that squared distance.
    /// </summary>
    /// <param name="values">The sequence y_1..y_n.</param>
    /// <param name="destination">Receives the projection; same length (may be <paramref name="values"/> itself).</param>
    /// <param name="blockSums">Scratch of length n.</param>
    /// <param name="blockCounts">Scratch of length n.</param>
    /// <returns>Σ (y_i - d_i)².</returns>
    /// <remarks>
    /// The projection onto {d_1 ≥ d_2 ≥ … ≥ d_n} pools adjacent violators into their mean; the
    /// projection onto that cone intersected with {d ≥ 0} is the same sequence clamped at zero
    /// (the clamp keeps it non-increasing, and pooling never depends on the sign).
    /// </remarks>
    public static double NonIncreasingNonNegative(ReadOnlySpan<double> values, Span<double> destination, Span<double> blockSums, Span<int> blockCounts)
    {
        var blocks = 0;
        for (var i = 0; i < values.Length; i++)
        {
            blockSums[blocks] = values[i];
            blockCounts[blocks] = 1;
            blocks++;

            // A block whose mean exceeds the previous block's mean violates "non-increasing": pool them.
            while (blocks > 1 && blockSums[blocks - 1] * blockCounts[blocks - 2] > blockSums[blocks - 2] * blockCounts[blocks - 1])
            {
                blockSums[blocks - 2] += blockSums[blocks - 1];
                blockCounts[blocks - 2] += blockCounts[blocks - 1];
                blocks--;
            }
        }

        var distance = 0.0;
        var position = 0;
        for (var b = 0; b < blocks; b++)
        {
            var mean = Math.Max(0, blockSums[b] / blockCounts[b]);
            for (var k = 0; k < blockCounts[b]; k++, position++)
            {
                var difference = values[position] - mean;
                distance += difference * difference;
                destination[position] = mean;
            }
        }

        return distance;
    }
}
