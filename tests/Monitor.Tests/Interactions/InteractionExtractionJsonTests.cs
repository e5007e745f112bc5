using System.Text.Json.Nodes;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Interactions;

namespace Spindle.Monitor.Tests.Interactions;

public class InteractionExtractionJsonTests
{
    private static InteractionExtraction Extract()
    {
        var rng = new Random(5);
        var outputs = new[] { InteractionTestData.RandomOutputs(4, rng), InteractionTestData.RandomOutputs(4, rng) };

        // Irrational-looking doubles everywhere: a lossy format would change their last bits.
        outputs[0][3] = Math.PI * 1e-17;
        outputs[1][5] = -1.0 / 3.0;
        return InteractionAnalyzer.Analyze(outputs);
    }

    [Test]
    public void FromJson_OutputOfToJson_EqualsOriginalBitForBit()
    {
        var original = Extract();
        var json = original.ToJson();

        var loaded = InteractionExtraction.FromJson(json);

        using (Assert.EnterMultipleScope())
        {
            AssertSame(loaded, original);
            Assert.That(loaded.ToJson(), Is.EqualTo(json));
        }
    }

    [Test]
    public void Load_FileWrittenBySave_EqualsOriginalAndLeavesNoTemporaryFile()
    {
        var directory = Directory.CreateTempSubdirectory("spindle-json-");
        try
        {
            var path = Path.Combine(directory.FullName, "extraction.json");
            var original = Extract();

            original.Save(path);
            var loaded = InteractionExtraction.Load(path);

            using (Assert.EnterMultipleScope())
            {
                AssertSame(loaded, original);
                Assert.That(directory.GetFiles().Select(f => f.Name).Single(), Is.EqualTo("extraction.json"));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void FromJson_CapStoppedExtraction_KeepsConvergedFalseAndTheGap()
    {
        var rng = new Random(9);
        var original = InteractionAnalyzer.Analyze([InteractionTestData.RandomOutputs(6, rng)], new InteractionAnalysisOptions { MaxIterations = 2 });

        var loaded = InteractionExtraction.FromJson(original.ToJson());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(original.Samples[0].Converged, Is.False);
            Assert.That(loaded.Samples[0].Converged, Is.False);
            Assert.That(loaded.Samples[0].RelativeGap, Is.EqualTo(original.Samples[0].RelativeGap));
            Assert.That(loaded.AllConverged, Is.False);
            Assert.That(JsonNode.Parse(original.ToJson())!["samples"]![0]!["converged"]!.GetValue<bool>(), Is.False);
        }
    }

    [Test]
    public void FromJson_FileWithoutConvergenceFields_ReadsThemAsUnknown()
    {
        // A file written before the fields existed: the same layout without 'converged' and 'relativeGap'.
        var node = JsonNode.Parse(Extract().ToJson())!;
        foreach (var sample in node["samples"]!.AsArray())
        {
            sample!.AsObject().Remove("converged");
            sample.AsObject().Remove("relativeGap");
        }

        var loaded = InteractionExtraction.FromJson(node.ToJsonString());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(loaded.Samples.Select(s => s.Converged), Has.All.Null);
            Assert.That(loaded.Samples.Select(s => s.RelativeGap), Has.All.Null);
            Assert.That(loaded.AllConverged, Is.Null);
            Assert.That(loaded.MaxRelativeGap, Is.Null);
        }
    }

    [Test]
    public void FromJson_ExtractionWithProvenance_ReadsEveryProvenanceField()
    {
        var provenance = new CheckProvenance
        {
            Model = "cnn",
            Run = "runs/demo",
            Checkpoint = "runs/demo/last.ckpt",
            Epoch = 12,
            Split = "train",
            SampleIndices = [0, 4, 9],
            Variables = "input patches of a 4x4 grid, n = 8",
            VariableSeed = 3,
            Masking = "input, baseline 0",
        };
        var original = Extract().WithProvenance(provenance);

        var loaded = InteractionExtraction.FromJson(original.ToJson());

        using (Assert.EnterMultipleScope())
        {
            AssertSame(loaded, original);
            Assert.That(loaded.Provenance, Is.Not.Null);
            Assert.That(loaded.Provenance!.SampleIndices, Is.EqualTo(provenance.SampleIndices).AsCollection);
            Assert.That(loaded.Provenance with { SampleIndices = provenance.SampleIndices }, Is.EqualTo(provenance));
            Assert.That(JsonNode.Parse(original.ToJson())!["provenance"]!["split"]!.GetValue<string>(), Is.EqualTo("train"));
        }
    }

    [Test]
    public void FromJson_FileWithoutProvenance_ReadsItAsNullAndWritesNone()
    {
        var json = Extract().ToJson();

        var loaded = InteractionExtraction.FromJson(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(loaded.Provenance, Is.Null);
            Assert.That(JsonNode.Parse(json)!.AsObject().ContainsKey("provenance"), Is.False);
        }
    }

    [Test]
    public void FromJson_VersionOneFileWithStoredPerOrderSums_ReadsAndRecomputesTheDistribution()
    {
        // Version 1 also stored per-order sums indexed 0..n; they are derived data and are ignored on reading.
        var original = Extract();
        var node = JsonNode.Parse(original.ToJson())!;
        node["version"] = 1;
        node["meanPositiveByOrder"] = new JsonArray(99.0, 99.0, 99.0);
        foreach (var sample in node["samples"]!.AsArray())
        {
            sample!["positiveByOrder"] = new JsonArray(99.0);
        }

        var loaded = InteractionExtraction.FromJson(node.ToJsonString());

        Assert.That(loaded.Distribution!.Positive, Is.EqualTo(original.Distribution!.Positive).AsCollection);
    }

    [Test]
    public void Save_FolderMissing_ThrowsNamingTheFolder()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"spindle-missing-{Guid.NewGuid():N}");

        var error = Assert.Throws<DirectoryNotFoundException>(() => Extract().Save(Path.Combine(missing, "x.json")));

        Assert.That(error!.Message, Does.Contain($"the folder {missing} does not exist"));
    }

    [Test]
    public void ToJson_Always_StartsWithFormatAndVersion()
    {
        var root = JsonNode.Parse(Extract().ToJson())!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.First().Key, Is.EqualTo("format"));
            Assert.That((string?)root["format"], Is.EqualTo(InteractionExtraction.FormatName));
            Assert.That((int?)root["version"], Is.EqualTo(InteractionExtraction.CurrentVersion));
            Assert.That((string?)root["solver"], Is.EqualTo("exact"));
        }
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("version", (JsonNode?)3, "Unsupported interaction extraction version 3").SetName("FromJson_UnknownVersion_Throws");
        yield return new TestCaseData("version", (JsonNode?)"one", "'version' field is missing or not an integer").SetName("FromJson_VersionNotInteger_Throws");
        yield return new TestCaseData("format", (JsonNode?)"other", "the 'format' field must be").SetName("FromJson_WrongFormat_Throws");
        yield return new TestCaseData("variableCount", (JsonNode?)5, "samples[0].values").SetName("FromJson_LengthsDisagreeWithVariableCount_Throws");
        yield return new TestCaseData("tau", (JsonNode?)"big", "Not a valid interaction extraction file").SetName("FromJson_WrongFieldType_Throws");
        yield return new TestCaseData("samples", null, "Not a valid interaction extraction file").SetName("FromJson_MissingSamples_Throws");
        yield return new TestCaseData("tau", (JsonNode?)(-1.0), "tau is -1; it must be finite and at least 0").SetName("FromJson_NegativeTau_Throws");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void FromJson_CorruptField_ThrowsClearError(string field, JsonNode? value, string message)
    {
        var root = JsonNode.Parse(Extract().ToJson())!.AsObject();
        if (value is null)
        {
            root.Remove(field);
        }
        else
        {
            root[field] = value;
        }

        Assert.That(() => InteractionExtraction.FromJson(root.ToJsonString()), Throws.TypeOf<InvalidDataException>().With.Message.Contains(message));
    }

    [Test]
    public void FromJson_TruncatedText_ThrowsInvalidData()
    {
        var json = Extract().ToJson();
        Assert.That(() => InteractionExtraction.FromJson(json[..(json.Length / 2)]), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith("Not a valid interaction extraction file"));
    }

    [Test]
    public void FromJson_SalientMaskOutOfRange_Throws()
    {
        var root = JsonNode.Parse(Extract().ToJson())!.AsObject();
        root["samples"]![0]!["salientAnd"] = new JsonArray(0);
        Assert.That(() => InteractionExtraction.FromJson(root.ToJsonString()), Throws.TypeOf<InvalidDataException>().With.Message.Contains("samples[0].salientAnd' holds mask 0"));
    }

    [Test]
    public void Load_CorruptFile_NamesThePath()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{\"format\":\"spindle.interactions\",\"version\":7}");
            Assert.That(() => InteractionExtraction.Load(path), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith(path).And.Message.Contains("version 7"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertSame(InteractionExtraction actual, InteractionExtraction expected)
    {
        // Exact equality throughout: the format must round-trip every double bit for bit.
        Assert.That(actual.VariableCount, Is.EqualTo(expected.VariableCount));
        Assert.That(actual.Solver, Is.EqualTo(expected.Solver));
        Assert.That(actual.NoiseThreshold, Is.EqualTo(expected.NoiseThreshold));
        Assert.That(actual.FirstOrderOrFolded, Is.EqualTo(expected.FirstOrderOrFolded));
        Assert.That(actual.Tau, Is.EqualTo(expected.Tau));
        Assert.That(actual.Normalization, Is.EqualTo(expected.Normalization));
        Assert.That(actual.Distribution?.Positive, Is.EqualTo(expected.Distribution?.Positive).AsCollection);
        Assert.That(actual.Distribution?.Negative, Is.EqualTo(expected.Distribution?.Negative).AsCollection);
        Assert.That(actual.Samples, Has.Count.EqualTo(expected.Samples.Count));
        for (var i = 0; i < expected.Samples.Count; i++)
        {
            var a = actual.Samples[i];
            var e = expected.Samples[i];
            Assert.That(a.Values, Is.EqualTo(e.Values).AsCollection);
            Assert.That(a.And, Is.EqualTo(e.And).AsCollection);
            Assert.That(a.Or, Is.EqualTo(e.Or).AsCollection);
            Assert.That(a.Gamma, Is.EqualTo(e.Gamma).AsCollection);
            Assert.That(a.Delta, Is.EqualTo(e.Delta).AsCollection);
            Assert.That(a.NoiseBound, Is.EqualTo(e.NoiseBound));
            Assert.That(a.Objective, Is.EqualTo(e.Objective));
            Assert.That(a.LowerBound, Is.EqualTo(e.LowerBound));
            Assert.That(a.RelativeGap, Is.EqualTo(e.RelativeGap));
            Assert.That(a.Converged, Is.EqualTo(e.Converged));
            Assert.That(a.Iterations, Is.EqualTo(e.Iterations));
            Assert.That(a.SalientAnd, Is.EqualTo(e.SalientAnd).AsCollection);
            Assert.That(a.SalientOr, Is.EqualTo(e.SalientOr).AsCollection);
        }
    }
}
