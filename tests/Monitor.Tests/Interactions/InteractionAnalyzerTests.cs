using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using static Spindle.Monitor.Tests.Interactions.InteractionTestData;

namespace Spindle.Monitor.Tests.Interactions;

public class InteractionAnalyzerTests
{
    // Planted AND {0,1} = 1.5, {1,2,3} = -0.8 and order-1 {2} = 0.3: the unique sparsest explanation (after folding).
    private static readonly Planted[] PlantedSet = [new(0b0011, 1.5, true), new(0b1110, -0.8, true), new(0b0100, 0.3, true)];

    private static InteractionExtraction PlantedExtraction(double? tau = null)
    {
        var rng = new Random(1);
        var first = FromPlanted(4, 0.25, PlantedSet, 0, rng);
        var second = first.Select(x => 2 * x).ToArray();
        var options = new InteractionAnalysisOptions { NoiseThreshold = 0, RelativeGap = 1e-9, MaxIterations = 3000, Tau = tau };
        return InteractionAnalyzer.Analyze([first, second], options);
    }

    [Test]
    public void Analyze_PlantedTwoSamples_SalientSetsDistributionsAndZMatchHandComputation()
    {
        var extraction = PlantedExtraction();

        // Recovered values are exact to ~1e-12 (polished least squares on the right support); 1e-9 leaves margin.
        const double Tolerance = 1e-9;
        using (Assert.EnterMultipleScope())
        {
            // τ = 0.02 · mean(|v(N) - v(∅)|) = 0.02 · mean(1.0, 2.0).
            Assert.That(extraction.Tau, Is.EqualTo(0.03).Within(1e-15));
            Assert.That(extraction.Samples[0].SalientAnd, Is.EqualTo(Masks(3, 4, 14)).AsCollection);
            Assert.That(extraction.Samples[1].SalientOr, Is.Empty);
            var sample1 = InteractionDistributions.ForSample(extraction.Samples[1].And, extraction.Samples[1].Or, extraction.Tau);
            Assert.That(sample1.Positive, Is.EqualTo(new[] { 0.6, 3.0, 0, 0 }).AsCollection.Within(Tolerance));
            Assert.That(sample1.Negative, Is.EqualTo(new[] { 0, 0, -1.6, 0 }).AsCollection.Within(Tolerance));
            Assert.That(extraction.Distribution!.Positive, Is.EqualTo(new[] { 0.45, 2.25, 0, 0 }).AsCollection.Within(Tolerance));
            Assert.That(extraction.Distribution.Negative, Is.EqualTo(new[] { 0, 0, -1.2, 0 }).AsCollection.Within(Tolerance));

            // Z = E_x Σ_{salient, |S| = 1} |I| = mean(0.3, 0.6) (appendix K.3).
            Assert.That(extraction.Normalization, Is.EqualTo(0.45).Within(Tolerance));
            Assert.That(extraction.Distribution.Positive[1] / extraction.Normalization, Is.EqualTo(5.0).Within(1e-8));
        }
    }

    [Test]
    public void Analyze_ExplicitTau_UsesItAndDropsSmallerInteractions()
    {
        var extraction = PlantedExtraction(tau: 1.0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(extraction.Tau, Is.EqualTo(1.0));

            // Only {0,1} (1.5) is above 1 in sample 0; sample 1 adds {1,2,3} (-1.6).
            Assert.That(extraction.Samples[0].SalientAnd, Is.EqualTo(Masks(3)).AsCollection);
            Assert.That(extraction.Samples[1].SalientAnd, Is.EqualTo(Masks(3, 14)).AsCollection);

            // No salient order-1 interaction: Z is 0 (no scale to normalise by).
            Assert.That(extraction.Normalization, Is.Zero);
        }
    }

    [TestCase(InteractionSolver.Exact)]
    [TestCase(InteractionSolver.Reference)]
    public void Analyze_FoldFirstOrderOr_LeavesNoOrderOneOrAndKeepsGammaConsistent(InteractionSolver solver)
    {
        var rng = new Random(9);
        const int n = 5;
        var v = RandomOutputs(n, rng);
        var sample = InteractionAnalyzer.Analyze([v], new InteractionAnalysisOptions { Solver = solver, ReferenceIterations = 200, MaxIterations = 200 }).Samples[0];

        var and = new double[1 << n];
        var or = new double[1 << n];
        InteractionTransforms.Decompose(v, sample.Gamma, sample.Delta, and, or, n);
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < n; i++)
            {
                Assert.That(sample.Or[1 << i], Is.Zero, $"I_OR({{{i}}})");
            }

            // The stored γ and δ reproduce the stored interactions (float64 round-off on O(1) values: 1e-12).
            Assert.That(and, Is.EqualTo(sample.And).AsCollection.Within(1e-12));
            Assert.That(or, Is.EqualTo(sample.Or).AsCollection.Within(1e-12));
            Assert.That(sample.Gamma[0], Is.Zero);
        }
    }

    [Test]
    public void Analyze_ConstantOutputs_HasNoInteractions()
    {
        var sample = InteractionAnalyzer.Analyze([Enumerable.Repeat(1.25, 8).ToArray()]).Samples[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sample.And[0], Is.EqualTo(1.25));
            Assert.That(sample.And.Skip(1), Is.All.Zero);
            Assert.That(sample.Or, Is.All.Zero);
            Assert.That(sample.Objective, Is.Zero);
        }
    }

    private static IEnumerable<TestCaseData> BadOutputs()
    {
        yield return new TestCaseData(new[] { new double[6] }, null, "Sample 0 has 6 outputs, which is not a power of two").SetName("Analyze_LengthNotPowerOfTwo_Throws");
        yield return new TestCaseData(new[] { new double[4], new double[8] }, null, "Sample 1 has 8 outputs but sample 0 has 4").SetName("Analyze_LengthsDiffer_Throws");
        yield return new TestCaseData(Array.Empty<double[]>(), null, "No samples").SetName("Analyze_NoSamples_Throws");
        yield return new TestCaseData(new[] { new double[16] }, 3, "n = 4 variables), above MaxVariables = 3; the analysis of one sample at n = 4 needs about 3,072 bytes").SetName("Analyze_AboveMaxVariables_ThrowsWithBytes");
        yield return new TestCaseData(new[] { new double[8], WithValue(8, 5, double.NaN) }, null, "Sample 1, mask 5 ({0, 2}): the output is NaN").SetName("Analyze_NaN_NamesSampleAndMask");
        yield return new TestCaseData(new[] { WithValue(4, 2, double.PositiveInfinity) }, null, "Sample 0, mask 2 ({1}): the output is").SetName("Analyze_Infinity_NamesSampleAndMask");
    }

    [TestCaseSource(nameof(BadOutputs))]
    public void Analyze_BadOutputs_ThrowsBeforeAnyWork(double[][] outputs, int? maxVariables, string message)
    {
        var options = new InteractionAnalysisOptions();
        if (maxVariables is { } max)
        {
            options.MaxVariables = max;
        }

        Assert.That(() => InteractionAnalyzer.Analyze(outputs, options), Throws.ArgumentException.With.Message.Contains(message));
    }

    [Test]
    public void Analyze_NullSample_ThrowsArgumentNull()
    {
        Assert.That(() => InteractionAnalyzer.Analyze([new double[2], null!]), Throws.ArgumentNullException.With.Message.Contains("Sample 1 is null"));
    }

    [TestCase(nameof(InteractionAnalysisOptions.NoiseThreshold), -0.1)]
    [TestCase(nameof(InteractionAnalysisOptions.RelativeGap), 2.0)]
    [TestCase(nameof(InteractionAnalysisOptions.LearningRate), double.NaN)]
    public void Validate_OutOfRangeOption_Throws(string name, double value)
    {
        var options = new InteractionAnalysisOptions();
        typeof(InteractionAnalysisOptions).GetProperty(name)!.SetValue(options, value);
        Assert.That(options.Validate, Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains(name));
    }

    private static int[] Masks(params int[] masks) => masks;

    private static double[] WithValue(int length, int index, double value)
    {
        var values = new double[length];
        values[index] = value;
        return values;
    }
}
