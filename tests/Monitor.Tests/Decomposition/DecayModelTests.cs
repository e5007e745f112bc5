using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class DecayModelTests
{
    [TestCase(1e-3)]
    [TestCase(0.05)]
    [TestCase(2.0)]
    public void Evaluate_BatchedPath_MatchesPerSampleOperatorAndDistribution(double delta)
    {
        var planted = PlantedInteractions.Generate(41, 7, 5, 8, 0.1, 1e-3);
        var model = new DecayModel(planted.And, planted.Or, planted.Tau);

        // Reference: M(δ) on each vector separately (empty-set entry zeroed), then Eq. 6 with the same τ, times γ.
        var op = new DecayOperator(7);
        var hatAnd = planted.And.Select(v => Shrunk(op, v, delta)).ToList();
        var hatOr = planted.Or.Select(v => Shrunk(op, v, delta)).ToList();
        var expected = InteractionDistributions.Compute(hatAnd, hatOr, planted.Tau).Scale(1.7);

        var actual = model.Evaluate(delta, 1.7);

        // Same arithmetic in a different order (SIMD, interleaved): round-off ~1e-15 per entry;
        // an entry within 1e-12 of τ could flip salience, none does at these seeds.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actual.Positive, Is.EqualTo(expected.Positive).AsCollection.Within(1e-12));
            Assert.That(actual.Negative, Is.EqualTo(expected.Negative).AsCollection.Within(1e-12));
        }
    }

    [Test]
    public void Evaluate_LargerDelta_LowersHighOrderMass()
    {
        var planted = PlantedInteractions.Generate(42, 8, 4, 8, 0.1, 1e-3);
        var model = new DecayModel(planted.And, planted.Or, planted.Tau);
        static double HighOrderMass(OrderDistribution d) => d.Positive.Skip(3).Sum() - d.Negative.Skip(3).Sum();

        Assert.That(HighOrderMass(model.Evaluate(0.1, 1)), Is.LessThan(HighOrderMass(model.Evaluate(1e-3, 1))));
    }

    private static double[] Shrunk(DecayOperator op, double[] interactions, double delta)
    {
        var copy = (double[])interactions.Clone();
        copy[0] = 0;
        op.Apply(copy, copy, delta);
        return copy;
    }
}
