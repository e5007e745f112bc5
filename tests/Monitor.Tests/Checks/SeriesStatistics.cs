namespace Spindle.Monitor.Tests.Checks;

/// <summary>Statistics of a per-check series: rank correlation, jitter, and spindle-decay exchanges (basin flips).</summary>
internal static class SeriesStatistics
{
    /// <summary>Spearman's rank correlation (average ranks for ties).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
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

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
    }

    /// <summary>Median over checks of |x_t − median(x_{t−1}, x_t, x_{t+1})|, relative to the series' range: how far single checks jump off their neighbours.</summary>
    public static double Jitter(IReadOnlyList<double> x)
    {
        var deviations = new List<double>();
        for (var t = 1; t < x.Count - 1; t++)
        {
            double[] window = [x[t - 1], x[t], x[t + 1]];
            Array.Sort(window);
            deviations.Add(Math.Abs(x[t] - window[1]));
        }

        var range = x.Max() - x.Min();
        deviations.Sort();
        return range > 0 && deviations.Count > 0 ? deviations[deviations.Count / 2] / range : 0;
    }

    /// <summary>
    /// Counts consecutive checks between which mass moves from spindle to decay or back: the two change in
    /// opposite directions and the smaller change exceeds <paramref name="threshold"/> (Z units) and
    /// the data mass moves by less than half of it. A basin flip of the fit looks like this; a genuine change
    /// of the model moves the data mass too.
    /// </summary>
    public static int Exchanges(IReadOnlyList<double> spindle, IReadOnlyList<double> decay, IReadOnlyList<double> data, double threshold)
    {
        var count = 0;
        for (var t = 1; t < spindle.Count; t++)
        {
            var ds = spindle[t] - spindle[t - 1];
            var dd = decay[t] - decay[t - 1];
            var moved = Math.Min(Math.Abs(ds), Math.Abs(dd));
            if (Math.Sign(ds) != Math.Sign(dd) && moved > threshold && Math.Abs(data[t] - data[t - 1]) < moved / 2)
            {
                count++;
            }
        }

        return count;
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = (i + j) / 2.0;
            }

            i = j + 1;
        }

        return ranks;
    }
}
