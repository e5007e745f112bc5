using Spindle.Examples;
using Spindle.Monitor.Checks;
using Spindle.Monitor.Monitoring;

namespace Spindle.Trainers.Tests.Examples;

internal sealed class ExistingLoopTests
{
    [Test]
    public void Run_TwoEpochsOn300Images_PrintsACheckPerEpochAndLogsThem()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-existing-loop-").FullName;
        try
        {
            using var output = new StringWriter();
            var (epochs, logPath, _) = ExistingLoop.Run(2, 300, folder, output);
            var log = InteractionMonitor.ReadLog(logPath);
            var check = CheckResult.FromJson(log[^1]["check"]!.ToJsonString());
            using (Assert.EnterMultipleScope())
            {
                Assert.That(epochs, Is.EqualTo(2));
                Assert.That(logPath, Is.EqualTo(Path.Combine(folder, InteractionMonitor.LogFileName)));
                Assert.That(log, Has.Count.EqualTo(2));
                Assert.That(check.SampleCount, Is.EqualTo(12));
                Assert.That(check.VariableCount, Is.EqualTo(8));
                Assert.That(output.ToString(), Does.Contain("epoch   2").And.Contain("rule:"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
