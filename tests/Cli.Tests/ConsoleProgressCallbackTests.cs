using System.Text.RegularExpressions;
using Spectre.Console;
using Spindle.Trainers.Data;
using Spindle.Trainers.Models;
using Spindle.Trainers.Training;
using TorchSharp;

namespace Spindle.Cli.Tests;

public partial class ConsoleProgressCallbackTests
{
    private const string Note = "spindle 0.123 [0.100, 0.200]  decay 1.234  cancel 0.456  rule: spindle median 0.120, 0/3 past 0.300, best  (1.2 s)";

    [Test]
    public void Progress_At80Columns_WritesEachFinishedEpochAsOneLine()
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = 80;
        console.Profile.Height = 24;

        var data = EmbeddedFashionMnist.Load(ImageDatasets.StandardNormalization(ImageDataset.FashionMnistSubset));
        var train = DataSubsets.Balanced(data.Train, 10, seed: 0);
        var test = DataSubsets.Balanced(data.Test, 10, seed: 0);
        torch.random.manual_seed(0);
        using var model = ModelFactory.Create("mlp", train.SampleShape, train.ClassCount);
        using var optimizer = torch.optim.Adam(model.parameters(), 1e-3);
        var trainer = new Trainer(model, optimizer, new TrainerOptions { Epochs = 3, BatchSize = 10 });
        ConsoleProgressCallbackTests.Run(console, trainer, train, test);

        // What the terminal shows: escape sequences (cursor movements of the live display) dropped, and each line
        // reduced to what follows its last carriage return, which overwrites what came before it.
        var lines = Escapes().Replace(text.ToString(), string.Empty).Split('\n').Select(l => l.TrimEnd('\r')).Select(l => l[(l.LastIndexOf('\r') + 1)..]).ToList();
        var rows = lines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal) && l.Contains("test loss", StringComparison.Ordinal)).ToList();
        using (Assert.EnterMultipleScope())
        {
            // One whole line per finished epoch (epoch number, train and test metrics, seconds), none wider than the terminal.
            Assert.That(rows, Has.Count.EqualTo(3));
            Assert.That(rows, Has.All.Match(@"^epoch +\d+/3  train loss \d\.\d{4} acc \d\.\d{4}  test loss \d\.\d{4} acc \d\.\d{4}  \d+\.\ds$"));
            Assert.That(lines, Has.All.Length.LessThanOrEqualTo(80));

            // The monitor's note, longer than the terminal, wraps into two lines under its row, not more.
            var notes = lines.Select((l, i) => (Line: l, Index: i)).Where(x => x.Line.StartsWith("  spindle 0.123", StringComparison.Ordinal)).ToList();
            Assert.That(notes, Has.Count.EqualTo(3));
            Assert.That(notes.Select(n => lines[n.Index + 1]), Has.All.EqualTo("0.120, 0/3 past 0.300, best  (1.2 s)"));
        }
    }

    private static void Run(IAnsiConsole console, Trainer trainer, LabeledData<float> train, LabeledData<float> test) =>
        ConsoleProgressCallback.CreateProgress(console).Start(progress =>
        {
            var callback = new ConsoleProgressCallback(progress, console, TextWriter.Null);
            trainer.Callbacks.Add(callback);
            trainer.Callbacks.Add(new NoteCallback(callback));
            trainer.Fit(train, test);
        });

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Escapes();

    private sealed class NoteCallback(ConsoleProgressCallback console) : TrainingCallback
    {
        public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => console.WriteNote(Note);
    }
}
