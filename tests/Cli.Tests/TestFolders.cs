namespace Spindle.Cli.Tests;

/// <summary>Per-test temporary folders under NUnit's work directory (as Spindle.Trainers.Tests' TrainerTests.TempDirectory).</summary>
internal static class TestFolders
{
    /// <summary>A fresh folder named after the running test.</summary>
    public static string Create()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "tmp", TestContext.CurrentContext.Test.Name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
