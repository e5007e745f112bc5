// Trains the pilot CNN on the embedded Fashion-MNIST subset with 10% label noise and, after every
// epoch, prints the spindle mass of its interactions on 12 training images next to the test loss.
// The spindle mass typically falls while the model learns and rises again as it memorises the
// flipped labels, without looking at the test set.
using Spindle.Examples;
using Spindle.Monitor.Masking;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

var epochs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 15;
var data = EmbeddedFashionMnist.Load(PixelNormalization.FashionMnist);
var noisy = LabelNoise.Apply(data.Train, fraction: 0.1, seed: 0).Data;

torch.random.manual_seed(0);
using var model = ModelFactory.Create("cnn", noisy.SampleShape, noisy.ClassCount);
using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = epochs, BatchSize = 64, Seed = 0 });

// Probe samples: the first 12 clean training images. Variables: 10 patches of the 8x8 grid over
// the feature map after the second ReLU, from its central 6x6, masked to zero (paper appendix K.2).
int[] probeIndices = [.. Enumerable.Range(0, 12)];
var (probes, labels) = data.Train.Batch(probeIndices);
var variables = new FeatureMapPatchVariables(PatchSelection.RandomCentral(10, seed: 0));
using var check = new SpindleCheck(probes, labels.data<long>().ToArray(), variables);
labels.Dispose();
trainer.Callbacks.Add(check);

Console.WriteLine("epoch train acc test loss test acc  spindle    decay     R²");
trainer.Fit(noisy, data.Test);
