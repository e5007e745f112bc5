using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class DataSubsetsTests
{
    private static readonly int[] ExpectedStrata = [50, 30, 20];

    [Test]
    public void Balanced_KPerClass_ExactCountsDistinctSamples()
    {
        // Unbalanced source: class c has 20 + 5c samples.
        var labels = Enumerable.Range(0, 10).SelectMany(c => Enumerable.Repeat(c, 20 + (5 * c))).ToArray();
        var data = new LabeledData<float>("u", [1], labels.Select((_, i) => (float)i).ToArray(), labels, 10);

        var subset = DataSubsets.Balanced(data, perClass: 15, seed: 1);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(subset.Count, Is.EqualTo(150));
            Assert.That(subset.Labels.CountBy(l => l).Select(g => g.Value), Is.All.EqualTo(15));
            Assert.That(subset.Features, Is.Unique.And.Ordered, "distinct source samples, in source order");
            Assert.That(subset.Features.Select(f => labels[(int)f]), Is.EqualTo(subset.Labels), "labels travel with their samples");
        }
    }

    [Test]
    public void BalancedIndices_SeedControlsDraw()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 10).ToArray();

        var a = DataSubsets.BalancedIndices(labels, 10, 20, seed: 1);
        var b = DataSubsets.BalancedIndices(labels, 10, 20, seed: 1);
        var c = DataSubsets.BalancedIndices(labels, 10, 20, seed: 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(c, Is.Not.EqualTo(a));
        }
    }

    [Test]
    public void Balanced_ClassTooSmall_ThrowsWithCounts()
    {
        var data = LabelNoiseTests.Synthetic(25, classCount: 5);

        var e = Assert.Throws<ArgumentException>(() => DataSubsets.Balanced(data, perClass: 6, seed: 1));

        Assert.That(e!.Message, Does.Contain("Class 0 has 5 samples, fewer than the 6"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TrainValidation_Split_DisjointAndCovering(bool stratified)
    {
        var data = LabelNoiseTests.Synthetic(1003, classCount: 7);

        var split = DataSubsets.TrainValidation(data, 0.2, seed: 9, stratified);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(split.ValidationIndices, Has.Length.EqualTo(201), "round(0.2 * 1003) = 201");
            Assert.That(split.TrainIndices.Intersect(split.ValidationIndices), Is.Empty);
            Assert.That(split.TrainIndices.Concat(split.ValidationIndices).Order(), Is.EqualTo(Enumerable.Range(0, 1003)));
            Assert.That(split.Validation.Features, Is.EqualTo(split.ValidationIndices.Select(i => (float)i)));
            Assert.That(split.Train.Count + split.Validation.Count, Is.EqualTo(1003));
        }
    }

    [Test]
    public void TrainValidation_Stratified_KeepsClassProportions()
    {
        // Classes of 500, 300 and 200 samples.
        var labels = Enumerable.Repeat(0, 500).Concat(Enumerable.Repeat(1, 300)).Concat(Enumerable.Repeat(2, 200)).ToArray();
        var data = new LabeledData<float>("s", [1], new float[1000], labels, 3);

        var split = DataSubsets.TrainValidation(data, 0.1, seed: 4, stratified: true);
        var counts = split.Validation.Labels.CountBy(l => l).OrderBy(g => g.Key).Select(g => g.Value);

        Assert.That(counts, Is.EqualTo(ExpectedStrata));
    }

    [Test]
    public void TrainValidation_SameSeed_SameSplit()
    {
        var data = LabelNoiseTests.Synthetic(200, classCount: 4);

        var a = DataSubsets.TrainValidation(data, 0.25, seed: 3);
        var b = DataSubsets.TrainValidation(data, 0.25, seed: 3);
        var c = DataSubsets.TrainValidation(data, 0.25, seed: 4);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(b.ValidationIndices, Is.EqualTo(a.ValidationIndices));
            Assert.That(c.ValidationIndices, Is.Not.EqualTo(a.ValidationIndices));
        }
    }
}
