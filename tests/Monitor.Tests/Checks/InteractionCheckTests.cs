using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Tests.Decomposition;
using Spindle.Monitor.Tests.Masking;
using TorchSharp;

namespace Spindle.Monitor.Tests.Checks;

internal sealed class InteractionCheckTests
{
    private static readonly SyntheticFunctions.OrderMix Mix = new(6, 4, 2);
    private static readonly int[] ProbeIndices = [1, 2, 3];
    private static readonly double[] Ladder = [0.05, 0.1, 0.2];

    [Test]
    public void Analyze_SyntheticExtraction_SummaryIsFitMassesOverHandComputedZ()
    {
        var extraction = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(31, 8, 12, Mix, 0.1));
        var check = InteractionCheck.Analyze(extraction, new InteractionCheckOptions { BootstrapReplicates = 0 });

        // Z and A by hand, straight from the definitions (K.3, Eq. 6), not through the library's helpers.
        var tau = extraction.Tau;
        double z = 0;
        var positive = new double[8];
        var negative = new double[8];
        foreach (var sample in extraction.Samples)
        {
            foreach (var vector in new[] { sample.And, sample.Or })
            {
                for (var s = 1; s < vector.Length; s++)
                {
                    if (Math.Abs(vector[s]) <= tau)
                    {
                        continue;
                    }

                    var order = System.Numerics.BitOperations.PopCount((uint)s);
                    z += order == 1 ? Math.Abs(vector[s]) / extraction.Samples.Count : 0;
                    (vector[s] > 0 ? positive : negative)[order - 1] += vector[s] / extraction.Samples.Count;
                }
            }
        }

        var cancellation = 2 * positive.Zip(negative, (p, q) => Math.Min(p, -q)).Sum();
        // Sums of a few hundred doubles of order 1: 1e-12 relative covers the different summation order.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.Z, Is.EqualTo(z).Within(1e-12 * z));
            Assert.That(check.Data.Positive, Is.EqualTo(positive).Within(1e-12));
            Assert.That(check.Data.Negative, Is.EqualTo(negative).Within(1e-12));
            Assert.That(check.Summary!.SpindleMass, Is.EqualTo(check.Fit.Spindle.Mass / z).Within(1e-12 * check.Summary.SpindleMass));
            Assert.That(check.Summary.DecayMass, Is.EqualTo(check.Fit.Decay.Mass / z).Within(1e-12 * check.Summary.DecayMass));
            Assert.That(check.Summary.DataMass, Is.EqualTo((positive.Sum() - negative.Sum()) / z).Within(1e-12 * check.Summary.DataMass));
            Assert.That(check.CancellationMass, Is.EqualTo(cancellation / z).Within(1e-12 * cancellation / z));
            Assert.That(check.Summary.SpindleMass, Is.GreaterThan(0), "σ = 0.1 noise is salient: the spindle must not be empty");
        }
    }

    [Test]
    public void Analyze_ScaledOutputs_NormalisedNumbersUnchanged()
    {
        // Multiplying every output by 3 multiplies every interaction, τ and Z by 3: the Z-normalised numbers must not move.
        var outputs = SyntheticFunctions.Outputs(32, 8, 12, Mix, 0.1);
        var one = InteractionCheck.Analyze(InteractionAnalyzer.Analyze(outputs), new InteractionCheckOptions { BootstrapReplicates = 0 });
        var three = InteractionCheck.Analyze(InteractionAnalyzer.Analyze(outputs.Select(v => v.Select(x => 3 * x).ToArray()).ToList()), new InteractionCheckOptions { BootstrapReplicates = 0 });

        // The solver stops at a certified 0.4% gap, so the two extractions agree to about that; 2% allows for it.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(three.Z, Is.EqualTo(3 * one.Z).Within(0.02 * 3 * one.Z));
            Assert.That(three.Summary!.SpindleMass, Is.EqualTo(one.Summary!.SpindleMass).Within(0.02 * one.Summary.SpindleMass));
            Assert.That(three.Summary.DecayMass, Is.EqualTo(one.Summary.DecayMass).Within(0.02 * one.Summary.DecayMass));
        }
    }

    [Test]
    public void Bootstrap_SameInputTwice_IdenticalReplicatesAndZeroPairedChange()
    {
        var extraction = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(33, 8, 12, Mix, 0.1));
        var options = new InteractionCheckOptions { BootstrapReplicates = 50 };
        var a = InteractionCheck.Analyze(extraction, options);
        var b = InteractionCheck.Analyze(extraction, options);

        var change = CheckComparison.Compare(a, b, CheckMetric.SpindleMass);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(b.Uncertainty!.Values(CheckMetric.SpindleMass), Is.EqualTo(a.Uncertainty!.Values(CheckMetric.SpindleMass)));
            Assert.That(change.Difference, Is.Zero);
            Assert.That(change.Interval.Lower, Is.Zero);
            Assert.That(change.Interval.Upper, Is.Zero);
            Assert.That(change.IsSignificant, Is.False);
            var interval = a.Uncertainty.Interval(CheckMetric.SpindleMass)!;
            Assert.That(interval.Lower, Is.LessThanOrEqualTo(a.Summary!.SpindleMass));
            Assert.That(interval.Upper, Is.GreaterThanOrEqualTo(a.Summary.SpindleMass));
            Assert.That(interval.StandardError, Is.GreaterThan(0), "12 different probes: resamples must differ");
        }
    }

    [Test]
    public void Compare_SameFunctionsMoreNoise_PairedIncreaseIsSignificantAndNarrowerThanUnpaired()
    {
        // The same 12 functions (one per probe) with more noise on every interaction: a real rise of the spindle.
        var options = new InteractionCheckOptions { BootstrapReplicates = 100 };
        var before = InteractionCheck.Analyze(InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(34, 8, 12, Mix, 0.1)), options);
        var after = InteractionCheck.Analyze(InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(34, 8, 12, Mix, 0.14)), options);

        var change = CheckComparison.Compare(before, after, CheckMetric.SpindleMass);
        var unpaired = Math.Sqrt(Math.Pow(before.Uncertainty!.Interval(CheckMetric.SpindleMass)!.StandardError, 2) + Math.Pow(after.Uncertainty!.Interval(CheckMetric.SpindleMass)!.StandardError, 2));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(change.Difference, Is.GreaterThan(0));
            Assert.That(change.IsSignificant, Is.True, $"interval [{change.Interval.Lower:F3}, {change.Interval.Upper:F3}]");
            Assert.That(change.FractionIncreasing, Is.GreaterThan(0.95));
            Assert.That(change.Interval.StandardError, Is.LessThan(unpaired), "pairing must cancel the shared probe-draw shift");
        }
    }

    [Test]
    public void Compare_DifferentSeeds_Throws()
    {
        var extraction = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(35, 6, 6, Mix, 0.1));
        var a = InteractionCheck.Analyze(extraction, new InteractionCheckOptions { BootstrapReplicates = 10, BootstrapSeed = 1 });
        var b = InteractionCheck.Analyze(extraction, new InteractionCheckOptions { BootstrapReplicates = 10, BootstrapSeed = 2 });

        Assert.That(() => CheckComparison.Compare(a, b, CheckMetric.SpindleMass), Throws.InvalidOperationException.With.Message.Contains("do not pair"));
    }

    [Test]
    public void Json_RoundTrip_KeepsNumbersProvenanceAndReplicates()
    {
        var extraction = InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(36, 8, 8, Mix, 0.1));
        var provenance = new CheckProvenance { Model = "cnn", Run = "runs/x", Epoch = 3, Split = "train", SampleIndices = [1, 2, 3], Variables = "input patches 4x4, n = 8", VariableSeed = 0, Masking = "input" };
        var check = InteractionCheck.Analyze(extraction, new InteractionCheckOptions { BootstrapReplicates = 20 }, provenance);

        var read = CheckResult.FromJson(check.ToJson());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Summary, Is.EqualTo(check.Summary));
            Assert.That(read.CancellationMass, Is.EqualTo(check.CancellationMass));
            Assert.That(read.Fit.Alpha, Is.EqualTo(check.Fit.Alpha));
            Assert.That(read.Fit.Shape, Is.EqualTo(check.Fit.Shape));
            Assert.That(read.Warnings, Is.EqualTo(check.Warnings));
            Assert.That(read.Provenance.Epoch, Is.EqualTo(3));
            Assert.That(read.Provenance.SampleIndices, Is.EqualTo(ProbeIndices));
            Assert.That(read.Uncertainty!.Values(CheckMetric.SpindleShare), Is.EqualTo(check.Uncertainty!.Values(CheckMetric.SpindleShare)));
            Assert.That(read.SampleDistributions[5].Positive, Is.EqualTo(check.SampleDistributions[5].Positive));
        }
    }

    [Test]
    public void FromJson_WrongFormat_ThrowsInvalidData()
    {
        Assert.That(() => CheckResult.FromJson("{\"format\":\"spindle.interactions\",\"version\":1}"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("spindle.check"));
    }

    [Test]
    public void AnalyzeSeries_NoiseOperatorShape_HoldsDeltaOfFirstCheck()
    {
        var extractions = Ladder.Select(sigma => InteractionAnalyzer.Analyze(SyntheticFunctions.Outputs(37, 8, 8, Mix, sigma))).ToArray();
        var options = new InteractionCheckOptions { DecayShape = DecayShape.NoiseOperator, BootstrapReplicates = 0 };

        var checks = InteractionCheck.AnalyzeSeries(extractions, options);
        var free = InteractionCheck.Analyze(extractions[2], options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(checks[1].Fit.Delta, Is.EqualTo(checks[0].Fit.Delta));
            Assert.That(checks[2].Fit.Delta, Is.EqualTo(checks[0].Fit.Delta));
            Assert.That(free.Fit.Delta, Is.Not.EqualTo(checks[0].Fit.Delta), "a free fit of the last check picks its own δ (else this test shows nothing)");
            Assert.That(checks[2].Warnings.HasFlag(FitWarnings.DeltaAtLowerBound), Is.False, "a held δ is not at a search bound");
        }
    }

    [Test]
    public void Run_RealCnn_RecordsEpochTimingsAndMatchesExtractorPath()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(4);
        var probes = torch.rand(4, 1, 28, 28);
        long[] labels = [0, 1, 2, 3];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(6, seed: 2, margin: 0));
        using var check = new InteractionCheck(variables, probes, labels, new InteractionCheckOptions { BootstrapReplicates = 10 }, new CheckProvenance { Model = "split-cnn" });

        var result = check.Run(model, epoch: 7);
        var direct = InteractionCheck.Analyze(new InteractionExtractor().Extract(model, variables, probes, labels), new InteractionCheckOptions { BootstrapReplicates = 10 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Provenance.Epoch, Is.EqualTo(7));
            Assert.That(result.Provenance.Model, Is.EqualTo("split-cnn"));
            Assert.That(result.Timings.ExtractionSeconds, Is.GreaterThan(0));
            Assert.That(result.SampleCount, Is.EqualTo(4));
            Assert.That(result.VariableCount, Is.EqualTo(6));
            Assert.That(result.Z, Is.EqualTo(direct.Z).Within(1e-12 * direct.Z));
            Assert.That(result.Extraction, Is.Not.Null);
        }
    }
}
