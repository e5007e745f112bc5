using Spindle.Monitor.Decomposition;

namespace Spindle.Monitor.Tests.Decomposition;

/// <summary>
/// The sweep that chose the default identifiability floor (docs/decomposition.md): fitted against
/// planted spindle mass for several floors, on seeds 1-3 (the acceptance tests use other seeds).
/// τ is Table 1's (factor 1) or a fifth of it (noise well above τ). Prints the table of the docs (run with
/// <c>dotnet test tests/Monitor.Tests --filter FullyQualifiedName~IdentifiabilitySweep --logger "console;verbosity=detailed"</c>)
/// and checks the two conclusions drawn from it there.
/// </summary>
public class IdentifiabilitySweep
{
    [Test]
    public void Sweep_Floors_DefaultFloorNoWorseThanPilotDeltaAndWithin15PercentWhenNoiseIsSalient([Values(1.0, 0.2)] double tauFactor)
    {
        var op = new DecayOperator(10);
        var floors = new (string Name, double Delta)[]
        {
            ("keep 20% of order 5", op.DeltaForRetention(5, 0.2)),
            ("keep 10% of order 5", op.DeltaForRetention(5, 0.1)),
            ("keep 5% of order 5", op.DeltaForRetention(5, 0.05)),
            ("delta 0.01", 0.01),
            ("delta 0.1 (pilot)", 0.1),
        };
        var rows = new List<(double Planted, double[] Fitted)>();
        TestContext.Out.WriteLine("tau noise seed planted data | " + string.Join(" | ", floors.Select(f => $"{f.Name} (δ {f.Delta:G3})")));
        foreach (var sigma in new[] { 0.02, 0.05, 0.1, 0.2 })
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var planted = PlantedInteractions.Generate(seed, 10, 16, 12, sigma, 1e-3);
                var tau = planted.Tau * tauFactor;
                var data = InteractionDistributions.Compute(planted.And, planted.Or, tau);
                var model = new DecayModel(planted.And, planted.Or, tau);
                var plantedMass = InteractionDistributions.Compute(planted.NoiseAnd, planted.NoiseOr, tau).Mass;
                var fitted = floors.Select(f => new DecompositionFitter(model, new DecompositionFitOptions { MinDelta = f.Delta }).Fit(data).SpindleMass).ToArray();
                rows.Add((plantedMass, fitted));
                TestContext.Out.WriteLine($"tau x{tauFactor} {sigma} {seed} {plantedMass:F2} {data.Mass:F2} | " + string.Join(" | ", fitted.Select(v => v.ToString("F2"))));
            }
        }

        using (Assert.EnterMultipleScope())
        {
            foreach (var (planted, fitted) in rows)
            {
                if (tauFactor == 1.0)
                {
                    // Larger floors over-attribute: the default floor (index 1) is never further from the
                    // planted mass than the pilot's δ ≥ 0.1 (index 4).
                    Assert.That(Math.Abs(fitted[1] - planted), Is.LessThanOrEqualTo(Math.Abs(fitted[4] - planted)), $"planted {planted:F2}");
                }
                else
                {
                    // With noise well above τ every planted mass is large; the default floor recovers it
                    // within the 15% bound (observed: at most 6.4%), while δ ≥ 0.1 overshoots by up to 32%.
                    Assert.That(fitted[1], Is.EqualTo(planted).Within(15).Percent, $"planted {planted:F2}");
                }
            }
        }
    }
}
