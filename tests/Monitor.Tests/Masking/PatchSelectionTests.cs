using Spindle.Monitor.Masking;

namespace Spindle.Monitor.Tests.Masking;

public class PatchSelectionTests
{
    private static readonly PatchGrid Grid = new(8, 8);

    [Test]
    public void RandomCentral_SameSeed_SameCells()
    {
        var first = PatchSelection.RandomCentral(10, seed: 42).CellsFor(Grid, 3);
        var second = PatchSelection.RandomCentral(10, seed: 42).CellsFor(Grid, 3);

        Assert.That(second, Is.EqualTo(first).AsCollection);
    }

    [Test]
    public void RandomCentral_OtherSeed_OtherCells()
    {
        var first = PatchSelection.RandomCentral(10, seed: 42).CellsFor(Grid, 0);
        var second = PatchSelection.RandomCentral(10, seed: 43).CellsFor(Grid, 0);

        Assert.That(second, Is.Not.EqualTo(first).AsCollection);
    }

    [Test]
    public void RandomCentral_PerSample_DiffersBetweenSamplesAndSharedOtherwise()
    {
        var perSample = PatchSelection.RandomCentral(10, seed: 5);
        var shared = PatchSelection.RandomCentral(10, seed: 5, perSample: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(perSample.CellsFor(Grid, 1), Is.Not.EqualTo(perSample.CellsFor(Grid, 0)).AsCollection);
            Assert.That(shared.CellsFor(Grid, 1), Is.EqualTo(shared.CellsFor(Grid, 0)).AsCollection);
        }
    }

    [Test]
    public void RandomCentral_ManySeeds_DistinctSortedCellsCoveringExactlyTheCentralSixBySix()
    {
        var seen = new HashSet<int>();
        using (Assert.EnterMultipleScope())
        {
            for (int seed = 0; seed < 200; seed++)
            {
                var cells = PatchSelection.RandomCentral(10, seed).CellsFor(Grid, seed % 7);
                Assert.That(cells, Has.Count.EqualTo(10).And.Unique.And.Ordered, $"seed {seed}");
                seen.UnionWith(cells);
            }

            var central = Enumerable.Range(1, 6).SelectMany(r => Enumerable.Range(1, 6).Select(c => (r * 8) + c));

            // 2,000 draws of 10 out of 36: every central cell is drawn (each is missed with probability ~1e-155).
            Assert.That(seen, Is.EquivalentTo(central));
        }
    }

    [Test]
    public void RandomCentral_MarginZero_CanUseEdgeCells()
    {
        var cells = PatchSelection.RandomCentral(16, seed: 1, margin: 0).CellsFor(new PatchGrid(4, 4), 0);

        Assert.That(cells, Is.EqualTo(Enumerable.Range(0, 16)).AsCollection);
    }

    [Test]
    public void CellsFor_CentralRegionTooSmall_ThrowsWithCounts()
    {
        var selection = PatchSelection.RandomCentral(8, seed: 1);

        var error = Assert.Throws<ArgumentException>(() => selection.CellsFor(new PatchGrid(4, 4), 0));

        Assert.That(error.Message, Does.Contain("Cannot choose 8 patches").And.Contain("4x4 grid with a margin of 1 has 4 cells"));
    }

    [Test]
    public void CellsFor_FixedCellOutsideGrid_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchSelection.Fixed(2, 20).CellsFor(new PatchGrid(4, 4), 0));

        Assert.That(error.Message, Does.Contain("Cell 20"));
    }

    [TestCase(new int[0])]
    [TestCase(new[] { 1, 1 })]
    [TestCase(new[] { -1 })]
    public void Fixed_InvalidCells_Throws(int[] cells)
    {
        Assert.Throws<ArgumentException>(() => PatchSelection.Fixed(cells));
    }
}
