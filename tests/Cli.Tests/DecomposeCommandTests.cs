using System.Text.Json;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;

namespace Spindle.Cli.Tests;

public class DecomposeCommandTests
{
    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "spindle-decompose-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Run_SyntheticExtraction_PrintsTableAndWritesPng()
    {
        var file = Path.Combine(_directory, "check.json");
        SyntheticExtraction(seed: 1, n: 6, samples: 4).Save(file);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file]), output, error);

        var png = Path.Combine(_directory, "check.decomposition.png");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error.ToString());
            Assert.That(output.ToString(), Does.Contain("spindle mass").And.Contain("R^2"));
            Assert.That(File.Exists(png), Is.True);
            Assert.That(File.ReadAllBytes(png).Take(8), Is.EqualTo(PngSignature).AsCollection);
            Assert.That(Directory.GetFiles(_directory, "*.tmp"), Is.Empty);
        }
    }

    [Test]
    public void Run_JsonWithBaseline_ReportsOrdersAndSimilarity()
    {
        var file = Path.Combine(_directory, "target.json");
        var baseline = Path.Combine(_directory, "baseline.json");
        SyntheticExtraction(seed: 2, n: 5, samples: 3).Save(file);
        SyntheticExtraction(seed: 2, n: 5, samples: 3, noiseSeed: 99).Save(baseline);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file], json: true, noPng: true, baselines: [baseline]), output, error);

        Assert.That(code, Is.Zero, error.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        var check = document.RootElement.GetProperty("checks")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.GetProperty("variableCount").GetInt32(), Is.EqualTo(5));
            Assert.That(check.GetProperty("orders").GetProperty("spindlePositive").GetArrayLength(), Is.EqualTo(5));
            Assert.That(check.GetProperty("similarity").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(check.GetProperty("png").ValueKind, Is.EqualTo(JsonValueKind.Null));
        }
    }

    [Test]
    public void Run_Json_OrdersAreHandComputedDistributionOverZ()
    {
        var file = Path.Combine(_directory, "check.json");
        var extraction = SyntheticExtraction(seed: 4, n: 6, samples: 4);
        extraction.Save(file);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file], json: true, noPng: true), output, error);

        Assert.That(code, Is.Zero, error.ToString());
        var check = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("checks")[0];
        // A^(m),+ and Z straight from the definitions (Eq. 6, K.3).
        var tau = extraction.Tau;
        var positive = new double[6];
        double z = 0;
        foreach (var sample in extraction.Samples)
        {
            foreach (var vector in new[] { sample.And, sample.Or })
            {
                for (var s = 1; s < vector.Length; s++)
                {
                    var order = System.Numerics.BitOperations.PopCount((uint)s);
                    if (vector[s] > tau)
                    {
                        positive[order - 1] += vector[s] / extraction.Samples.Count;
                    }

                    if (order == 1 && Math.Abs(vector[s]) > tau)
                    {
                        z += Math.Abs(vector[s]) / extraction.Samples.Count;
                    }
                }
            }
        }

        var reported = check.GetProperty("orders").GetProperty("positive").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var spindle = check.GetProperty("orders").GetProperty("spindlePositive").EnumerateArray().Sum(e => e.GetDouble())
            - check.GetProperty("orders").GetProperty("spindleNegative").EnumerateArray().Sum(e => e.GetDouble());
        // Same sums in another order: 1e-12 relative.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(z, Is.Not.EqualTo(1).Within(0.05), "Z must differ from 1, or dropping the normalisation would go unseen");
            Assert.That(check.GetProperty("z").GetDouble(), Is.EqualTo(z).Within(1e-12 * z));
            Assert.That(reported, Is.EqualTo(positive.Select(p => p / z).ToArray()).Within(1e-12));
            Assert.That(check.GetProperty("summary").GetProperty("spindleMass").GetDouble(), Is.EqualTo(spindle).Within(1e-9));
            Assert.That(check.GetProperty("cancellationMass").GetDouble(), Is.GreaterThan(0));
            Assert.That(check.GetProperty("intervals").GetProperty("spindleMass").GetProperty("upper").GetDouble(), Is.GreaterThanOrEqualTo(check.GetProperty("intervals").GetProperty("spindleMass").GetProperty("lower").GetDouble()));
        }
    }

    [Test]
    public void Run_JsonWithBaseline_SimilarityPairsGeneralizableWithDecay()
    {
        var file = Path.Combine(_directory, "target.json");
        var baseline = Path.Combine(_directory, "baseline.json");
        SyntheticExtraction(seed: 5, n: 6, samples: 4).Save(file);
        SyntheticExtraction(seed: 5, n: 6, samples: 4, noiseSeed: 77).Save(baseline);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file], json: true, noPng: true, baselines: [baseline]), output, error);

        Assert.That(code, Is.Zero, error.ToString());
        var check = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("checks")[0];
        var orders = check.GetProperty("orders");
        OrderDistribution Read(string prefix) => new(
            orders.GetProperty(prefix + "Positive").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            orders.GetProperty(prefix + "Negative").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        var expected = Faithfulness.Similarity(Read("generalizable"), Read("nonGeneralizable"), Read("decay"), Read("spindle"));
        var swapped = Faithfulness.Similarity(Read("generalizable"), Read("nonGeneralizable"), Read("spindle"), Read("decay"));

        // Eq. 11 compares A_gen with the decay and A_non with the spindle; SIM is scale-free, so the /Z values serve.
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Math.Abs(expected - swapped), Is.GreaterThan(1e-3), "precondition: swapping decay and spindle must change SIM here");
            Assert.That(check.GetProperty("similarity").GetDouble(), Is.EqualTo(expected).Within(1e-9));
        }
    }

    [Test]
    public void Run_MissingFile_FailsWithMessage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([Path.Combine(_directory, "absent.json")]), output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("absent.json"));
        }
    }

    [Test]
    public void Run_PngInAMissingFolder_NamesTheFolderNotATemporaryFile()
    {
        var file = Path.Combine(_directory, "check.json");
        SyntheticExtraction(seed: 1, n: 4, samples: 2).Save(file);
        var missing = Path.Combine(_directory, "missing");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file], png: Path.Combine(missing, "out.png")), output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain($"the folder {missing} does not exist"));
            Assert.That(error.ToString(), Does.Not.Contain(".tmp"));
        }
    }

    [TestCase(true, false, "--no-png contradict")]
    [TestCase(false, true, "--min-delta would be ignored")]
    public void Run_ContradictoryOptions_FailsInsteadOfIgnoringOne(bool pngAndNoPng, bool deltaAndMinDelta, string expected)
    {
        var file = Path.Combine(_directory, "check.json");
        SyntheticExtraction(seed: 1, n: 4, samples: 2).Save(file);
        var settings = Settings([file], noPng: pngAndNoPng, png: pngAndNoPng ? Path.Combine(_directory, "out.png") : null);
        if (deltaAndMinDelta)
        {
            settings = settings with { FixedDelta = 0.5, MinDelta = 0.1, NoPng = true };
        }

        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(settings, output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain(expected));
        }
    }

    [Test]
    public void Run_PngWithTwoInputs_FailsBeforeWriting()
    {
        var first = Path.Combine(_directory, "a.json");
        var second = Path.Combine(_directory, "b.json");
        SyntheticExtraction(seed: 3, n: 4, samples: 2).Save(first);
        SyntheticExtraction(seed: 4, n: 4, samples: 2).Save(second);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([first, second], png: Path.Combine(_directory, "out.png")), output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("--png"));
            Assert.That(Directory.GetFiles(_directory, "*.png"), Is.Empty);
        }
    }

    [Test]
    public void Run_PoolTwoFiles_FitsAllSamplesTogether()
    {
        var first = Path.Combine(_directory, "a.json");
        var second = Path.Combine(_directory, "b.json");
        SyntheticExtraction(seed: 5, n: 4, samples: 2).Save(first);
        SyntheticExtraction(seed: 6, n: 4, samples: 3).Save(second);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([first, second], json: true, noPng: true) with { Pool = true, Tau = 0.05 }, output, error);

        Assert.That(code, Is.Zero, error.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        var checks = document.RootElement.GetProperty("checks");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(checks.GetArrayLength(), Is.EqualTo(1));
            Assert.That(checks[0].GetProperty("samples").GetInt32(), Is.EqualTo(5));
            // --tau passes through to the report unchanged: exact.
            Assert.That(checks[0].GetProperty("tau").GetDouble(), Is.EqualTo(0.05).Within(0));
        }
    }

    [Test]
    public void Run_JsonWithoutPng_WritesNoPngButWritesTheOneNamed()
    {
        var file = Path.Combine(_directory, "check.json");
        SyntheticExtraction(seed: 1, n: 4, samples: 2).Save(file);
        var named = Path.Combine(_directory, "named.png");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var plain = DecomposeCommand.Run(Settings([file], json: true), output, error);
        var pngsAfterPlain = Directory.GetFiles(_directory, "*.png");
        using var document = JsonDocument.Parse(output.ToString());
        using var namedOutput = new StringWriter();
        var withPng = DecomposeCommand.Run(Settings([file], json: true, png: named), namedOutput, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(plain, Is.Zero, error.ToString());
            Assert.That(pngsAfterPlain, Is.Empty);
            Assert.That(document.RootElement.GetProperty("checks")[0].GetProperty("png").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(withPng, Is.Zero, error.ToString());
            Assert.That(Directory.GetFiles(_directory, "*.png"), Is.EqualTo(new[] { named }).AsCollection);
        }
    }

    [TestCase("split", "baseline was not extracted like the target", "split test against the target's train")]
    [TestCase("samples", "baseline was not extracted like the target", "sample indices [3, 4, 5] against the target's [0, 1, 2]")]
    [TestCase("variables", "baseline was not extracted like the target", "variables feature-map patches")]
    [TestCase("seed", "baseline was not extracted like the target", "variable seed 1 against the target's 0")]
    [TestCase("masking", "baseline was not extracted like the target", "masking feature-map patches set to 0 against")]
    public void Run_BaselineProvenanceDisagrees_FailsNamingTheField(string field, string expected, string detail)
    {
        var target = Path.Combine(_directory, "target.json");
        var baseline = Path.Combine(_directory, "baseline.json");
        var provenance = new CheckProvenance
        {
            Model = "cnn",
            Split = "train",
            SampleIndices = [0, 1, 2],
            Variables = "input patches of a 4x4 grid, n = 5",
            VariableSeed = 0,
            Masking = "input patches set to 0",
        };
        var other = field switch
        {
            "split" => provenance with { Split = "test" },
            "samples" => provenance with { SampleIndices = [3, 4, 5] },
            "variables" => provenance with { Variables = "feature-map patches of an 8x8 grid, n = 5" },
            "seed" => provenance with { VariableSeed = 1 },
            _ => provenance with { Masking = "feature-map patches set to 0" },
        };
        SyntheticExtraction(seed: 2, n: 5, samples: 3).WithProvenance(provenance).Save(target);
        SyntheticExtraction(seed: 2, n: 5, samples: 3, noiseSeed: 99).WithProvenance(other with { Model = "mlp" }).Save(baseline);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([target], json: true, noPng: true, baselines: [baseline]), output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain(expected).And.Contain(detail));
            Assert.That(output.ToString(), Is.Empty);
        }
    }

    [Test]
    public void Run_BaselineWithMatchingProvenance_SucceedsWithoutWarning()
    {
        var target = Path.Combine(_directory, "target.json");
        var baseline = Path.Combine(_directory, "baseline.json");
        var provenance = new CheckProvenance { Split = "train", SampleIndices = [0, 1, 2], Variables = "input patches of a 4x4 grid, n = 5", VariableSeed = 0, Masking = "input patches set to 0" };
        SyntheticExtraction(seed: 2, n: 5, samples: 3).WithProvenance(provenance with { Model = "cnn" }).Save(target);
        SyntheticExtraction(seed: 2, n: 5, samples: 3, noiseSeed: 99).WithProvenance(provenance with { Model = "mlp", SampleIndices = [0, 1, 2] }).Save(baseline);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([target], json: true, noPng: true, baselines: [baseline]), output, error);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero, error.ToString());
            Assert.That(error.ToString(), Is.Empty);
        }
    }

    [Test]
    public void Run_BaselineWithoutProvenance_WarnsOnStandardErrorAndInJson()
    {
        var target = Path.Combine(_directory, "target.json");
        var baseline = Path.Combine(_directory, "baseline.json");
        SyntheticExtraction(seed: 2, n: 5, samples: 3).WithProvenance(new CheckProvenance { Split = "train", SampleIndices = [0, 1, 2] }).Save(target);
        SyntheticExtraction(seed: 2, n: 5, samples: 3, noiseSeed: 99).Save(baseline);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = DecomposeCommand.Run(Settings([target], json: true, noPng: true, baselines: [baseline]), output, error);

        Assert.That(code, Is.Zero, error.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        var warnings = document.RootElement.GetProperty("checks")[0].GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ToString(), Does.Contain("warning: " + baseline + " records no provenance"));
            Assert.That(warnings, Has.Some.Contains(baseline + " records no provenance"));
        }
    }

    [Test]
    public void Run_TauAboveEveryInteraction_WarnsAndLeavesRSquaredUndefined()
    {
        var file = Path.Combine(_directory, "check.json");
        SyntheticExtraction(seed: 1, n: 4, samples: 2).Save(file);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var textOutput = new StringWriter();
        using var textError = new StringWriter();

        var code = DecomposeCommand.Run(Settings([file], json: true) with { Tau = 1000 }, output, error);
        var textCode = DecomposeCommand.Run(Settings([file], noPng: true) with { Tau = 1000 }, textOutput, textError);

        Assert.That(code, Is.Zero, error.ToString());
        using var document = JsonDocument.Parse(output.ToString());
        var check = document.RootElement.GetProperty("checks")[0];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(check.GetProperty("summary").GetProperty("dataMass").GetDouble(), Is.Zero, "precondition: nothing is salient");
            Assert.That(check.GetProperty("rSquared").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(check.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()), Has.Some.Contains("leaves no salient interaction"));
            Assert.That(error.ToString(), Does.Contain("warning: ").And.Contain("τ = 1000 leaves no salient interaction"));
            Assert.That(textCode, Is.Zero, textError.ToString());
            Assert.That(textError.ToString(), Does.Contain("leaves no salient interaction"));
            Assert.That(textOutput.ToString(), Does.Contain("R^2 = undefined").And.Not.Contain("R^2 = 1.0000"));
        }
    }

    [Test]
    public void Plot_ExtractionFromARun_NamesTheRunAndEpochAndExplainsZ()
    {
        var provenance = new CheckProvenance { Run = "/data/runs/cnn-20261206-120000", Epoch = 7, Model = "cnn", Split = "train", SampleIndices = [0, 1, 2] };
        var extraction = SyntheticExtraction(seed: 3, n: 5, samples: 3).WithProvenance(provenance);
        var result = InteractionCheck.Analyze(extraction, new InteractionCheckOptions { BootstrapReplicates = 0 });

        var plot = DecompositionPlot.Build(result.Fit, result.Z, "target: spindle ...\n" + DecompositionPlot.Source(extraction.Provenance));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Z, Is.GreaterThan(0));
            Assert.That(plot.Axes.Title.Label.Text, Does.EndWith("run cnn-20261206-120000, epoch 7 (cnn), 3 train samples"));
            Assert.That(plot.Axes.Left.Label.Text, Is.EqualTo("interaction strength / Z"));
            Assert.That(plot.Axes.Bottom.Label.Text, Does.Contain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Z = {result.Z:G3}: the mean summed |I| of the salient order-1 interactions")));
            Assert.That(DecompositionPlot.Source(null), Is.EqualTo("run and epoch not recorded in the extraction file"));
        }
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static DecomposeSettings Settings(string[] files, bool json = false, bool noPng = false, string? png = null, string[]? baselines = null)
        => new(files, json, png, noPng, Pool: false, Tau: null, baselines ?? [], MinDelta: null, FixedDelta: null);

    /// <summary>
    /// Outputs of a model made of a few low-order AND/OR interactions plus Gaussian noise on every
    /// interaction, turned into v(x_T) by universal matching and extracted with the library's solver.
    /// </summary>
    private static InteractionExtraction SyntheticExtraction(int seed, int n, int samples, int? noiseSeed = null)
    {
        var random = new Random(seed);
        var noise = new Random(noiseSeed ?? seed + 1000);
        var size = 1 << n;
        var outputs = new List<double[]>();
        for (var i = 0; i < samples; i++)
        {
            var and = new double[size];
            var or = new double[size];
            for (var s = 1; s < size; s++)
            {
                and[s] = 0.1 * Gaussian(noise);
                or[s] = 0.1 * Gaussian(noise);
            }

            for (var c = 0; c < 6; c++)
            {
                var mask = 1 << random.Next(n);
                if (random.Next(2) == 0)
                {
                    mask |= 1 << random.Next(n);
                }

                (random.Next(2) == 0 ? and : or)[mask] += 1 + random.NextDouble();
            }

            // v(x_T) = Σ_{S ⊆ T} I_AND(S) + Σ_{S ∩ T ≠ ∅} I_OR(S) = SubsetSum(and)(T) + total_OR - SubsetSum(or)(N \ T).
            var values = (double[])and.Clone();
            SubsetTransforms.SubsetSum(values);
            var orSums = (double[])or.Clone();
            SubsetTransforms.SubsetSum(orSums);
            for (var t = 0; t < size; t++)
            {
                values[t] += orSums[size - 1] - orSums[(size - 1) & ~t];
            }

            outputs.Add(values);
        }

        return InteractionAnalyzer.Analyze(outputs);
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
