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

// Probe samples: the first 12 training images, with their true labels. Variables: 8 of the 16
// 7x7 input patches (a 4x4 grid), masked to zero (the dataset mean after standardisation). On this CNN, input patches give a
// spindle mass that rises with the generalization gap; patches of the feature map after the
// second ReLU do not (docs/decomposition.md, "Masking").
int[] probeIndices = [.. Enumerable.Range(0, 12)];
var (probes, labels) = data.Train.Batch(probeIndices);
var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(8, seed: 0, margin: 0));
using var check = new SpindleCheck(probes, labels.data<long>().ToArray(), variables);
labels.Dispose();
trainer.Callbacks.Add(check);

Console.WriteLine("epoch train acc test loss test acc  spindle [90% interval]  decay  cancel     R²");
trainer.Fit(noisy, data.Test);
