namespace Spindle.Trainers.Data;

/// <summary>The contents of an idx file of unsigned bytes: its dimensions and its data, row-major.</summary>
/// <param name="Dimensions">The sizes of the dimensions, outermost (sample count) first.</param>
/// <param name="Data">The data, row-major; its length is the product of <paramref name="Dimensions"/>.</param>
public sealed record IdxArray(int[] Dimensions, ReadOnlyMemory<byte> Data)
{
    /// <summary>Gets the number of items along the first dimension (images or labels).</summary>
    public int Count => Dimensions.Length == 0 ? 0 : Dimensions[0];
}
