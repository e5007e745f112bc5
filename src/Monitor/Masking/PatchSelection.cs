using System.Globalization;

namespace Spindle.Monitor.Masking;

/// <summary>Which grid cells are the input variables of each sample: a fixed list, or a seeded random choice from the grid's central region.</summary>
/// <remarks>
/// Appendix K.2 of the paper partitions a feature map into 8x8 patches and picks 10 at random from the central 6x6
/// region (no patch on an edge); that is <c>RandomCentral(10, seed)</c> with the default margin of one cell. The choice
/// is a pure function of (seed, sample index), so the same probe samples get the same patches at every check and on
/// every model compared with them.
/// </remarks>
public sealed class PatchSelection
{
    private readonly int[]? _fixedCells;
    private readonly int _seed;
    private readonly bool _perSample;

    private PatchSelection(int count, int[]? fixedCells, int seed, int margin, bool perSample)
    {
        Count = count;
        _fixedCells = fixedCells;
        _seed = seed;
        Margin = margin;
        _perSample = perSample;
    }

    /// <summary>Gets the number of chosen cells, the number n of input variables.</summary>
    public int Count { get; }

    /// <summary>Gets the number of cells left out at each edge of the grid when choosing at random (0 for a fixed list).</summary>
    public int Margin { get; }

    /// <summary>Selects the same cells for every sample; variable i is cell <paramref name="cells"/>[i].</summary>
    /// <param name="cells">Distinct cell indices (row * columns + column).</param>
    /// <returns>The selection.</returns>
    /// <exception cref="ArgumentException">The list is empty, has a negative index or repeats a cell.</exception>
    public static PatchSelection Fixed(params int[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length == 0 || cells.Any(c => c < 0) || cells.Distinct().Count() != cells.Length)
        {
            throw new ArgumentException(
                $"A fixed patch selection needs distinct non-negative cells; got [{string.Join(", ", cells)}].", nameof(cells));
        }

        return new PatchSelection(cells.Length, [.. cells], 0, 0, perSample: false);
    }

    /// <summary>Selects <paramref name="count"/> cells at random from the grid's central region, reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="count">The number n of cells (input variables).</param>
    /// <param name="seed">The seed; the same seed gives the same cells.</param>
    /// <param name="margin">The number of cells left out at each edge (1: the central 6x6 of an 8x8 grid, as appendix K.2).</param>
    /// <param name="perSample">Whether each sample gets its own choice (from the seed and its index) or all share one.</param>
    /// <returns>The selection; chosen cells are ordered by index, so variable 0 is the top-left one.</returns>
    public static PatchSelection RandomCentral(int count, int seed, int margin = MaskingDefaults.PatchMargin, bool perSample = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        return new PatchSelection(count, null, seed, margin, perSample);
    }

    /// <summary>Gets the cells that are the input variables of one sample: variable i is the returned cell i.</summary>
    /// <param name="grid">The grid the cells index.</param>
    /// <param name="sampleIndex">The sample's position in the run.</param>
    /// <returns>The cells, <see cref="Count"/> of them.</returns>
    /// <exception cref="ArgumentException">A fixed cell lies outside the grid, or the central region has fewer than <see cref="Count"/> cells.</exception>
    public IReadOnlyList<int> CellsFor(PatchGrid grid, int sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleIndex);
        if (_fixedCells is not null)
        {
            int outside = Array.FindIndex(_fixedCells, c => c >= grid.CellCount);
            if (outside >= 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Cell {_fixedCells[outside]} is outside the {grid.Rows}x{grid.Columns} grid (cells 0..{grid.CellCount - 1})."));
            }

            return _fixedCells;
        }

        int innerRows = grid.Rows - (2 * Margin);
        int innerColumns = grid.Columns - (2 * Margin);
        int available = Math.Max(0, innerRows) * Math.Max(0, innerColumns);
        if (available < Count)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Cannot choose {Count} patches: the central region of the {grid.Rows}x{grid.Columns} grid with a margin of {Margin} has {available} cells. Lower the margin or use a finer grid."));
        }

        int[] candidates = new int[available];
        for (int i = 0; i < available; i++)
        {
            candidates[i] = ((Margin + (i / innerColumns)) * grid.Columns) + Margin + (i % innerColumns);
        }

        return SeededChoice.Choose(candidates, Count, _seed, _perSample ? sampleIndex : null);
    }
}
