using Spindle.Monitor.Masking;
using TorchSharp;

namespace Spindle.Monitor.Tests.Masking;

public class PatchGridTests
{
    [Test]
    public void VariableMap_EightByEightOverFourteen_HasListedBounds()
    {
        using var scope = torch.NewDisposeScope();
        var grid = new PatchGrid(8, 8);

        // Cell 9 is row 1, column 1; floor(i * 14 / 8) gives starts 0, 1, 3, 5, 7, 8, 10, 12, 14.
        long[] map = grid.VariableMap(14, 14, [9, 63]).data<long>().ToArray();

        var expected = new long[14 * 14];
        Array.Fill(expected, -1L);
        for (int r = 1; r < 3; r++)
        {
            for (int c = 1; c < 3; c++)
            {
                expected[(r * 14) + c] = 0;
            }
        }

        for (int r = 12; r < 14; r++)
        {
            for (int c = 12; c < 14; c++)
            {
                expected[(r * 14) + c] = 1;
            }
        }

        Assert.That(map, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void FromPatchSize_SevenOverTwentyEight_IsFourByFour()
    {
        var grid = PatchGrid.FromPatchSize(28, 28, 7, 7);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(grid.Rows, Is.EqualTo(4));
            Assert.That(grid.Columns, Is.EqualTo(4));
        }
    }

    [Test]
    public void FromPatchSize_NotDividing_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => PatchGrid.FromPatchSize(28, 28, 5, 7));

        Assert.That(error.Message, Does.Contain("5x7").And.Contain("28x28"));
    }

    [Test]
    public void VariableMap_GridFinerThanMap_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PatchGrid(8, 8).VariableMap(7, 7, [0]));

        Assert.That(error.Message, Does.Contain("8x8").And.Contain("7x7"));
    }

    [Test]
    public void VariableMap_CellOutsideGrid_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PatchGrid(4, 4).VariableMap(28, 28, [3, 16]));

        Assert.That(error.Message, Does.Contain("Cell 16 of variable 1"));
    }
}
