using System.CommandLine;
using Spindle.Cli;

var root = new RootCommand("Spindle: watch a TorchSharp model learn generalizable or non-generalizable interactions.");
foreach (var command in SpindleCommands.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
