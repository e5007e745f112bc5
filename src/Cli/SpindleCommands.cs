using System.CommandLine;

namespace Spindle.Cli;

/// <summary>The sub-commands of the <c>spindle</c> executable.</summary>
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
        yield return new Command("bench", "Measure Spindle's components on this machine.")
        {
            BenchMaskingCommand.Create(),
            BenchSolverCommand.Create(),
            BenchFitCommand.Create(),
            BenchTrainCommand.Create(),
            BenchRegularizerCommand.Create(),
        };
    }
}
