namespace Spindle.Monitor.Interactions;

/// <summary>
/// The published extraction procedure (paper appendix F; the lab's code): SGD with momentum on
/// L = Σ_{S≠∅} |I_AND(S)| + |I_OR(S)| over (γ, δ), both starting at zero, learning rate decaying
/// log-uniformly from lr to lr/10, δ clamped to [-ζ, ζ] after every step.
/// </summary>
internal sealed class ReferenceSolver
{
    private readonly int _n;
    private readonly double[] _and;
    private readonly double[] _or;
    private readonly double[] _gammaGradient;
    private readonly double[] _deltaGradient;
    private readonly double[] _gammaMomentum;
    private readonly double[] _deltaMomentum;

    /// <summary>Initialises a solver with its workspace for n variables.</summary>
    public ReferenceSolver(int variableCount)
    {
        _n = variableCount;
        var size = 1 << variableCount;
        _and = new double[size];
        _or = new double[size];
        _gammaGradient = new double[size];
        _deltaGradient = new double[size];
        _gammaMomentum = new double[size];
        _deltaMomentum = new double[size];
    }

    /// <summary>Runs the procedure for one sample.</summary>
    /// <param name="values">v on all 2^n masks.</param>
    /// <param name="noiseBound">ζ ≥ 0.</param>
    /// <param name="learningRate">The initial learning rate.</param>
    /// <param name="iterations">The number of SGD steps.</param>
    /// <param name="momentum">The momentum factor.</param>
    /// <param name="gamma">Receives γ (the final iterate).</param>
    /// <param name="delta">Receives δ (the final iterate).</param>
    public void Solve(ReadOnlySpan<double> values, double noiseBound, double learningRate, int iterations, double momentum, Span<double> gamma, Span<double> delta)
    {
        gamma.Clear();
        delta.Clear();
        Array.Clear(_gammaMomentum);
        Array.Clear(_deltaMomentum);
        for (var k = 0; k < iterations; k++)
        {
            InteractionTransforms.Decompose(values, gamma, delta, _and, _or, _n);
            _and[0] = 0;
            for (var i = 0; i < _and.Length; i++)
            {
                _and[i] = Math.Sign(_and[i]);
                _or[i] = Math.Sign(_or[i]);
            }

            InteractionTransforms.DecomposeTranspose(_and, _or, _gammaGradient, _deltaGradient, _n);
            var rate = iterations == 1 ? learningRate : learningRate * Math.Pow(10, -(double)k / (iterations - 1));
            for (var i = 0; i < gamma.Length; i++)
            {
                _gammaMomentum[i] = (momentum * _gammaMomentum[i]) + _gammaGradient[i];
                _deltaMomentum[i] = (momentum * _deltaMomentum[i]) + _deltaGradient[i];
                gamma[i] -= rate * _gammaMomentum[i];
                delta[i] = Math.Clamp(delta[i] - (rate * _deltaMomentum[i]), -noiseBound, noiseBound);
            }

            gamma[0] = 0;
        }
    }
}
