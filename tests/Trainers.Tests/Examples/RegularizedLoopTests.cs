using Spindle.Examples;
using Spindle.Regularizer.Baselines;

namespace Spindle.Trainers.Tests.Examples;

internal sealed class RegularizedLoopTests
{
    [Test]
    public void Run_TwoEpochsOn100Images_TrainsSavesTheBaselineAndReusesIt()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-regularized-loop-").FullName;
        try
        {
            using var first = new StringWriter();
            var (accuracy, share) = RegularizedLoop.Run(2, 100, folder, first);
            var records = Directory.GetFiles(folder, "*.json");
            var weights = File.GetLastWriteTimeUtc(Directory.GetFiles(folder, "*.weights").Single());

            using var second = new StringWriter();
            var (again, _) = RegularizedLoop.Run(2, 100, folder, second);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(accuracy, Is.InRange(0.0, 1.0));
                Assert.That(share, Is.InRange(0.0, 1.0));
                Assert.That(first.ToString(), Does.Contain("epoch   2").And.Contain("generalizable share").And.Contain("test accuracy"));
                Assert.That(records, Has.Length.EqualTo(1));
                Assert.That(File.ReadAllText(records[0]), Does.Contain(BaselineRecord.FormatName).And.Contain("held-out"));

                // The second run found the saved baseline: same weights file, and the same training from the same seeds.
                Assert.That(File.GetLastWriteTimeUtc(Directory.GetFiles(folder, "*.weights").Single()), Is.EqualTo(weights));
                Assert.That(again, Is.EqualTo(accuracy));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
