using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class FaithfulnessTests
{
    [Test]
    public void Similarity_HandComputedCase_Matches()
    {
        var gen = new OrderDistribution([2, 1], [-1, 0]);
        var non = new OrderDistribution([0, 1], [0, -1]);
        var decay = new OrderDistribution([1, 1], [-2, 0]);
        var spindle = new OrderDistribution([0.5, 1], [-0.5, -0.5]);

        // Pairs (gen, decay): (2,1) (1,1) (1,2) (0,0) -> min 1+1+1+0 = 3, max 2+1+2+0 = 5.
        // Pairs (non, spindle): (0,0.5) (1,1) (0,0.5) (1,0.5) -> min 0+1+0+0.5 = 1.5, max 0.5+1+0.5+1 = 3.
        // SIM = 4.5 / 8; exact in binary.
        Assert.That(Faithfulness.Similarity(gen, non, decay, spindle), Is.EqualTo(4.5 / 8).Within(1e-15));
    }

    [Test]
    public void Similarity_IdenticalDistributions_IsOne()
    {
        var a = new OrderDistribution([1, 2, 3], [-1, -2, 0]);
        var b = new OrderDistribution([0.5, 0, 1], [0, -0.2, -3]);

        // min = max for every pair: exactly 1.
        Assert.That(Faithfulness.Similarity(a, b, a, b), Is.EqualTo(1.0).Within(1e-15));
    }
}
