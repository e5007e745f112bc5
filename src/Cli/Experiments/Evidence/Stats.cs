using System.Globalization;
using Spindle.Monitor.Decomposition;

namespace Spindle.Cli.Experiments.Evidence;

/// <summary>Summaries over seeds and shape statistics of per-order distributions, as the evidence reports print them.</summary>
internal static class Stats
{
    /// <summary>The mean.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The mean, NaN when empty.</returns>
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The sample standard deviation (n - 1); 0 for a single value.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The standard deviation.</returns>
    public static double StandardDeviation(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Formats mean ± sd over seeds with the range, for example <c>0.42 ± 0.05 (0.37-0.47)</c>.</summary>
    /// <param name="values">The values, one per seed.</param>
    /// <param name="format">The number format.</param>
    /// <returns>The text.</returns>
    public static string Spread(IReadOnlyCollection<double> values, string format = "F3")
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count < values.Count)
        {
            return finite.Count == 0 ? "n/a" : $"{Spread(finite, format)} ({values.Count - finite.Count} n/a)";
        }

        if (values.Count == 0)
        {
            return "n/a";
        }

        var culture = CultureInfo.InvariantCulture;
        if (values.Count == 1)
        {
            return values.First().ToString(format, culture);
        }

        return $"{Mean(values).ToString(format, culture)} ± {StandardDeviation(values).ToString(format, culture)} ({values.Min().ToString(format, culture)} to {values.Max().ToString(format, culture)})";
    }

    /// <summary>The strength per order, A^(m),+ + |A^(m),-|.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>One value per order 1..n.</returns>
    public static double[] Strength(OrderDistribution distribution) =>
        [.. distribution.Positive.Zip(distribution.Negative, (p, q) => Math.Abs(p) + Math.Abs(q))];

    /// <summary>The order (1-based) with the largest strength.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The peak order; 0 when all are zero.</returns>
    public static int PeakOrder(OrderDistribution distribution)
    {
        var strength = Strength(distribution);
        var best = 0;
        for (var m = 0; m < strength.Length; m++)
        {
            if (strength[m] > 0 && (best == 0 || strength[m] > strength[best - 1]))
            {
                best = m + 1;
            }
        }

        return best;
    }

    /// <summary>The strength-weighted mean order.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>Σ m·s_m / Σ s_m; NaN when all are zero.</returns>
    public static double MeanOrder(OrderDistribution distribution)
    {
        var strength = Strength(distribution);
        var total = strength.Sum();
        return total > 0 ? strength.Select((s, m) => s * (m + 1)).Sum() / total : double.NaN;
    }

    /// <summary>The share of the strength at orders 1 and 2.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The share in [0, 1]; NaN when all are zero.</returns>
    public static double LowOrderShare(OrderDistribution distribution)
    {
        var strength = Strength(distribution);
        var total = strength.Sum();
        return total > 0 ? strength.Take(2).Sum() / total : double.NaN;
    }

    /// <summary>How much positive and negative strength cancel: Σ_m min(A+, |A-|) / Σ_m max(A+, |A-|).</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>0 when one sign dominates every order, 1 when they balance exactly; NaN when all are zero.</returns>
    public static double Balance(OrderDistribution distribution)
    {
        double low = 0, high = 0;
        for (var m = 0; m < distribution.VariableCount; m++)
        {
            var p = Math.Abs(distribution.Positive[m]);
            var q = Math.Abs(distribution.Negative[m]);
            low += Math.Min(p, q);
            high += Math.Max(p, q);
        }

        return high > 0 ? low / high : double.NaN;
    }

    /// <summary>Whether the strength never rises from one order to the next after order 2 (decay-shaped as Claim 1 says, allowing order 2 to exceed order 1).</summary>
    /// <param name="distribution">The distribution.</param>
    /// <param name="tolerance">A rise smaller than this share of the total strength is ignored.</param>
    /// <returns>Whether it decays.</returns>
    public static bool Decays(OrderDistribution distribution, double tolerance = 0.02)
    {
        var strength = Strength(distribution);
        var total = strength.Sum();
        if (!(total > 0))
        {
            return false;
        }

        for (var m = 2; m < strength.Length; m++)
        {
            if (strength[m] > strength[m - 1] + (tolerance * total))
            {
                return false;
            }
        }

        return PeakOrder(distribution) <= 2;
    }

    /// <summary>Whether the strength peaks at a middle order (3..n-2) and positive and negative parts balance (Balance ≥ 0.5): spindle-shaped as Claim 2 says.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <returns>Whether it is spindle-shaped.</returns>
    public static bool IsSpindle(OrderDistribution distribution)
    {
        var peak = PeakOrder(distribution);
        return peak >= 3 && peak <= distribution.VariableCount - 2 && Balance(distribution) >= 0.5;
    }

    /// <summary>Spearman's rank correlation.</summary>
    /// <param name="x">The first series.</param>
    /// <param name="y">The second series, as long.</param>
    /// <returns>The correlation; NaN when a series is constant or shorter than 3.</returns>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 3)
        {
            return double.NaN;
        }

        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Formats a number invariantly.</summary>
    /// <param name="value">The value.</param>
    /// <param name="format">The format.</param>
    /// <returns>The text; "n/a" for NaN.</returns>
    public static string F(double value, string format = "F3") => double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        var k = 0;
        while (k < order.Length)
        {
            var j = k;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[k]])
            {
                j++;
            }

            for (var t = k; t <= j; t++)
            {
                ranks[order[t]] = (k + j) / 2.0;
            }

            k = j + 1;
        }

        return ranks;
    }
}
