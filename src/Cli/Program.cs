using Spindle.Cli;

return SpindleCommands.Invoke(args);
