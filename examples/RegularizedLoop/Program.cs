// A plain TorchSharp training loop with Spindle's interaction term (paper appendix J) added in three lines,
// marked "Spindle:". Usage: RegularizedLoop [epochs] [training images] [baseline folder]
using System.Globalization;
using Spindle.Examples;

var epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var trainCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
var baselineFolder = args.Length > 2 ? args[2] : Path.Combine("runs", "baselines");
var (accuracy, share) = RegularizedLoop.Run(epochs, trainCount, baselineFolder, Console.Out);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {accuracy:P2}; generalizable share in the last epoch {share:P1}; baseline in {baselineFolder}"));
