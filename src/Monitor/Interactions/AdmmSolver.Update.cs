using System.Numerics;
using System.Runtime.InteropServices;

namespace Spindle.Monitor.Interactions;

/// <summary>The elementwise proximal and multiplier updates of <see cref="AdmmSolver"/>, vectorised.</summary>
internal sealed partial class AdmmSolver
{
    /// <summary>
    /// Soft-threshold levels of the t and s splits: 1/ρ and 1/(ρ w_S), and 0 for S = ∅ (y_∅ and I_OR(∅) are not
    /// counted), so that one branch-free formula x - clamp(x, -τ, τ) covers every entry.
    /// </summary>
    private void SetThresholds(double rho)
    {
        for (var i = 0; i < _size; i++)
        {
            _thresholdT[i] = i == 0 ? 0 : 1 / rho;
            _thresholdS[i] = i == 0 ? 0 : 1 / (rho * _orWeights[i]);
        }
    }

    /// <summary>
    /// With the relaxed points ĥ = α x + (1 - α) z (x = y, B y + A δ, δ; z = t, s, d): t = soft(ĥ_t + ut),
    /// s = q + soft(ĥ_s + us - q), d = clip(ĥ_d + ud/ω); the scaled multipliers take the residuals; the running
    /// averages of y, clip(δ) and λ = ρ W us take one step of decay <paramref name="decay"/>.
    /// </summary>
    private void UpdateSplits(double rho, double zeta, double decay)
    {
        var width = Vector<double>.Count;
        var vectorEnd = Vector.IsHardwareAccelerated ? _size - (_size % width) : 0;
        if (vectorEnd > 0)
        {
            UpdateSplitsVector(rho, zeta, decay, vectorEnd);
        }

        for (var i = vectorEnd; i < _size; i++)
        {
            UpdateSplitsScalar(rho, zeta, decay, i);
        }
    }

    private void UpdateSplitsScalar(double rho, double zeta, double decay, int i)
    {
        var alpha = Relaxation;
        var ks = _ks[i] + _by[i];
        var ht = (alpha * _y[i]) + ((1 - alpha) * _t[i]);
        var hs = (alpha * ks) + ((1 - alpha) * _s[i]);
        var hd = (alpha * _delta[i]) + ((1 - alpha) * _d[i]);
        var at = ht + _ut[i];
        var newT = at - Math.Clamp(at, -_thresholdT[i], _thresholdT[i]);
        var bs = hs + _us[i] - _q[i];
        var newS = _q[i] + bs - Math.Clamp(bs, -_thresholdS[i], _thresholdS[i]);
        var newD = Math.Clamp(hd + (_ud[i] / _omega), -zeta, zeta);
        _ut[i] += ht - newT;
        _us[i] += hs - newS;
        _ud[i] += _omega * (hd - newD);
        _t[i] = newT;
        _s[i] = newS;
        _d[i] = newD;
        _averageY[i] = (decay * _averageY[i]) + ((1 - decay) * _y[i]);
        _averageDelta[i] = (decay * _averageDelta[i]) + ((1 - decay) * Math.Clamp(_delta[i], -zeta, zeta));
        _averageLambda[i] = (decay * _averageLambda[i]) + ((1 - decay) * rho * _orWeights[i] * _us[i]);
    }

    private void UpdateSplitsVector(double rho, double zeta, double decay, int end)
    {
        var alpha = new Vector<double>(Relaxation);
        var beta = new Vector<double>(1 - Relaxation);
        var omega = new Vector<double>(_omega);
        var inverseOmega = new Vector<double>(1 / _omega);
        var upper = new Vector<double>(zeta);
        var lower = -upper;
        var keep = new Vector<double>(decay);
        var take = new Vector<double>(1 - decay);
        var rhoV = new Vector<double>(rho);
        var ks = Cast(_ks, end);
        var by = Cast(_by, end);
        var y = Cast(_y, end);
        var delta = Cast(_delta, end);
        var t = Cast(_t, end);
        var s = Cast(_s, end);
        var d = Cast(_d, end);
        var ut = Cast(_ut, end);
        var us = Cast(_us, end);
        var ud = Cast(_ud, end);
        var q = Cast(_q, end);
        var thresholdT = Cast(_thresholdT, end);
        var thresholdS = Cast(_thresholdS, end);
        var weights = Cast(_orWeights, end);
        var averageY = Cast(_averageY, end);
        var averageDelta = Cast(_averageDelta, end);
        var averageLambda = Cast(_averageLambda, end);
        for (var i = 0; i < ks.Length; i++)
        {
            var ht = (alpha * y[i]) + (beta * t[i]);
            var hs = (alpha * (ks[i] + by[i])) + (beta * s[i]);
            var hd = (alpha * delta[i]) + (beta * d[i]);
            var at = ht + ut[i];
            var newT = at - Vector.Min(Vector.Max(at, -thresholdT[i]), thresholdT[i]);
            var bs = hs + us[i] - q[i];
            var newS = q[i] + bs - Vector.Min(Vector.Max(bs, -thresholdS[i]), thresholdS[i]);
            var newD = Vector.Min(Vector.Max(hd + (ud[i] * inverseOmega), lower), upper);
            var newUs = us[i] + hs - newS;
            ut[i] += ht - newT;
            us[i] = newUs;
            ud[i] += omega * (hd - newD);
            t[i] = newT;
            s[i] = newS;
            d[i] = newD;
            averageY[i] = (keep * averageY[i]) + (take * y[i]);
            averageDelta[i] = (keep * averageDelta[i]) + (take * Vector.Min(Vector.Max(delta[i], lower), upper));
            averageLambda[i] = (keep * averageLambda[i]) + (take * rhoV * weights[i] * newUs);
        }
    }

    /// <summary>target = W (s - us - <paramref name="subtrahend"/>), elementwise (<paramref name="subtrahend"/> may be target).</summary>
    private void WeightedResidual(double[] target, double[] subtrahend)
    {
        var width = Vector<double>.Count;
        var end = Vector.IsHardwareAccelerated ? _size - (_size % width) : 0;
        if (end > 0)
        {
            var output = Cast(target, end);
            var minus = Cast(subtrahend, end);
            var s = Cast(_s, end);
            var us = Cast(_us, end);
            var weights = Cast(_orWeights, end);
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = weights[i] * (s[i] - us[i] - minus[i]);
            }
        }

        for (var i = end; i < _size; i++)
        {
            target[i] = _orWeights[i] * (_s[i] - _us[i] - subtrahend[i]);
        }
    }

    /// <summary>target += k (a - m b), elementwise.</summary>
    private void AddScaledDifference(double[] target, double k, double[] a, double[] b, double m)
    {
        var width = Vector<double>.Count;
        var end = Vector.IsHardwareAccelerated ? _size - (_size % width) : 0;
        if (end > 0)
        {
            var output = Cast(target, end);
            var first = Cast(a, end);
            var second = Cast(b, end);
            var kV = new Vector<double>(k);
            var mV = new Vector<double>(m);
            for (var i = 0; i < output.Length; i++)
            {
                output[i] += kV * (first[i] - (mV * second[i]));
            }
        }

        for (var i = end; i < _size; i++)
        {
            target[i] += k * (a[i] - (m * b[i]));
        }
    }

    private static Span<Vector<double>> Cast(double[] values, int end) =>
        MemoryMarshal.Cast<double, Vector<double>>(values.AsSpan(0, end));
}
