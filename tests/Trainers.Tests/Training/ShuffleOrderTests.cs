using Spindle.Trainers.Training;

namespace Spindle.Trainers.Tests.Training;

public class ShuffleOrderTests
{
    [Test]
    public void Permutation_SameSeedAndEpoch_IsTheSamePermutation()
    {
        var first = ShuffleOrder.Permutation(1000, seed: 7, epoch: 3);
        var again = ShuffleOrder.Permutation(1000, seed: 7, epoch: 3);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo(again).AsCollection);
            Assert.That(first.Order(), Is.EqualTo(Enumerable.Range(0, 1000)).AsCollection);
        }
    }

    [TestCase(7, 4)]
    [TestCase(8, 3)]
    public void Permutation_OtherSeedOrEpoch_DiffersInMostPlaces(int seed, int epoch)
    {
        var reference = ShuffleOrder.Permutation(1000, seed: 7, epoch: 3);
        var other = ShuffleOrder.Permutation(1000, seed, epoch);

        // Two independent random permutations of 1000 agree in about 1 place; 50 is far above chance.
        Assert.That(reference.Zip(other).Count(p => p.First == p.Second), Is.LessThan(50));
    }
}
