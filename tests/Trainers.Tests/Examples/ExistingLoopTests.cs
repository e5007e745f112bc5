using Spindle.Examples;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Monitoring;

namespace Spindle.Trainers.Tests.Examples;

internal sealed class ExistingLoopTests
{
    [Test]
    public void Run_TwoEpochsOn300Images_LogsEveryCheckTheBudgetAllowed()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-existing-loop-").FullName;
        try
        {
            using var output = new StringWriter();
            var (epochs, logPath, _, skipped) = ExistingLoop.Run(2, 300, folder, output);
            var log = InteractionMonitor.ReadLog(logPath);
            var check = CheckResult.FromJson(log[^1]["check"]!.ToJsonString());
            using (Assert.EnterMultipleScope())
            {
                Assert.That(epochs, Is.EqualTo(2));
                Assert.That(logPath, Is.EqualTo(Path.Combine(folder, InteractionMonitor.LogFileName)));
                // The first check always runs; on 300 images a check costs far more than 10% of an epoch, so the
                // default budget may skip the second: every check that ran is logged, one line each.
                Assert.That(log, Has.Count.EqualTo(2 - skipped));
                Assert.That(log[0]["epoch"]!.GetValue<int>(), Is.EqualTo(1));
                Assert.That(check.SampleCount, Is.EqualTo(12));
                Assert.That(check.VariableCount, Is.EqualTo(8));
                Assert.That(output.ToString(), Does.Contain("epoch   2").And.Contain("rule:").And.Contain($"{skipped} skipped by the budget"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
