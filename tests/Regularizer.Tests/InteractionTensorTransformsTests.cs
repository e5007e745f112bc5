using Spindle.Monitor.Interactions;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer.Tests;

public class InteractionTensorTransformsTests
{
    // Both sides run the same butterflies in float64, in a different order of additions: round-off only.
    private const double Tolerance = 1e-12;

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(4)]
    [TestCase(8)]
    public void ApplyKronecker_RandomRows_EqualsHostTransform(int n)
    {
        using var scope = torch.NewDisposeScope();
        var random = new Random(n);
        var host = Enumerable.Range(0, 3 << n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var tensor = torch.tensor(host, [3, 1L << n], dtype: ScalarType.Float64);
        (double A, double B, double C, double D)[] matrices = [(1, 0, -1, 1), (0, 1, 1, -1), (1, 0, 1, 1), (2, -0.5, 0.25, 3)];
        foreach (var (a, b, c, d) in matrices)
        {
            var expected = (double[])host.Clone();
            SubsetTransforms.ApplyKronecker(expected, n, a, b, c, d);
            var actual = InteractionTensorTransforms.ApplyKronecker(tensor, n, a, b, c, d).data<double>().ToArray();
            Assert.That(actual, Is.EqualTo(expected).Within(Tolerance), $"K = [[{a}, {b}], [{c}, {d}]]");
        }
    }

    [Test]
    public void AndFromUtility_EqualsDenseMobiusMatrix()
    {
        // The definition, I(S) = Σ_{T⊆S} (-1)^{|S|-|T|} u(T), as a dense 2^n x 2^n matrix (tests only).
        const int n = 5;
        var size = 1 << n;
        var random = new Random(7);
        var u = Enumerable.Range(0, size).Select(_ => random.NextDouble()).ToArray();
        var expected = new double[size];
        for (var s = 0; s < size; s++)
        {
            for (var t = 0; t < size; t++)
            {
                if ((t & ~s) == 0)
                {
                    expected[s] += (SubsetTransforms.Order(s ^ t) % 2 == 0 ? 1 : -1) * u[t];
                }
            }
        }

        using var scope = torch.NewDisposeScope();
        var actual = InteractionTensorTransforms.AndFromUtility(torch.tensor(u, [1, size], dtype: ScalarType.Float64), n).data<double>().ToArray();
        Assert.That(actual, Is.EqualTo(expected).Within(Tolerance));
    }

    [TestCase(3)]
    [TestCase(6)]
    public void Decompose_WithTheExtractionsGammaAndDelta_ReproducesItsInteractions(int n)
    {
        var size = 1 << n;
        var random = new Random(n);
        var outputs = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, size).Select(t => (3 * random.NextDouble()) + SubsetTransforms.Order(t)).ToArray()).ToArray();
        var extraction = InteractionAnalyzer.Analyze(outputs);

        using var scope = torch.NewDisposeScope();
        Tensor Stack(Func<SampleInteractions, double[]> field) =>
            torch.tensor(extraction.Samples.SelectMany(field).ToArray(), [2, size], dtype: ScalarType.Float64);
        var (and, or) = InteractionTensorTransforms.Decompose(
            torch.tensor(outputs.SelectMany(o => o).ToArray(), [2, size], dtype: ScalarType.Float64), Stack(s => s.Gamma), Stack(s => s.Delta), n);
        using (Assert.EnterMultipleScope())
        {
            // The extraction zeroes the folded first-order OR entries after a re-decomposition that leaves round-off there.
            Assert.That(and.data<double>().ToArray(), Is.EqualTo(extraction.Samples.SelectMany(s => s.And).ToArray()).Within(1e-9));
            Assert.That(or.data<double>().ToArray(), Is.EqualTo(extraction.Samples.SelectMany(s => s.Or).ToArray()).Within(1e-9));
        }
    }

    [Test]
    public void Decompose_WrongShape_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var values = torch.zeros(2, 8, dtype: ScalarType.Float64);
        Assert.That(() => InteractionTensorTransforms.Decompose(values, values, values, 4), Throws.ArgumentException.With.Message.Contains("[samples, 2^4]"));
    }
}
