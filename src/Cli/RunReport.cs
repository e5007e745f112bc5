using System.Globalization;
using Spectre.Console;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>The end-of-run table and summary lines.</summary>
internal static class RunReport
{
    public static void Write(TrainingResult result, double seconds, string runFolder)
    {
        var history = result.History;
        var table = new Table().Border(TableBorder.Rounded).Title("Training run");
        foreach (var header in new[] { "epoch", "train loss", "train acc", "test loss", "test acc", "macro acc", "seconds" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        var best = BestTestLossEpoch(history);
        foreach (var m in history)
        {
            var mark = m.Epoch == best ? " *" : string.Empty;
            table.AddRow(
                m.Epoch.ToString(CultureInfo.InvariantCulture) + mark,
                F(m.TrainLoss),
                F(m.TrainAccuracy),
                m.Test is null ? "-" : F(m.Test.Loss),
                m.Test is null ? "-" : F(m.Test.Accuracy),
                m.Test is null ? "-" : F(m.Test.MacroAccuracy),
                (m.TrainSeconds + m.EvalSeconds).ToString("F1", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        if (best is int b)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"* lowest test loss (epoch {b})."));
        }

        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"{result.Decision.Reason}: {result.Decision.Message} {seconds:F1} s in all. Run folder: {runFolder}")));
    }

    public static int? BestTestLossEpoch(IReadOnlyList<EpochMetrics> history)
    {
        var withTest = history.Where(m => m.Test is not null).ToList();
        return withTest.Count == 0 ? null : withTest.MinBy(m => m.Test!.Loss)!.Epoch;
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
