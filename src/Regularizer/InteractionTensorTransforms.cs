using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer;

/// <summary>
/// The AND and OR interaction transforms of paper Eq. 16 as differentiable tensor operations on the model's device:
/// the tensor counterparts of <c>Spindle.Monitor.Interactions.InteractionTransforms</c>, O(n 2^n) per sample.
/// </summary>
/// <remarks>
/// A batch is a tensor [samples, 2^n] indexed by subset bitmask (bit i set: variable i present). Each transform is the
/// n-fold Kronecker power of a 2x2 matrix K, applied one variable at a time: for bit i the batch is viewed as
/// [samples, 2^(n-1-i), 2, 2^i] and multiplied by K along the third axis. No 2^n x 2^n matrix is formed, and autograd
/// differentiates through every step (the transposes come for free).
/// </remarks>
internal static class InteractionTensorTransforms
{
    /// <summary>Applies the n-fold Kronecker power of [[a, b], [c, d]] to every row of <paramref name="values"/>.</summary>
    /// <param name="values">A tensor [samples, 2^n].</param>
    /// <param name="variableCount">n.</param>
    /// <param name="a">Entry (0, 0): absent to absent.</param>
    /// <param name="b">Entry (0, 1): present to absent.</param>
    /// <param name="c">Entry (1, 0): absent to present.</param>
    /// <param name="d">Entry (1, 1): present to present.</param>
    /// <returns>A new tensor of the same shape.</returns>
    /// <exception cref="ArgumentException">The tensor is not [samples, 2^n].</exception>
    public static Tensor ApplyKronecker(Tensor values, int variableCount, double a, double b, double c, double d)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(values, variableCount);
        using var scope = torch.NewDisposeScope();
        var rows = values.shape[0];
        var k = torch.tensor(new[] { a, b, c, d }, [2, 2], dtype: values.dtype, device: values.device);
        var y = values;
        for (var i = 0; i < variableCount; i++)
        {
            // out[s, h, j, l] = Σ_k K[j, k] y[s, h, k, l]: matmul broadcasts K over the leading axes.
            y = torch.matmul(k, y.reshape(rows, 1L << (variableCount - 1 - i), 2, 1L << i));
        }

        return y.reshape(values.shape).MoveToOuterDisposeScope();
    }

    /// <summary>I_AND = Möbius(u_AND), row by row.</summary>
    /// <param name="utility">u_AND, [samples, 2^n].</param>
    /// <param name="variableCount">n.</param>
    /// <returns>I_AND.</returns>
    public static Tensor AndFromUtility(Tensor utility, int variableCount) => ApplyKronecker(utility, variableCount, 1, 0, -1, 1);

    /// <summary>I_OR(S) = -Σ_{T⊆S} (-1)^{|S|-|T|} u_OR(N \ T), row by row.</summary>
    /// <param name="utility">u_OR, [samples, 2^n].</param>
    /// <param name="variableCount">n.</param>
    /// <returns>I_OR.</returns>
    public static Tensor OrFromUtility(Tensor utility, int variableCount)
    {
        using var scope = torch.NewDisposeScope();
        return ApplyKronecker(utility, variableCount, 0, 1, 1, -1).neg().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Computes I_AND and I_OR from the outputs v with γ and δ held fixed, with the conventions of
    /// <c>SampleInteractions</c>: u_AND(∅) = v(∅) - δ_∅, u_OR(∅) = 0, I_OR(∅) = 0.
    /// </summary>
    /// <param name="values">v(x_T), [samples, 2^n]; gradients flow through it.</param>
    /// <param name="gamma">γ, same shape (γ_∅ is ignored); a constant.</param>
    /// <param name="delta">δ, same shape; a constant.</param>
    /// <param name="variableCount">n.</param>
    /// <returns>I_AND and I_OR, each [samples, 2^n].</returns>
    /// <exception cref="ArgumentException">The shapes differ or are not [samples, 2^n].</exception>
    public static (Tensor And, Tensor Or) Decompose(Tensor values, Tensor gamma, Tensor delta, int variableCount)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(delta);
        CheckShape(values, variableCount);
        if (!values.shape.SequenceEqual(gamma.shape) || !values.shape.SequenceEqual(delta.shape))
        {
            throw new ArgumentException(
                $"v, γ and δ must have the same shape; got [{string.Join(", ", values.shape)}], [{string.Join(", ", gamma.shape)}] and [{string.Join(", ", delta.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        var size = 1L << variableCount;
        var empty = torch.arange(size, device: values.device).eq(0).unsqueeze(0);
        var centred = values.sub(delta);
        var half = centred.mul(0.5);
        var uAnd = torch.where(empty, centred, half.add(gamma));
        var uOr = torch.where(empty, torch.zeros_like(half), half.sub(gamma));
        var and = AndFromUtility(uAnd, variableCount);
        var or = OrFromUtility(uOr, variableCount).masked_fill(empty, 0.0);
        return (and.MoveToOuterDisposeScope(), or.MoveToOuterDisposeScope());
    }

    private static void CheckShape(Tensor values, int variableCount)
    {
        if (variableCount < 0 || variableCount > 30 || values.dim() != 2 || values.shape[1] != 1L << variableCount)
        {
            throw new ArgumentException(
                $"Expected a tensor [samples, 2^{variableCount}]; got [{string.Join(", ", values.shape)}].", nameof(values));
        }
    }
}
