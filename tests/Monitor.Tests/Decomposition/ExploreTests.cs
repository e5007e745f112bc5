using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

public class ExploreTests
{
    [Test]
    [Explicit]
    public void Explore()
    {
        var op = new DecayOperator(10);
        foreach (var r in new[] { 0.05, 0.1, 0.2 })
        {
            TestContext.Out.WriteLine($"ret {r}: delta {op.DeltaForRetention(5, r):G4} (order 4: {op.DeltaForRetention(4, r):G4})");
        }

        foreach (var sigma in new[] { 0.02, 0.05, 0.1, 0.2 })
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var p = PlantedInteractions.Generate(seed, 10, 16, 12, sigma, 1e-3);
                var data = InteractionDistributions.Compute(p.And, p.Or, p.Tau);
                var model = new DecayModel(p.And, p.Or, p.Tau);
                var line = $"s {sigma} seed {seed} planted {p.PlantedSpindleMass:F2} data {data.Mass:F2} |";
                foreach (var r in new[] { 0.05, 0.1, 0.2 })
                {
                    var fit = new DecompositionFitter(model, new DecompositionFitOptions { MinDelta = op.DeltaForRetention(5, r) }).Fit(data);
                    line += $" {fit.SpindleMass:F2}";
                }

                TestContext.Out.WriteLine(line);
            }
        }
    }
}
