using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>A uniform partition of an image or feature map into <see cref="Rows"/> x <see cref="Columns"/> rectangular patches.</summary>
/// <remarks>
/// Row r of a map of height H covers pixel rows [floor(r H / Rows), floor((r + 1) H / Rows)); columns likewise. When
/// Rows divides H every patch has H / Rows rows (a 4x4 grid over 28x28 gives 7x7 patches); otherwise patches differ by
/// at most one pixel (an 8x8 grid over 14x14). Cell c is row c / Columns, column c % Columns.
/// </remarks>
public sealed class PatchGrid
{
    /// <summary>Initializes a new instance of the <see cref="PatchGrid"/> class.</summary>
    /// <param name="rows">The number of patch rows, at least 1.</param>
    /// <param name="columns">The number of patch columns, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public PatchGrid(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Gets the number of patch rows.</summary>
    public int Rows { get; }

    /// <summary>Gets the number of patch columns.</summary>
    public int Columns { get; }

    /// <summary>Gets the number of cells, <see cref="Rows"/> x <see cref="Columns"/>.</summary>
    public int CellCount => Rows * Columns;

    /// <summary>Creates the grid of patches of a given size over a map whose sides the size divides.</summary>
    /// <param name="height">The map's height.</param>
    /// <param name="width">The map's width.</param>
    /// <param name="patchHeight">The patch height; divides <paramref name="height"/>.</param>
    /// <param name="patchWidth">The patch width; divides <paramref name="width"/>.</param>
    /// <returns>The grid.</returns>
    /// <exception cref="ArgumentException">A patch side does not divide the map's side.</exception>
    public static PatchGrid FromPatchSize(int height, int width, int patchHeight, int patchWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patchHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patchWidth, 1);
        if (height < 1 || width < 1 || height % patchHeight != 0 || width % patchWidth != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Patches of {patchHeight}x{patchWidth} do not tile a {height}x{width} map exactly."));
        }

        return new PatchGrid(height / patchHeight, width / patchWidth);
    }

    /// <summary>Gets the half-open pixel range [start, end) of a patch row or column.</summary>
    /// <param name="index">The patch row (or column).</param>
    /// <param name="count">The grid's number of rows (or columns).</param>
    /// <param name="size">The map's height (or width).</param>
    /// <returns>The range.</returns>
    internal static (long Start, long End) Range(int index, int count, long size) => (index * size / count, (index + 1) * size / count);

    /// <summary>Builds the variable map of a height x width map: variable i covers cell <paramref name="cells"/>[i], other pixels hold -1.</summary>
    /// <param name="height">The map's height, at least <see cref="Rows"/>.</param>
    /// <param name="width">The map's width, at least <see cref="Columns"/>.</param>
    /// <param name="cells">The cell of each variable.</param>
    /// <returns>An int64 tensor of shape [height, width] on the CPU.</returns>
    /// <exception cref="ArgumentException">The map is smaller than the grid, or a cell is outside it.</exception>
    public Tensor VariableMap(long height, long width, IReadOnlyList<int> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (height < Rows || width < Columns)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A {Rows}x{Columns} patch grid does not fit a {height}x{width} map: every patch needs at least one pixel."));
        }

        long[] map = new long[height * width];
        Array.Fill(map, -1L);
        for (int v = 0; v < cells.Count; v++)
        {
            int cell = cells[v];
            if (cell < 0 || cell >= CellCount)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Cell {cell} of variable {v} is outside the {Rows}x{Columns} grid (cells 0..{CellCount - 1})."),
                    nameof(cells));
            }

            var (rowStart, rowEnd) = Range(cell / Columns, Rows, height);
            var (colStart, colEnd) = Range(cell % Columns, Columns, width);
            for (long r = rowStart; r < rowEnd; r++)
            {
                for (long c = colStart; c < colEnd; c++)
                {
                    map[(r * width) + c] = v;
                }
            }
        }

        return torch.tensor(map, [height, width]);
    }
}
