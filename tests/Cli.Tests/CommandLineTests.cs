using System.CommandLine;
using System.CommandLine.Help;

namespace Spindle.Cli.Tests;

/// <summary>The command line as a whole: one vocabulary, every option documented with its default, short parse errors.</summary>
public class CommandLineTests
{
    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var nested in Commands(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}"))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<(string Path, Option Option)> Options() =>
        Commands(SpindleCommands.CreateRoot(), string.Empty)
            .SelectMany(c => c.Command.Options.Where(o => o is not HelpOption and not VersionOption).Select(o => (c.Path, o)));

    [Test]
    public void Help_EveryOptionOfEveryCommand_HasADescriptionAndShowsItsDefault()
    {
        var root = SpindleCommands.CreateRoot();
        var help = root.Options.OfType<HelpOption>().Single();
        ((HelpAction)help.Action!).MaxWidth = 100_000;
        var problems = new List<string>();
        var checkedOptions = 0;
        foreach (var (path, command) in Commands(root, string.Empty).Where(c => c.Path.Length > 0))
        {
            var output = new StringWriter();
            var code = root.Parse([.. path.Split(' '), "--help"]).Invoke(new InvocationConfiguration { Output = output });
            Assert.That(code, Is.Zero, path);
            var rows = output.ToString().Split('\n');
            foreach (var option in command.Options.Where(o => o is not HelpOption and not VersionOption))
            {
                checkedOptions++;
                var row = rows.FirstOrDefault(r => r.TrimStart().StartsWith(option.Name + " ", StringComparison.Ordinal) || r.TrimStart().StartsWith(option.Name + ",", StringComparison.Ordinal) || r.Contains(", " + option.Name + " ", StringComparison.Ordinal));
                if (string.IsNullOrWhiteSpace(option.Description))
                {
                    problems.Add($"spindle {path} {option.Name}: no description");
                }

                if (row is null)
                {
                    problems.Add($"spindle {path} {option.Name}: not in --help");
                }
                else if (!row.Contains("[default: ", StringComparison.Ordinal))
                {
                    problems.Add($"spindle {path} {option.Name}: --help shows no default: {row.Trim()}");
                }
            }
        }

        using (Assert.EnterMultipleScope())
        {
            // Every command of the tree was walked: train alone has more than 25 options.
            Assert.That(checkedOptions, Is.GreaterThan(80));
            Assert.That(problems, Is.Empty);
        }
    }

    [Test]
    public void Options_OfEveryCommand_FollowTheVocabulary()
    {
        var problems = new List<string>();
        foreach (var (path, option) in Options())
        {
            var isList = option.ValueType.IsArray;
            if (option.Name is "--out")
            {
                problems.Add($"spindle {path} --out: write with --output");
            }

            if (option.Name is "--samples" && option.ValueType != typeof(int[]))
            {
                problems.Add($"spindle {path} --samples is a count; --samples lists sample indices, a count is --sample-count");
            }

            if (option.Name.EndsWith("-count", StringComparison.Ordinal) && isList)
            {
                problems.Add($"spindle {path} {option.Name} is a list");
            }

            if (isList && !option.AllowMultipleArgumentsPerToken)
            {
                problems.Add($"spindle {path} {option.Name}: a list that is not space-separated");
            }

            if (option.ValueType == typeof(string) && option.Description!.Contains("comma-separated", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"spindle {path} {option.Name}: a comma-separated list in a string");
            }

            if (option.Name is "--resume" && option.ValueType != typeof(bool))
            {
                problems.Add($"spindle {path} --resume takes a folder; the run folder is --run DIR");
            }

            if (!string.Equals(option.Name, option.Name.ToLowerInvariant(), StringComparison.Ordinal))
            {
                problems.Add($"spindle {path} {option.Name}: not lower-case kebab-case");
            }
        }

        Assert.That(problems, Is.Empty);
    }

    [TestCase(new[] { "train", "--epochz", "3" }, "spindle train --help")]
    [TestCase(new[] { "extract", "--samples", "x" }, "spindle extract --help")]
    [TestCase(new[] { "bench", "fit", "--sample-count" }, "spindle bench fit --help")]
    [TestCase(new[] { "trian" }, "spindle --help")]
    public void Invoke_ParseError_PrintsTheErrorAndAOneLineHintNotTheHelp(string[] arguments, string hint)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = SpindleCommands.Invoke(arguments, output, error);

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(lines[^1], Is.EqualTo($"Run '{hint}' for the options."));
            Assert.That(lines[..^1], Is.Not.Empty.And.All.StartWith("spindle: "));
            Assert.That(output.ToString() + error.ToString(), Does.Not.Contain("Usage:").And.Not.Contain("Options:"));
        }
    }

    [TestCase(new[] { "extract", "--outputs", "x.json", "--qthres", "2" }, "--qthres must be in [0, 1], got 2", "NoiseThreshold")]
    [TestCase(new[] { "extract", "--outputs", "x.json", "--iterations", "0" }, "--iterations must be at least 1, got 0", "MaxIterations")]
    [TestCase(new[] { "decompose", "x.json", "--delta", "-1" }, "--delta must be finite and > 0", "MinDelta")]
    [TestCase(new[] { "decompose", "x.json", "--min-delta", "0" }, "--min-delta must be finite and > 0", "MinDelta")]
    [TestCase(new[] { "bench", "fit", "--sample-count", "0" }, "--sample-count >= 1", "samples =")]
    [TestCase(new[] { "bench", "solver", "--variables", "40" }, "every n in --variables must be in 1..16", "counts")]
    [TestCase(new[] { "train", "--resume" }, "--resume continues an existing run; name its folder with --run DIR", "Resume")]
    [TestCase(new[] { "train", "--run", "runs/x" }, "--run runs/x names an existing run; add --resume", "Resume")]
    [TestCase(new[] { "data", "info", "--dataset", "FashionMnist" }, "--dataset FashionMnist is unknown; choose one of fashion-mnist, mnist, cifar10.", "FashionMnistSubset")]
    public void Invoke_BadValue_NamesTheOptionAsTyped(string[] arguments, string expected, string internalName)
    {
        var (code, _, error) = InvokeCaptured(arguments);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain(expected));
            Assert.That(error, Does.Not.Contain(internalName + " ").And.Not.Contain(internalName + ":").And.Not.Contain("   at "));
        }
    }

    [TestCase("fashion-mnist")]
    [TestCase("Fashion-MNIST")]
    public void DataInfo_KebabCaseInAnyLetterCase_LoadsTheEmbeddedSubset(string name)
    {
        var (code, output, _) = InvokeCaptured(["data", "info", "--dataset", name]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(output, Does.Contain("4000 samples"));
        }
    }

    /// <summary>Runs the command line with the console captured (commands write to Console.Out and Console.Error).</summary>
    internal static (int Code, string Output, string Error) InvokeCaptured(string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = SpindleCommands.Invoke(arguments, output, error);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
