namespace Spindle.Monitor.Interactions;

/// <summary>
/// The AND and OR interaction transforms of paper Eq. 16 and their transposes, O(n 2^n) per sample,
/// applied to batches of samples stored one after another (each block of 2^n values is one sample).
/// </summary>
/// <remarks>
/// With M the Möbius transform and P the complement re-indexing, I_AND = M u_AND and
/// I_OR = -M P u_OR. M P is the Kronecker power of [[0, 1], [1, -1]], which is symmetric, so the
/// OR transform is its own transpose; the AND transpose is the superset Möbius transform.
/// </remarks>
internal static class InteractionTransforms
{
    /// <summary>Replaces each block u_AND by I_AND = Möbius(u_AND) in place.</summary>
    /// <param name="values">The batch of u_AND blocks.</param>
    /// <param name="variableCount">The number of variables n.</param>
    public static void AndFromUtility(Span<double> values, int variableCount) =>
        SubsetTransforms.ApplyKronecker(values, variableCount, 1, 0, -1, 1);

    /// <summary>Transpose of <see cref="AndFromUtility"/>: g(T) = Σ_{S⊇T} (-1)^{|S|-|T|} f(S), in place.</summary>
    /// <param name="values">The batch.</param>
    /// <param name="variableCount">The number of variables n.</param>
    public static void AndTranspose(Span<double> values, int variableCount) =>
        SubsetTransforms.ApplyKronecker(values, variableCount, 1, -1, 0, 1);

    /// <summary>Replaces each block u_OR by I_OR(S) = -Σ_{T⊆S} (-1)^{|S|-|T|} u_OR(N \ T), in place.</summary>
    /// <param name="values">The batch of u_OR blocks.</param>
    /// <param name="variableCount">The number of variables n.</param>
    /// <remarks>This matrix is symmetric, so it is also its own transpose.</remarks>
    public static void OrFromUtility(Span<double> values, int variableCount)
    {
        SubsetTransforms.ApplyKronecker(values, variableCount, 0, 1, 1, -1);
        foreach (ref var x in values)
        {
            x = -x;
        }
    }

    /// <summary>Transpose of <see cref="OrFromUtility"/> (the same map), in place.</summary>
    /// <param name="values">The batch.</param>
    /// <param name="variableCount">The number of variables n.</param>
    public static void OrTranspose(Span<double> values, int variableCount) => OrFromUtility(values, variableCount);

    /// <summary>
    /// Computes I_AND and I_OR from the outputs v, the split γ and the noise δ with the conventions of
    /// <see cref="SampleInteractions"/> (u_AND(∅) = v(∅) - δ_∅, u_OR(∅) = 0, I_OR(∅) stored as 0).
    /// </summary>
    /// <param name="values">The outputs v(x_T), a batch of blocks of 2^n.</param>
    /// <param name="gamma">γ, same shape (γ_∅ is ignored).</param>
    /// <param name="delta">δ, same shape.</param>
    /// <param name="and">Receives I_AND.</param>
    /// <param name="or">Receives I_OR.</param>
    /// <param name="variableCount">The number of variables n.</param>
    /// <exception cref="ArgumentException">The spans do not all have the same length.</exception>
    public static void Decompose(ReadOnlySpan<double> values, ReadOnlySpan<double> gamma, ReadOnlySpan<double> delta, Span<double> and, Span<double> or, int variableCount)
    {
        CheckSameLength(values.Length, gamma.Length, delta.Length, and.Length, or.Length);
        var size = 1 << variableCount;
        for (var i = 0; i < values.Length; i++)
        {
            var half = 0.5 * (values[i] - delta[i]);
            and[i] = half + gamma[i];
            or[i] = half - gamma[i];
        }

        for (var start = 0; start < values.Length; start += size)
        {
            and[start] = values[start] - delta[start];
            or[start] = 0;
        }

        AndFromUtility(and, variableCount);
        OrFromUtility(or, variableCount);
        for (var start = 0; start < values.Length; start += size)
        {
            or[start] = 0;
        }
    }

    /// <summary>
    /// Transpose of <see cref="Decompose"/> in (γ, δ): given ∂L/∂I_AND and ∂L/∂I_OR, computes ∂L/∂γ and ∂L/∂δ.
    /// </summary>
    /// <param name="andGradient">∂L/∂I_AND, a batch of blocks of 2^n.</param>
    /// <param name="orGradient">∂L/∂I_OR, same shape (entry ∅ is ignored: I_OR(∅) is constant 0).</param>
    /// <param name="gammaGradient">Receives ∂L/∂γ (0 at ∅).</param>
    /// <param name="deltaGradient">Receives ∂L/∂δ.</param>
    /// <param name="variableCount">The number of variables n.</param>
    /// <exception cref="ArgumentException">The spans do not all have the same length.</exception>
    public static void DecomposeTranspose(ReadOnlySpan<double> andGradient, ReadOnlySpan<double> orGradient, Span<double> gammaGradient, Span<double> deltaGradient, int variableCount)
    {
        CheckSameLength(andGradient.Length, orGradient.Length, gammaGradient.Length, deltaGradient.Length, andGradient.Length);
        var size = 1 << variableCount;
        andGradient.CopyTo(gammaGradient);
        orGradient.CopyTo(deltaGradient);
        for (var start = 0; start < deltaGradient.Length; start += size)
        {
            deltaGradient[start] = 0;
        }

        AndTranspose(gammaGradient, variableCount);
        OrTranspose(deltaGradient, variableCount);
        for (var start = 0; start < gammaGradient.Length; start += size)
        {
            // u_AND(∅) = v(∅) - δ_∅ and u_OR(∅) = 0 do not depend on γ_∅.
            deltaGradient[start] = -gammaGradient[start];
            gammaGradient[start] = 0;
            for (var i = start + 1; i < start + size; i++)
            {
                var pAnd = gammaGradient[i];
                var pOr = deltaGradient[i];
                gammaGradient[i] = pAnd - pOr;
                deltaGradient[i] = -0.5 * (pAnd + pOr);
            }
        }
    }

    private static void CheckSameLength(int a, int b, int c, int d, int e)
    {
        if (a != b || a != c || a != d || a != e)
        {
            throw new ArgumentException($"All spans must have the same length; got {a}, {b}, {c}, {d}, {e}.");
        }
    }
}
