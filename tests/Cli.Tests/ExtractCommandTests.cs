using System.Text.Json;
using Spindle.Monitor.Interactions;

namespace Spindle.Cli.Tests;

public class ExtractCommandTests
{
    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "spindle-extract-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void ReadOutputsThenRun_PlantedAndInteraction_JsonHasThePlantedValue()
    {
        // v(x_T) = 1 + 2·[{0,1} ⊆ T] over n = 3: one AND interaction of order 2, the unique sparsest explanation.
        var values = Enumerable.Range(0, 8).Select(t => 1.0 + ((t & 3) == 3 ? 2.0 : 0.0)).ToArray();
        var file = Path.Combine(_directory, "outputs.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { n = 3, values }));
        var saved = Path.Combine(_directory, "extraction.json");
        using var output = new StringWriter();

        var samples = ExtractCommand.ReadOutputs(file);
        // No noise term: with the default qthres the bounded δ would rightly absorb 0.04 of the interaction.
        var options = new InteractionAnalysisOptions { NoiseThreshold = 0 };
        var code = ExtractCommand.Run(samples, options, top: 5, json: true, saved, output);

        using var report = JsonDocument.Parse(output.ToString());
        var sample = report.RootElement.GetProperty("samples")[0];
        var and = sample.GetProperty("and").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var or = sample.GetProperty("or").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(samples, Has.Count.EqualTo(1));

            // Noise-free and exactly sparse: the exact solver's support refit makes it exact up to float64 rounding.
            Assert.That(and[3], Is.EqualTo(2.0).Within(1e-8));
            Assert.That(and[0], Is.EqualTo(1.0).Within(1e-8));
            Assert.That(and.Where((_, s) => s is not 0 and not 3).Select(Math.Abs).Max(), Is.LessThan(1e-8));
            Assert.That(or.Select(Math.Abs).Max(), Is.LessThan(1e-8));
            Assert.That(sample.GetProperty("objective").GetDouble(), Is.EqualTo(2.0).Within(1e-8));
            Assert.That(InteractionExtraction.Load(saved).Samples[0].And[3], Is.EqualTo(and[3]));
        }
    }

    [TestCase("{\"n\": 2, \"values\": [1, 2, 3]}", "sample 0 has 3")]
    [TestCase("{\"values\": [1, 2, 3]}", "not a power of two")]
    [TestCase("{\"values\": [1, \"x\"]}", "is not a number")]
    [TestCase("{\"n\": 1}", "\"values\" must be a non-empty array")]
    [TestCase("{\"n\": 2.5, \"values\": [1, 2, 3, 4]}", "\"n\" must be a whole number")]
    [TestCase("{\"n\": \"2\", \"values\": [1, 2, 3, 4]}", "\"n\" must be a whole number")]
    [TestCase("{\"values\": [1, 2", "bad.json: not valid JSON")]
    [TestCase("{\"n\": 0, \"values\": [1]}", "\"n\" is 0; the variable count must be at least 1")]
    [TestCase("{\"n\": -1, \"values\": [1]}", "\"n\" is -1; the variable count must be at least 1")]
    [TestCase("{\"values\": [[1], [2]]}", "\"values\" holds one output per sample, which is n = 0 variables")]
    public void Execute_BadOutputsFile_ExitsWithOneAndNamesTheProblem(string json, string expected)
    {
        var file = Path.Combine(_directory, "bad.json");
        File.WriteAllText(file, json);
        var saved = Path.Combine(_directory, "never.json");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", file, "--output", saved]).Invoke();
        }
        finally
        {
            Console.SetError(previous);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain(expected));
            Assert.That(File.Exists(saved), Is.False);
        }
    }

    [TestCase("{\"n\": 2, \"values\": [1, NaN, 3, 4]}", "Sample 0, mask 1 ({0}): the output is NaN")]
    [TestCase("{\"n\": 2, \"values\": [[1, 2, 3, 4], [1, 2, Infinity, 4]]}", "Sample 1, mask 2 ({1}): the output is ")]
    [TestCase("{\"values\": [[1, 2, 3, 4], [1, 2, 3, -Infinity]]}", "Sample 1, mask 3 ({0, 1}): the output is ")]
    [TestCase("{\"n\": 2, \"values\": [1, 2, \"NaN\", 4]}", "Sample 0, mask 2 ({1}): the output is NaN")]
    public void Execute_NamedFloatLiteralInOutputs_NamesTheSampleAndMask(string json, string expected)
    {
        // Python's json.dump writes NaN, Infinity and -Infinity bare; .NET's named-literal handling quotes them.
        var file = Path.Combine(_directory, "nan.json");
        File.WriteAllText(file, json);
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", file]).Invoke();
        }
        finally
        {
            Console.SetError(previous);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("nan.json: " + expected));
            Assert.That(error.ToString(), Does.Not.Contain("not valid JSON").And.Not.Contain("Parameter"));
        }
    }

    [Test]
    public void Execute_JsonWithOut_PrintsTheSavedDocumentWhichDecomposeReads()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 16).Select(_ => rng.NextDouble()).ToArray()).ToArray();
        var file = Path.Combine(_directory, "outputs.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new { n = 4, values }));
        var saved = Path.Combine(_directory, "saved.json");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", file, "--json", "--output", saved]).Invoke();
        }
        finally
        {
            Console.SetOut(previous);
        }

        // What a shell does with `spindle extract --json > piped.json`.
        var piped = Path.Combine(_directory, "piped.json");
        File.WriteAllText(piped, output.ToString());
        using var decomposeOutput = new StringWriter();
        using var decomposeError = new StringWriter();
        var decomposeCode = DecomposeCommand.Run(new DecomposeSettings([piped], Json: true, Png: null, NoPng: true, Pool: false, Tau: null, [], MinDelta: null, FixedDelta: null, Bootstrap: 0), decomposeOutput, decomposeError);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(output.ToString().TrimEnd(), Is.EqualTo(File.ReadAllText(saved)));
            Assert.That(InteractionExtraction.Load(piped).Samples, Has.Count.EqualTo(3));
            Assert.That(decomposeCode, Is.Zero, decomposeError.ToString());
        }
    }

    [Test]
    public void Execute_OutInAMissingFolder_NamesTheFolderNotATemporaryFile()
    {
        var file = Path.Combine(_directory, "ok.json");
        File.WriteAllText(file, "{\"values\": [1, 2, 3, 4]}");
        var missing = Path.Combine(_directory, "missing");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", file, "--output", Path.Combine(missing, "x.json")]).Invoke();
        }
        finally
        {
            Console.SetError(previous);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain($"the folder {missing} does not exist"));
            Assert.That(error.ToString(), Does.Not.Contain(".tmp"));
        }
    }

    [Test]
    public void Execute_OutputsWithARunOption_SaysTheOptionDoesNotApply()
    {
        var file = Path.Combine(_directory, "ok.json");
        File.WriteAllText(file, "{\"values\": [1, 2, 3, 4]}");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", file, "--variables", "2", "--samples", "0", "1"]).Invoke();
        }
        finally
        {
            Console.SetError(previous);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("--samples, --variables only apply with --run"));
        }
    }

    [Test]
    public void Execute_BothSources_AsksForExactlyOne()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = ExtractCommand.Create().Parse(["--outputs", "a.json", "--run", _directory]).Invoke();
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("exactly one source"));
    }
}
