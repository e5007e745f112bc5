using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class LabelNoiseTests
{
    [TestCase(1000, 0.01, 10)]
    [TestCase(1000, 0.2, 200)]
    [TestCase(333, 0.5, 167)]
    [TestCase(10, 0.05, 1)]
    [TestCase(100, 0.0, 0)]
    [TestCase(50, 1.0, 50)]
    public void Apply_Fraction_ChangesExactlyRoundedCount(int n, double fraction, int expected)
    {
        var data = Synthetic(n, classCount: 10);

        var result = LabelNoise.Apply(data, fraction, seed: 7);
        var changed = Enumerable.Range(0, n).Where(i => result.Data.Labels[i] != data.Labels[i]).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Record.Count, Is.EqualTo(expected));
            Assert.That(changed, Is.EqualTo(result.Record.Indices), "every recorded index changed, and only those");
            Assert.That(result.Record.OriginalLabels, Is.EqualTo(result.Record.Indices.Select(i => data.Labels[i])));
            Assert.That(result.Record.NoisyLabels, Is.EqualTo(result.Record.Indices.Select(i => result.Data.Labels[i])));
        }
    }

    [Test]
    public void Apply_TwoClasses_NeverKeepsTheSameClass()
    {
        var data = Synthetic(500, classCount: 2);

        var result = LabelNoise.Apply(data, 1.0, seed: 3);

        Assert.That(result.Data.Labels, Is.EqualTo(data.Labels.Select(l => 1 - l)));
    }

    [Test]
    public void Apply_SameSeed_SameIndicesAndLabels()
    {
        var data = Synthetic(2000, classCount: 10);

        var a = LabelNoise.Apply(data, 0.1, seed: 42).Record;
        var b = LabelNoise.Apply(data, 0.1, seed: 42).Record;
        var c = LabelNoise.Apply(data, 0.1, seed: 43).Record;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(b.Indices, Is.EqualTo(a.Indices));
            Assert.That(b.NoisyLabels, Is.EqualTo(a.NoisyLabels));
            Assert.That(c.Indices, Is.Not.EqualTo(a.Indices));
        }
    }

    [Test]
    public void Apply_ManySamples_NewLabelsSpreadOverOtherClasses()
    {
        var data = Synthetic(10_000, classCount: 10);

        var record = LabelNoise.Apply(data, 1.0, seed: 5).Record;
        var targets = record.NoisyLabels.Where((_, k) => record.OriginalLabels[k] == 0).CountBy(l => l).ToDictionary();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(targets.Keys, Is.EquivalentTo(Enumerable.Range(1, 9)));

            // 1,000 draws over 9 classes: expected 111 each, standard deviation ~10; 60..170 is > 5 sigma.
            Assert.That(targets.Values, Is.All.InRange(60, 170));
            Assert.That(record.OriginalLabels.Count(l => l == 0), Is.EqualTo(1000));
        }
    }

    [Test]
    public void Record_SaveLoadApplyTo_ReproducesNoisyLabels()
    {
        var data = Synthetic(300, classCount: 10);
        var result = LabelNoise.Apply(data, 0.1, seed: 11);
        var path = Path.Combine(Path.GetTempPath(), $"spindle-noise-{Guid.NewGuid():N}.json");
        try
        {
            result.Record.Save(path);
            var loaded = LabelNoiseRecord.Load(path);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(loaded.Indices, Is.EqualTo(result.Record.Indices));
                Assert.That(loaded.Seed, Is.EqualTo(11));
                Assert.That(loaded.Fraction, Is.EqualTo(0.1));
                Assert.That(loaded.ApplyTo(data).Labels, Is.EqualTo(result.Data.Labels));
                Assert.That(File.ReadAllText(path), Does.Contain("\"indices\""));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void RecordApplyTo_OtherDataset_ThrowsNamingSample()
    {
        var data = Synthetic(100, classCount: 10);
        var record = LabelNoise.Apply(data, 0.1, seed: 2).Record;
        var shifted = data.WithLabels(data.Labels.Select(l => (l + 1) % 10).ToArray());

        var e = Assert.Throws<ArgumentException>(() => record.ApplyTo(shifted));

        Assert.That(e!.Message, Does.Contain($"Sample {record.Indices[0]} has label"));
    }

    [Test]
    public void RecordLoad_NotJson_ThrowsNamingFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"spindle-noise-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => LabelNoiseRecord.Load(path));

            Assert.That(e!.Message, Does.StartWith(path).And.Contains("not a label-noise record"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void Apply_FractionOutsideUnitInterval_Throws(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelNoise.Apply(Synthetic(10, 10), fraction, 1));

    /// <summary>n samples of one float each, labels cycling through the classes.</summary>
    internal static LabeledData<float> Synthetic(int n, int classCount) =>
        new("synthetic", [1], Enumerable.Range(0, n).Select(i => (float)i).ToArray(), Enumerable.Range(0, n).Select(i => i % classCount).ToArray(), classCount);
}
