// A plain TorchSharp training loop (no Spindle trainer) with Spindle's interaction monitor added in five statements,
// marked "Spindle:". Usage: ExistingLoop [epochs] [training images] [run folder]
using System.Globalization;
using Spindle.Examples;

var epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var trainCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
var runFolder = args.Length > 2 ? args[2] : Path.Combine("runs", "existing-loop-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
var result = ExistingLoop.Run(epochs, trainCount, runFolder, Console.Out);
Console.WriteLine($"{result.Epochs} epochs; monitor log: {result.LogPath}; {result.StopMessage}");
