using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Training;

/// <summary>Small synthetic classification data for loop tests: Gaussian blobs around class centres.</summary>
internal static class SyntheticData
{
    /// <summary>
    /// Creates <paramref name="count"/> samples of the given shape in <paramref name="classCount"/>
    /// classes: class c's samples are a fixed random centre (entries +-<paramref name="separation"/>)
    /// plus standard normal noise. With separation 1 and 64 features, centres are about 11 noise
    /// standard deviations apart, so the Bayes accuracy is 1 up to rounding.
    /// </summary>
    public static LabeledData<float> Blobs(int count, int classCount, int[] sampleShape, int seed, double separation = 1.0, string name = "blobs")
    {
        var size = sampleShape.Aggregate(1, (a, b) => a * b);
        var centreRandom = new Random(12345);
        var centres = new float[classCount][];
        for (var c = 0; c < classCount; c++)
        {
            centres[c] = Enumerable.Range(0, size).Select(_ => (float)(centreRandom.Next(2) == 0 ? -separation : separation)).ToArray();
        }

        var random = new Random(seed);
        var features = new float[count * size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % classCount;
            for (var j = 0; j < size; j++)
            {
                features[(i * size) + j] = centres[labels[i]][j] + (float)Gaussian(random);
            }
        }

        return new LabeledData<float>(name, sampleShape, features, labels, classCount);
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
