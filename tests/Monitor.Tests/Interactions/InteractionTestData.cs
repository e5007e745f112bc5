using System.Numerics;
using Google.OrTools.LinearSolver;

namespace Spindle.Monitor.Tests.Interactions;

/// <summary>Test functions v over 2^n masks, an independent universal-matching evaluator and an LP reference.</summary>
internal static class InteractionTestData
{
    /// <summary>A planted interaction: its mask, value, and whether it is AND (else OR).</summary>
    internal readonly record struct Planted(int Mask, double Value, bool IsAnd);

    public static double[] RandomOutputs(int n, Random rng)
    {
        var v = new double[1 << n];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = Gaussian(rng);
        }

        return v;
    }

    /// <summary>v(T) = bias + Σ triggered planted interactions + noise · N(0, 1).</summary>
    public static double[] FromPlanted(int n, double bias, IReadOnlyList<Planted> planted, double noise, Random rng)
    {
        var v = new double[1 << n];
        for (var t = 0; t < v.Length; t++)
        {
            var x = bias;
            foreach (var p in planted)
            {
                if (p.IsAnd ? (t & p.Mask) == p.Mask : (t & p.Mask) != 0)
                {
                    x += p.Value;
                }
            }

            v[t] = x + (noise * Gaussian(rng));
        }

        return v;
    }

    /// <summary>
    /// v(T) = bias + Σ triggered planted interactions + uniform noise in ±fraction · qthres · |e(N) - e(∅)|, where e is
    /// v without noise. For fraction ≤ 0.5 and qthres ≤ 0.25 every noise value lies inside the analyzer's noise bound
    /// ζ = qthres · |v(N) - v(∅)| (the noise moves |v(N) - v(∅)| by at most 2 · fraction · qthres of it), so the planted
    /// interactions with δ = the noise are a feasible explanation.
    /// </summary>
    public static double[] FromPlantedWithBoundedNoise(int n, double bias, IReadOnlyList<Planted> planted, double fraction, double qthres, Random rng)
    {
        var v = FromPlanted(n, bias, planted, 0, rng);
        var amplitude = fraction * qthres * Math.Abs(v[^1] - v[0]);
        for (var t = 0; t < v.Length; t++)
        {
            v[t] += amplitude * ((2 * rng.NextDouble()) - 1);
        }

        return v;
    }

    /// <summary>Random planted interactions of orders 1..maxOrder with |value| in [0.5, 2].</summary>
    public static List<Planted> RandomPlanted(int n, int andCount, int orCount, int maxOrder, Random rng)
    {
        var planted = new List<Planted>();
        for (var k = 0; k < andCount + orCount; k++)
        {
            var order = 1 + rng.Next(Math.Min(n, maxOrder));
            var mask = 0;
            while (BitOperations.PopCount((uint)mask) < order)
            {
                mask |= 1 << rng.Next(n);
            }

            var value = ((rng.NextDouble() * 1.5) + 0.5) * (rng.Next(2) == 0 ? -1 : 1);
            planted.Add(new Planted(mask, value, k < andCount));
        }

        return planted;
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>
    /// h(x_T) = I_AND(∅) + Σ_{∅≠S⊆T} I_AND(S) + Σ_{S∩T≠∅} I_OR(S) by direct summation over all S (paper Eq. 3), O(4^n).
    /// </summary>
    public static double[] Reconstruct(double[] and, double[] or)
    {
        var h = new double[and.Length];
        for (var t = 0; t < and.Length; t++)
        {
            var x = and[0];
            for (var s = 1; s < and.Length; s++)
            {
                if ((s & t) == s)
                {
                    x += and[s];
                }

                if ((s & t) != 0)
                {
                    x += or[s];
                }
            }

            h[t] = x;
        }

        return h;
    }

    /// <summary>
    /// The exact optimum of min Σ_{S≠∅} |I_AND(S)| + |I_OR(S)| over γ (γ_∅ = 0) and |δ| ≤ ζ, with I_AND and I_OR
    /// written term by term from paper Eq. 16 and 18 and the conventions u_AND(∅) = v(∅) - δ_∅, u_OR(∅) = 0; solved by GLOP.
    /// </summary>
    public static double LinearProgramOptimum(double[] v, double zeta)
    {
        var size = v.Length;
        var full = size - 1;
        using var solver = Solver.CreateSolver("GLOP");
        var gamma = new Variable[size];
        var delta = new Variable[size];
        for (var t = 0; t < size; t++)
        {
            gamma[t] = solver.MakeNumVar(t == 0 ? 0 : double.NegativeInfinity, t == 0 ? 0 : double.PositiveInfinity, $"g{t}");
            delta[t] = solver.MakeNumVar(-zeta, zeta, $"d{t}");
        }

        var objective = solver.Objective();
        for (var s = 1; s < size; s++)
        {
            // I_AND(S) = Σ_{T⊆S} (-1)^{|S|-|T|} u_AND(T) = positive - negative.
            var and = Split(solver, objective);
            var constant = 0.0;
            for (var t = s; ; t = (t - 1) & s)
            {
                var sign = Sign(s ^ t);
                if (t == 0)
                {
                    constant += sign * v[0];
                    Add(and.Row, delta[0], -sign);
                }
                else
                {
                    constant += sign * 0.5 * v[t];
                    Add(and.Row, delta[t], -0.5 * sign);
                    Add(and.Row, gamma[t], sign);
                }

                if (t == 0)
                {
                    break;
                }
            }

            and.Row.SetBounds(-constant, -constant);

            // I_OR(S) = -Σ_{T⊆S} (-1)^{|S|-|T|} u_OR(N \ T).
            var or = Split(solver, objective);
            constant = 0;
            for (var t = s; ; t = (t - 1) & s)
            {
                var sign = -Sign(s ^ t);
                var complement = full ^ t;
                if (complement != 0)
                {
                    constant += sign * 0.5 * v[complement];
                    Add(or.Row, delta[complement], -0.5 * sign);
                    Add(or.Row, gamma[complement], -sign);
                }

                if (t == 0)
                {
                    break;
                }
            }

            or.Row.SetBounds(-constant, -constant);
        }

        objective.SetMinimization();
        var status = solver.Solve();
        if (status != Solver.ResultStatus.OPTIMAL)
        {
            throw new InvalidOperationException($"GLOP did not reach optimality: {status}.");
        }

        return objective.Value();
    }

    private static (Constraint Row, Variable Positive, Variable Negative) Split(Solver solver, Objective objective)
    {
        var positive = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        var negative = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        var row = solver.MakeConstraint(0, 0);
        row.SetCoefficient(positive, -1);
        row.SetCoefficient(negative, 1);
        objective.SetCoefficient(positive, 1);
        objective.SetCoefficient(negative, 1);
        return (row, positive, negative);
    }

    private static void Add(Constraint row, Variable variable, double coefficient) =>
        row.SetCoefficient(variable, row.GetCoefficient(variable) + coefficient);

    private static double Sign(int mask) => (BitOperations.PopCount((uint)mask) & 1) == 0 ? 1.0 : -1.0;
}
