using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class SeededRandomTests
{
    [Test]
    public void NextUInt64_SeedZero_MatchesSplitMix64Reference()
    {
        // First outputs of Vigna's reference splitmix64.c started from state 0.
        var random = new SeededRandom(0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(random.NextUInt64(), Is.EqualTo(0xE220A8397B1DCDAFUL));
            Assert.That(random.NextUInt64(), Is.EqualTo(0x6E789E6AA1B965F4UL));
            Assert.That(random.NextUInt64(), Is.EqualTo(0x06C45D188009454FUL));
        }
    }

    [Test]
    public void Next_ManyDraws_InRangeAndNearUniform()
    {
        var random = new SeededRandom(123);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[random.Next(7)]++;
        }

        // 10,000 expected per value, standard deviation ~93; 9,500..10,500 is more than 5 sigma.
        Assert.That(counts, Is.All.InRange(9_500, 10_500));
    }

    [Test]
    public void Shuffle_Permutes_KeepsEveryElement()
    {
        var items = Enumerable.Range(0, 100).ToArray();

        new SeededRandom(5).Shuffle(items.AsSpan());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(items.Order(), Is.EqualTo(Enumerable.Range(0, 100)));
            Assert.That(items, Is.Not.EqualTo(Enumerable.Range(0, 100)));
        }
    }
}
