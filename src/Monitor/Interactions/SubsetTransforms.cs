using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Spindle.Monitor.Interactions;

/// <summary>
/// In-place O(n 2^n) transforms over functions of subsets of n variables, stored as arrays indexed
/// by bitmask (bit i set means variable i is in the subset).
/// </summary>
/// <remarks>
/// Every transform here is an n-fold Kronecker power of a 2x2 matrix, applied one variable at a
/// time as a butterfly. No 2^n x 2^n matrix is ever formed.
/// </remarks>
public static class SubsetTransforms
{
    /// <summary>The largest number of variables the transforms accept (2^30 doubles is 8 GiB).</summary>
    public const int MaxVariables = 30;

    /// <summary>Gets the number of variables n of an array of length 2^n.</summary>
    /// <param name="length">The array length.</param>
    /// <returns>n such that 2^n equals <paramref name="length"/>.</returns>
    /// <exception cref="ArgumentException">The length is not a power of two of at most 2^<see cref="MaxVariables"/>.</exception>
    public static int VariableCount(int length)
    {
        if (length <= 0 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentException($"Expected an array of length 2^n, got length {length}, which is not a power of two.", nameof(length));
        }

        var n = BitOperations.Log2((uint)length);
        if (n > MaxVariables)
        {
            throw new ArgumentException($"At most {MaxVariables} variables are supported, got {n}.", nameof(length));
        }

        return n;
    }

    /// <summary>Gets the order |S| of the subset with bitmask <paramref name="mask"/>.</summary>
    /// <param name="mask">The subset bitmask.</param>
    /// <returns>The number of variables in the subset.</returns>
    public static int Order(int mask) => BitOperations.PopCount((uint)mask);

    /// <summary>Formats the subset with bitmask <paramref name="mask"/> as its variables in braces, for example {0, 3}.</summary>
    /// <param name="mask">The subset bitmask.</param>
    /// <returns>The variable indices in increasing order, in braces.</returns>
    public static string Describe(int mask)
    {
        var members = new List<int>();
        for (var i = 0; i < 32; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                members.Add(i);
            }
        }

        return "{" + string.Join(", ", members) + "}";
    }

    /// <summary>
    /// Applies the n-fold Kronecker power of the 2x2 matrix [[a, b], [c, d]] to <paramref name="values"/> in place.
    /// </summary>
    /// <param name="values">The vector of length 2^n, indexed by subset bitmask.</param>
    /// <param name="a">Entry (0, 0): absent to absent.</param>
    /// <param name="b">Entry (0, 1): present to absent.</param>
    /// <param name="c">Entry (1, 0): absent to present.</param>
    /// <param name="d">Entry (1, 1): present to present.</param>
    /// <remarks>
    /// For each variable i and each pair of masks (T, T ∪ {i}) with i ∉ T the pair (x0, x1) becomes
    /// (a x0 + b x1, c x0 + d x1). Bit 0 is the innermost Kronecker factor.
    /// </remarks>
    public static void ApplyKronecker(Span<double> values, double a, double b, double c, double d) =>
        ApplyKronecker(values, VariableCount(values.Length), a, b, c, d);

    /// <summary>
    /// Applies the n-fold Kronecker power of [[a, b], [c, d]] in place to each of the consecutive blocks of
    /// length 2^n in <paramref name="values"/> (a batch of samples stored one after another).
    /// </summary>
    /// <param name="values">The batch; its length must be a multiple of 2^<paramref name="variableCount"/>.</param>
    /// <param name="variableCount">The number of variables n of each block.</param>
    /// <param name="a">Entry (0, 0): absent to absent.</param>
    /// <param name="b">Entry (0, 1): present to absent.</param>
    /// <param name="c">Entry (1, 0): absent to present.</param>
    /// <param name="d">Entry (1, 1): present to present.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of 2^n.</exception>
    public static void ApplyKronecker(Span<double> values, int variableCount, double a, double b, double c, double d)
    {
        CheckBatch(values.Length, variableCount);
        var first = 0;
        if (Vector256.IsHardwareAccelerated && variableCount >= 2)
        {
            ApplyLowPairVector256(values, a, b, c, d);
            first = 2;
        }

        var width = Vector256.IsHardwareAccelerated ? Vector256<double>.Count : int.MaxValue;
        for (var i = first; i < variableCount; i++)
        {
            var bit = 1 << i;
            if (bit >= width && i + 1 < variableCount)
            {
                ApplyBitPairVector256(values, bit, a, b, c, d);
                i++;
                continue;
            }

            if (bit >= width)
            {
                ApplyBitVector256(values, bit, a, b, c, d);
                continue;
            }

            for (var block = 0; block < values.Length; block += bit << 1)
            {
                var lo = values.Slice(block, bit);
                var hi = values.Slice(block + bit, bit);
                for (var t = 0; t < lo.Length; t++)
                {
                    var x0 = lo[t];
                    var x1 = hi[t];
                    lo[t] = (a * x0) + (b * x1);
                    hi[t] = (c * x0) + (d * x1);
                }
            }
        }
    }

    /// <summary>One butterfly over bit <paramref name="bit"/> (at least the vector width).</summary>
    private static void ApplyBitVector256(Span<double> values, int bit, double a, double b, double c, double d)
    {
        var va = Vector256.Create(a);
        var vb = Vector256.Create(b);
        var vc = Vector256.Create(c);
        var vd = Vector256.Create(d);
        var all = MemoryMarshal.Cast<double, Vector256<double>>(values);
        var half = bit / Vector256<double>.Count;
        for (var block = 0; block < all.Length; block += half << 1)
        {
            var lo = all.Slice(block, half);
            var hi = all.Slice(block + half, half);
            for (var t = 0; t < lo.Length; t++)
            {
                var x0 = lo[t];
                var x1 = hi[t];
                lo[t] = (va * x0) + (vb * x1);
                hi[t] = (vc * x0) + (vd * x1);
            }
        }
    }

    /// <summary>Bits log2(<paramref name="bit"/>) and the next one in one pass over memory (two butterflies in registers).</summary>
    private static void ApplyBitPairVector256(Span<double> values, int bit, double a, double b, double c, double d)
    {
        var va = Vector256.Create(a);
        var vb = Vector256.Create(b);
        var vc = Vector256.Create(c);
        var vd = Vector256.Create(d);
        var all = MemoryMarshal.Cast<double, Vector256<double>>(values);
        var quarter = bit / Vector256<double>.Count;
        for (var block = 0; block < all.Length; block += quarter << 2)
        {
            var x00 = all.Slice(block, quarter);
            var x01 = all.Slice(block + quarter, quarter);
            var x10 = all.Slice(block + (2 * quarter), quarter);
            var x11 = all.Slice(block + (3 * quarter), quarter);
            for (var t = 0; t < x00.Length; t++)
            {
                // Lower bit: (x00, x01) and (x10, x11); upper bit: (y00, y10) and (y01, y11).
                var p00 = x00[t];
                var p01 = x01[t];
                var p10 = x10[t];
                var p11 = x11[t];
                var y00 = (va * p00) + (vb * p01);
                var y01 = (vc * p00) + (vd * p01);
                var y10 = (va * p10) + (vb * p11);
                var y11 = (vc * p10) + (vd * p11);
                x00[t] = (va * y00) + (vb * y10);
                x10[t] = (vc * y00) + (vd * y10);
                x01[t] = (va * y01) + (vb * y11);
                x11[t] = (vc * y01) + (vd * y11);
            }
        }
    }

    /// <summary>
    /// Bits 0 and 1 at once: each run of 4 consecutive values is multiplied by the 4x4 matrix K ⊗ K,
    /// as a sum of its columns weighted by the broadcast inputs.
    /// </summary>
    private static void ApplyLowPairVector256(Span<double> values, double a, double b, double c, double d)
    {
        // Column k of K ⊗ K (k = 2 k1 + k0) has entry j = 2 j1 + j0 equal to K[j1, k1] K[j0, k0].
        var column0 = Vector256.Create(a * a, a * c, c * a, c * c);
        var column1 = Vector256.Create(a * b, a * d, c * b, c * d);
        var column2 = Vector256.Create(b * a, b * c, d * a, d * c);
        var column3 = Vector256.Create(b * b, b * d, d * b, d * d);
        var all = MemoryMarshal.Cast<double, Vector256<double>>(values);
        for (var t = 0; t < all.Length; t++)
        {
            var x = all[t];
            var result = column0 * Vector256.Create(x.GetElement(0));
            result = (column1 * Vector256.Create(x.GetElement(1))) + result;
            result = (column2 * Vector256.Create(x.GetElement(2))) + result;
            all[t] = (column3 * Vector256.Create(x.GetElement(3))) + result;
        }
    }

    /// <summary>Re-indexes each block of 2^n values by complement in place: f(T) becomes f(N \ T).</summary>
    /// <param name="values">The batch; its length must be a multiple of 2^<paramref name="variableCount"/>.</param>
    /// <param name="variableCount">The number of variables n of each block.</param>
    /// <remarks>The complement of mask T is (2^n - 1) XOR T, so this reverses each block.</remarks>
    /// <exception cref="ArgumentException">The length is not a multiple of 2^n.</exception>
    public static void Complement(Span<double> values, int variableCount)
    {
        CheckBatch(values.Length, variableCount);
        var size = 1 << variableCount;
        for (var start = 0; start < values.Length; start += size)
        {
            values.Slice(start, size).Reverse();
        }
    }

    private static void CheckBatch(int length, int variableCount)
    {
        if (variableCount < 0 || variableCount > MaxVariables)
        {
            throw new ArgumentOutOfRangeException(nameof(variableCount), variableCount, $"The number of variables must be in 0..{MaxVariables}.");
        }

        if (length % (1 << variableCount) != 0)
        {
            throw new ArgumentException($"Expected a batch of blocks of length 2^{variableCount} = {1 << variableCount}, got length {length}.", nameof(length));
        }
    }

    /// <summary>Replaces f by its subset sum (zeta transform): g(S) = Σ_{T ⊆ S} f(T).</summary>
    /// <param name="values">f, of length 2^n; overwritten by g.</param>
    public static void SubsetSum(Span<double> values) => ApplyKronecker(values, 1, 0, 1, 1);

    /// <summary>Replaces g by its Möbius inverse: f(S) = Σ_{T ⊆ S} (-1)^{|S|-|T|} g(T).</summary>
    /// <param name="values">g, of length 2^n; overwritten by f.</param>
    /// <remarks>This is the AND interaction transform: I_AND = Möbius(u_AND) (paper Theorem 2.1 and appendix F, Eq. 16).</remarks>
    public static void Mobius(Span<double> values) => ApplyKronecker(values, 1, 0, -1, 1);

    /// <summary>Transpose of <see cref="SubsetSum"/>: g(T) = Σ_{S ⊇ T} f(S).</summary>
    /// <param name="values">f, of length 2^n; overwritten by g.</param>
    public static void SupersetSum(Span<double> values) => ApplyKronecker(values, 1, 1, 0, 1);

    /// <summary>Transpose of <see cref="Mobius"/>: g(T) = Σ_{S ⊇ T} (-1)^{|S|-|T|} f(S).</summary>
    /// <param name="values">f, of length 2^n; overwritten by g.</param>
    public static void SupersetMobius(Span<double> values) => ApplyKronecker(values, 1, -1, 0, 1);
}
