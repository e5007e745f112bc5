using System.Diagnostics;

namespace Spindle.Cli.Tests;

/// <summary>The build output shares LibTorch with the NuGet cache instead of copying 1 GB into every project.</summary>
public class BuildOutputTests
{
    [TestCase("libtorch_cpu.so")]
    [TestCase("libc10.so")]
    public void OutputFolder_LibTorchLibrary_IsAHardLinkToTheNuGetCache(string library)
    {
        var inOutput = Path.Combine(TestContext.CurrentContext.TestDirectory, "runtimes", "linux-x64", "native", library);
        if (!OperatingSystem.IsLinux() || !File.Exists(inOutput))
        {
            Assert.Ignore($"no {library} in this output folder (not a Linux CPU build)");
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var inCache = Directory.EnumerateFiles(Path.Combine(packages, "libtorch-cpu-linux-x64"), library, SearchOption.AllDirectories).FirstOrDefault();
        Assert.That(inCache, Is.Not.Null, $"{library} is not in the NuGet cache {packages}");
        var (outputDevice, outputInode, links) = Stat(inOutput);
        var (cacheDevice, cacheInode, _) = Stat(inCache!);
        if (outputDevice != cacheDevice)
        {
            Assert.Ignore("the NuGet cache is on another file system, where hard links are impossible and the build copies");
        }

        using (Assert.EnterMultipleScope())
        {
            // One file, not a copy: CreateHardLinksForCopyLocalIfPossible in Directory.Build.props.
            Assert.That(outputInode, Is.EqualTo(cacheInode));
            Assert.That(links, Is.GreaterThanOrEqualTo(2));
        }
    }

    private static (string Device, string Inode, int Links) Stat(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["--format=%d %i %h", path]) { RedirectStandardOutput = true })!;
        var fields = stat.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        stat.WaitForExit();
        return (fields[0], fields[1], int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
