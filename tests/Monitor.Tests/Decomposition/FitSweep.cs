using System.Globalization;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Decomposition;

[TestFixture]
[Explicit("Exploratory sweep; prints a table.")]
public sealed class FitSweep
{
    private static DecompositionFitOptions Options => new() { MinAlpha = double.Parse(Environment.GetEnvironmentVariable("SWEEP_MIN_ALPHA") ?? "0.05", CultureInfo.InvariantCulture) };

    [Test]
    public void Print()
    {
        var mixes = new[] { new SyntheticFunctions.OrderMix(6, 4, 2), new SyntheticFunctions.OrderMix(8, 3, 1), new SyntheticFunctions.OrderMix(4, 4, 4) };
        foreach (var mix in mixes)
        {
            foreach (var sigma in new[] { 0.0, 0.02, 0.05, 0.1, 0.2 })
            {
                for (var seed = 1; seed <= 3; seed++)
                {
                    var outputs = SyntheticFunctions.Outputs(seed, 10, 16, mix, sigma);
                    var x = InteractionAnalyzer.Analyze(outputs);
                    var and = x.Samples.Select(s => s.And).ToList();
                    var or = x.Samples.Select(s => s.Or).ToList();
                    var data = InteractionDistributions.Compute(and, or, x.Tau);
                    var z = InteractionDistributions.NormalizationConstant(and, or, x.Tau);
                    var mono = new MonotoneDecompositionFitter(10, Options).Fit(data);
                    var op = new DecompositionFitter(new DecayModel(and, or, x.Tau), Options).Fit(data);
                    var sm = mono.Summarize(z);
                    var so = op.Summarize(z);
                    var cancel = 0.0;
                    for (var i = 0; i < 10; i++) { cancel += 2 * Math.Min(data.Positive[i], -data.Negative[i]); }
                    if (sigma < 0)
                    {
                        TestContext.Out.WriteLine("P " + string.Join(" ", data.Positive.Select(v => (v / z).ToString("F3", CultureInfo.InvariantCulture))));
                        TestContext.Out.WriteLine("N " + string.Join(" ", data.Negative.Select(v => (v / z).ToString("F3", CultureInfo.InvariantCulture))));
                        TestContext.Out.WriteLine("D " + string.Join(" ", mono.Decay.Positive.Select(v => (v / z).ToString("F3", CultureInfo.InvariantCulture))));
                    }

                    TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{mix} s={sigma:F2} seed={seed} data={sm.DataMass:F2} | mono spindle={sm.SpindleMass:F2} decay={sm.DecayMass:F2} share={sm.SpindleShare:F2} a={mono.Alpha:F2} R2={sm.RSquared:F3} | op spindle={so.SpindleMass:F2} decay={so.DecayMass:F2} share={so.SpindleShare:F2} a={op.Alpha:F2} d={op.Delta:G3} | cancel={cancel / z:F2}"));
                }
            }
        }
    }
}
