// Records per-epoch AND-OR interaction series of a training run, so decomposition fits can be
// compared offline without retraining. See README.md in this folder.
using Spindle.Tools.SignalSeries;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(SeriesSettings.Usage);
    return args.Length == 0 ? 2 : 0;
}

SeriesSettings settings;
try
{
    settings = SeriesSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SeriesSettings.Usage);
    return 2;
}

return SeriesRun.Execute(settings);
