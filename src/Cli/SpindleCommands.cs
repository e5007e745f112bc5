using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace Spindle.Cli;

/// <summary>The sub-commands of the <c>spindle</c> executable, its root command and how it is invoked.</summary>
internal static class SpindleCommands
{
    /// <summary>Creates every sub-command, in the order <c>spindle --help</c> lists them.</summary>
    /// <returns>The sub-commands.</returns>
    public static IEnumerable<Command> All()
    {
        yield return DemoCommand.Create();
        yield return TrainCommand.Create();
        yield return DataCommand.Create();
        yield return Experiments.ExperimentCommand.Create();
        yield return ExtractCommand.Create();
        yield return DecomposeCommand.Create();
        yield return Report.ReportCommand.Create();
        yield return new Command("bench", "Measure Spindle's components on this machine.")
        {
            BenchMaskingCommand.Create(),
            BenchSolverCommand.Create(),
            BenchFitCommand.Create(),
            BenchTrainCommand.Create(),
            BenchMonitorCommand.Create(),
            BenchRegularizerCommand.Create(),
        };
    }

    /// <summary>Creates the root command with every sub-command.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Spindle: watch a TorchSharp model learn generalizable or non-generalizable interactions.");
        foreach (var command in All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>
    /// Parses and runs a command line. A parse error prints the error and a one-line hint to the command's
    /// <c>--help</c> (not the whole help) and returns 1. Ctrl-C and SIGTERM are left to the commands that can stop
    /// gracefully (<see cref="Interruption"/>); the others end at once, as any program does.
    /// </summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output (help); the console when null.</param>
    /// <param name="error">Standard error (parse errors); the console when null.</param>
    /// <returns>The exit code.</returns>
    public static int Invoke(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        // No command at all: show what there is, rather than an error.
        var parse = CreateRoot().Parse(args.Length == 0 ? ["--help"] : args);
        error ??= Console.Error;
        if (parse.Action is ParseErrorAction)
        {
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"spindle: {problem.Message}");
            }

            var names = new List<string>();
            for (SymbolResult? result = parse.CommandResult; result is CommandResult command && command.Command is not RootCommand; result = command.Parent)
            {
                names.Insert(0, command.Command.Name);
            }

            error.WriteLine($"Run '{string.Join(' ', ["spindle", .. names, "--help"])}' for the options.");
            return 1;
        }

        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null)
        {
            configuration.Output = output;
        }

        configuration.Error = error;
        return parse.Invoke(configuration);
    }

    /// <summary>The values of a space-separated list option, or <paramref name="fallback"/> when it is not given.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parse">The parse result.</param>
    /// <param name="option">The option.</param>
    /// <param name="fallback">The default, shown in the option's description.</param>
    /// <returns>The values.</returns>
    public static T[] GetList<T>(ParseResult parse, Option<T[]> option, T[] fallback)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetResult(option) is null ? fallback : parse.GetValue(option) ?? fallback;
    }

    /// <summary>Appends the default as System.CommandLine writes it (<c>[default: X]</c>), for defaults that are not a single value.</summary>
    /// <param name="description">The option's description.</param>
    /// <param name="shown">The default, in words.</param>
    /// <returns>The description with its default.</returns>
    public static string WithDefault(string description, string shown) => $"{description} [default: {shown}]";
}
