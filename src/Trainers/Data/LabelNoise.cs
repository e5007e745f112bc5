namespace Spindle.Trainers.Data;

/// <summary>
/// Symmetric label noise, the corruption the paper uses to make a network memorise: exactly
/// <c>round(fraction * N)</c> samples (midpoints away from zero), chosen uniformly without
/// replacement, each get a label drawn uniformly from the other <c>C - 1</c> classes. Seeded and
/// reproducible (SplitMix64).
/// </summary>
public static class LabelNoise
{
    /// <summary>Returns the number of labels <see cref="Apply"/> changes.</summary>
    /// <param name="sampleCount">The number of samples.</param>
    /// <param name="fraction">The fraction, in [0, 1].</param>
    /// <returns><c>round(fraction * sampleCount)</c>, midpoints away from zero.</returns>
    public static int CountFor(int sampleCount, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        if (!(fraction >= 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The label-noise fraction must lie in [0, 1].");
        }

        return (int)Math.Round(fraction * sampleCount, MidpointRounding.AwayFromZero);
    }

    /// <summary>Reassigns a fraction of the labels to other classes.</summary>
    /// <typeparam name="T">The element type of the features.</typeparam>
    /// <param name="data">The clean dataset.</param>
    /// <param name="fraction">The fraction of labels to change, in [0, 1].</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The noisy dataset (features shared) and the record of the changes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The dataset has a single class and a positive fraction is asked for.</exception>
    public static LabelNoiseResult<T> Apply<T>(LabeledData<T> data, double fraction, long seed)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var count = CountFor(data.Count, fraction);
        if (count > 0 && data.ClassCount < 2)
        {
            throw new ArgumentException($"{data.Name} has {data.ClassCount} class; label noise needs at least 2.", nameof(data));
        }

        var random = new SeededRandom(seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order.AsSpan());
        var indices = order[..count];
        Array.Sort(indices);

        var labels = (int[])data.Labels.Clone();
        var original = new int[count];
        var noisy = new int[count];
        for (var k = 0; k < count; k++)
        {
            var i = indices[k];
            original[k] = labels[i];

            // Uniform over the other classes: draw from C - 1 values and skip over the original.
            var draw = random.Next(data.ClassCount - 1);
            noisy[k] = draw >= original[k] ? draw + 1 : draw;
            labels[i] = noisy[k];
        }

        var record = new LabelNoiseRecord
        {
            Dataset = data.Name,
            Fraction = fraction,
            Seed = seed,
            SampleCount = data.Count,
            ClassCount = data.ClassCount,
            Indices = indices,
            OriginalLabels = original,
            NoisyLabels = noisy,
        };
        return new LabelNoiseResult<T>(data.WithLabels(labels), record);
    }
}
