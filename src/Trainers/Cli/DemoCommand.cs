using System.CommandLine;

namespace Spindle.Trainers.Cli;

/// <summary><c>spindle demo</c>: the main job, a CNN trained on the embedded Fashion-MNIST subset.</summary>
internal static class DemoCommand
{
    /// <summary>Creates the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var command = new Command("demo", "Train a CNN on the embedded Fashion-MNIST subset with 1% label noise, monitored by Spindle.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("spindle demo: not yet available (the trainer is not built yet).");
            return 2;
        });
        return command;
    }
}
