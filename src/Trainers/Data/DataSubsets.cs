namespace Spindle.Trainers.Data;

/// <summary>
/// Seeded, reproducible subsets and splits of a <see cref="LabeledData{T}"/>: class-balanced
/// subsets (k samples per class) and train/validation splits, plain or stratified. The same seed
/// gives the same indices on every machine and .NET version (the generator is SplitMix64, fixed
/// in this code). Returned indices are ascending, so subsets keep the source order.
/// </summary>
public static class DataSubsets
{
    /// <summary>Draws <paramref name="perClass"/> sample indices of every class, uniformly without replacement.</summary>
    /// <param name="labels">The labels of the source.</param>
    /// <param name="classCount">The number of classes; labels lie in [0, classCount).</param>
    /// <param name="perClass">The number of samples to take from each class.</param>
    /// <param name="seed">The seed.</param>
    /// <returns><c>classCount * perClass</c> distinct indices, ascending.</returns>
    /// <exception cref="ArgumentException">A class has fewer than <paramref name="perClass"/> samples, or a label is out of range.</exception>
    public static int[] BalancedIndices(IReadOnlyList<int> labels, int classCount, int perClass, long seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        var byClass = GroupByClass(labels, classCount);
        var random = new SeededRandom(seed);
        var result = new List<int>(classCount * perClass);
        for (var c = 0; c < classCount; c++)
        {
            var members = byClass[c];
            if (members.Count < perClass)
            {
                throw new ArgumentException($"Class {c} has {members.Count} samples, fewer than the {perClass} per class asked for.", nameof(perClass));
            }

            var pool = members.ToArray();
            random.Shuffle(pool.AsSpan());
            result.AddRange(pool.AsSpan(0, perClass));
        }

        result.Sort();
        return [.. result];
    }

    /// <summary>Takes a class-balanced subset: <paramref name="perClass"/> random samples of every class.</summary>
    /// <typeparam name="T">The element type of the features.</typeparam>
    /// <param name="data">The source.</param>
    /// <param name="perClass">The number of samples per class.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="name">The subset's name; defaults to the source's.</param>
    /// <returns>The subset, in source order.</returns>
    /// <exception cref="ArgumentException">A class has fewer than <paramref name="perClass"/> samples.</exception>
    public static LabeledData<T> Balanced<T>(LabeledData<T> data, int perClass, long seed, string? name = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Select(BalancedIndices(data.Labels, data.ClassCount, perClass, seed), name);
    }

    /// <summary>Splits a dataset into training and validation parts.</summary>
    /// <typeparam name="T">The element type of the features.</typeparam>
    /// <param name="data">The source.</param>
    /// <param name="validationFraction">The fraction for validation, in [0, 1]; the validation part gets <c>round(fraction * N)</c> samples (midpoints away from zero).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stratified">Whether each class contributes in proportion to its size (largest-remainder rounding, so the total is still <c>round(fraction * N)</c>).</param>
    /// <returns>The two parts and their source indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside [0, 1].</exception>
    public static DataSplit<T> TrainValidation<T>(LabeledData<T> data, double validationFraction, long seed, bool stratified = false)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(validationFraction >= 0 && validationFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie in [0, 1].");
        }

        var total = (int)Math.Round(validationFraction * data.Count, MidpointRounding.AwayFromZero);
        var random = new SeededRandom(seed);
        var inValidation = new bool[data.Count];
        if (stratified)
        {
            var byClass = GroupByClass(data.Labels, data.ClassCount);
            var quotas = LargestRemainder(byClass.Select(m => m.Count).ToArray(), validationFraction, total);
            for (var c = 0; c < byClass.Length; c++)
            {
                var pool = byClass[c].ToArray();
                random.Shuffle(pool.AsSpan());
                foreach (var i in pool.AsSpan(0, quotas[c]))
                {
                    inValidation[i] = true;
                }
            }
        }
        else
        {
            var pool = Enumerable.Range(0, data.Count).ToArray();
            random.Shuffle(pool.AsSpan());
            foreach (var i in pool.AsSpan(0, total))
            {
                inValidation[i] = true;
            }
        }

        var validation = new List<int>(total);
        var train = new List<int>(data.Count - total);
        for (var i = 0; i < data.Count; i++)
        {
            (inValidation[i] ? validation : train).Add(i);
        }

        return new DataSplit<T>(
            data.Select(train, data.Name + "/train"),
            data.Select(validation, data.Name + "/validation"),
            [.. train],
            [.. validation]);
    }

    private static List<int>[] GroupByClass(IReadOnlyList<int> labels, int classCount)
    {
        var byClass = new List<int>[classCount];
        for (var c = 0; c < classCount; c++)
        {
            byClass[c] = [];
        }

        for (var i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }

            byClass[labels[i]].Add(i);
        }

        return byClass;
    }

    /// <summary>Allocates <paramref name="total"/> items to classes in proportion to their sizes (Hamilton's method).</summary>
    private static int[] LargestRemainder(int[] sizes, double fraction, int total)
    {
        var quotas = new int[sizes.Length];
        var remainders = new double[sizes.Length];
        var assigned = 0;
        for (var c = 0; c < sizes.Length; c++)
        {
            var exact = fraction * sizes[c];
            quotas[c] = Math.Min(sizes[c], (int)Math.Floor(exact));
            remainders[c] = exact - quotas[c];
            assigned += quotas[c];
        }

        // Ties go to the lower class index, so the allocation is deterministic.
        var order = Enumerable.Range(0, sizes.Length).OrderByDescending(c => remainders[c]).ThenBy(c => c).ToArray();
        for (var k = 0; assigned < total && k < order.Length * 2; k++)
        {
            var c = order[k % order.Length];
            if (quotas[c] < sizes[c])
            {
                quotas[c]++;
                assigned++;
            }
        }

        return quotas;
    }
}
