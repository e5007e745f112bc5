using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Spindle.Trainers.Tests.Packaging;

/// <summary>
/// The packed libraries work in a project outside this repository: the packages of this build, a
/// console project in a temporary folder that references Spindle.Trainers (and so Spindle.Monitor
/// transitively), restored from a local folder plus the configured feeds, built and run. On a
/// system whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04) the program's first torch
/// call fails unless Spindle.Monitor's buildTransitive targets patch libLibTorchSharp.so in the
/// consumer's own output folder; elsewhere this checks the packaging only.
/// </summary>
/// <remarks>
/// The libraries live in this test project's repository, so the test packs them with
/// <c>--no-build</c> from the build the test runs in (Trainers.Tests references all three). Each run
/// packs a unique prerelease version, so the global packages folder never serves a stale copy, and
/// removes that version from it afterwards.
/// </remarks>
[Category("Packaging")]
public class PackagedConsumerTests
{
    private static readonly string[] PackedProjects = ["src/Monitor/Monitor.csproj", "src/Regularizer/Regularizer.csproj", "src/Trainers/Trainers.csproj"];
    private static readonly string[] PackageIds = ["spindle.monitor", "spindle.regularizer", "spindle.trainers"];

    private const string ConsumerProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <!-- Links instead of ~1 GB of LibTorch copies; the patch replaces the linked file, never the cached one. -->
            <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Spindle.Trainers" Version="$VERSION$" />
          </ItemGroup>
        </Project>
        """;

    private const string ConsumerProgram = """
        using Spindle.Monitor;
        using Spindle.Monitor.Masking;
        using Spindle.Trainers.Models;
        using TorchSharp;
        using static TorchSharp.torch;

        // A forward pass with hand-set weights: each output is a 2x2 window of 0..8 dotted with [1, 2, 3, 4].
        using (var conv = nn.Conv2d(1, 1, 2, bias: false))
        {
            using (torch.no_grad())
            {
                conv.weight!.copy_(torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2));
            }

            using var input = torch.arange(9, dtype: ScalarType.Float32).reshape(1, 1, 3, 3);
            using var output = conv.call(input);
            Console.WriteLine("conv " + string.Join(' ', output.data<float>().ToArray()));
        }

        // The AND-OR interactions of a Spindle.Trainers CNN on two images, n = 4 input patches.
        torch.manual_seed(1);
        using var model = new SmallCnn();
        using var images = torch.rand(2, 1, 28, 28);
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(4, seed: 0, margin: 0));
        var extraction = new InteractionExtractor().Extract(model, variables, images, [3, 7]);

        // Universal matching: v(x_T) - delta_T = v(x_empty) - delta_empty + AND over non-empty S in T + OR over S meeting T.
        var n = extraction.VariableCount;
        var worst = 0.0;
        foreach (var sample in extraction.Samples)
        {
            for (var t = 0; t < 1 << n; t++)
            {
                var sum = sample.Values[0] - sample.Delta[0];
                for (var s = 1; s < 1 << n; s++)
                {
                    sum += ((s & ~t) == 0 ? sample.And[s] : 0) + ((s & t) != 0 ? sample.Or[s] : 0);
                }

                worst = Math.Max(worst, Math.Abs(sum - (sample.Values[t] - sample.Delta[t])));
            }
        }

        Console.WriteLine(FormattableString.Invariant($"extraction samples {extraction.Samples.Count} variables {n} matching-error {worst:E3}"));

        // The check users run during training: extraction, fit, Z-normalised summary and a bootstrap.
        using var check = new Spindle.Monitor.Checks.InteractionCheck(variables, images, [3, 7], new Spindle.Monitor.Checks.InteractionCheckOptions { BootstrapReplicates = 20 });
        var result = check.Run(model, epoch: 1);
        Console.WriteLine(FormattableString.Invariant($"check samples {result.SampleCount} epoch {result.Provenance.Epoch} replicates {result.Uncertainty!.Replicates} z-positive {result.Z > 0}"));
        """;

    [Test]
    public void ConsumerProject_ReferencesPackedTrainers_BuildsAndRunsTorchAndExtraction()
    {
        var root = FindRepositoryRoot();
        var configuration = typeof(PackagedConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var work = Path.Combine(Path.GetTempPath(), "spindle-consumer-" + Guid.NewGuid().ToString("N")[..12]);
        var feed = Path.Combine(work, "feed");
        var app = Path.Combine(work, "app");
        var suffix = "consumer" + Guid.NewGuid().ToString("N")[..8];
        string? packageFolder = null;
        string? version = null;
        try
        {
            Directory.CreateDirectory(app);

            // This build's libraries, packed as one prerelease version.
            foreach (var project in PackedProjects)
            {
                Run(root, 120, "pack", Path.Combine(root, project), "-c", configuration, "--no-build", "-o", feed,
                    "-p:VersionSuffix=" + suffix, "-p:NuspecOutputPath=" + Path.Combine(work, "nuspec") + "/");
            }

            var trainersPackage = Directory.GetFiles(feed, "Spindle.Trainers.*.nupkg").Single();
            version = Path.GetFileNameWithoutExtension(trainersPackage)["Spindle.Trainers.".Length..];
            Assert.That(version, Does.EndWith("-" + suffix));

            // Stop MSBuild and NuGet from walking up into anything above the temporary folder.
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.WriteAllText(Path.Combine(work, name), "<Project />\n");
            }

            // The local folder first, the configured feeds (user and machine nuget.config) after it.
            File.WriteAllText(Path.Combine(work, "nuget.config"), """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="spindle-local" value="feed" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "SpindleConsumer.csproj"), ConsumerProject.Replace("$VERSION$", version, StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);

            var build = Run(app, 300, "build", "-c", "Release");
            packageFolder = ReadPackageFolder(Path.Combine(app, "obj", "project.assets.json"));
            Assert.That(build, Does.Contain("Build succeeded"));

            var output = Run(app, 120, Path.Combine(app, "bin", "Release", "net10.0", "SpindleConsumer.dll"));

            var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var extractionLine = lines.Single(l => l.StartsWith("extraction ", StringComparison.Ordinal));
            var error = double.Parse(extractionLine[(extractionLine.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            using (Assert.EnterMultipleScope())
            {
                // Exact in float32: [0 1 3 4]·[1 2 3 4] = 27, and so on.
                Assert.That(lines, Does.Contain("conv 27 37 57 67"));
                Assert.That(extractionLine, Does.StartWith("extraction samples 2 variables 4 "));
                Assert.That(lines, Does.Contain("check samples 2 epoch 1 replicates 20 z-positive True"));

                // The interactions reproduce all 2^4 masked outputs of both samples; 1e-9 absorbs float64 rounding.
                Assert.That(error, Is.LessThan(1e-9));
            }
        }
        finally
        {
            TryDelete(work);
            if (packageFolder is not null && version is not null)
            {
                foreach (var id in PackageIds)
                {
                    TryDelete(Path.Combine(packageFolder, id, version.ToLowerInvariant()));
                    var idFolder = Path.Combine(packageFolder, id);
                    if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
                    {
                        TryDelete(idFolder);
                    }
                }
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Monitor.sln")) && File.Exists(Path.Combine(directory.FullName, "build", "Spindle.Monitor.targets")))
            {
                return directory.FullName;
            }
        }

        Assert.Fail("Not run from a Spindle checkout: no Monitor.sln above " + TestContext.CurrentContext.TestDirectory);
        return "";
    }

    private static string ReadPackageFolder(string assetsPath)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsPath));
        return assets.RootElement.GetProperty("packageFolders").EnumerateObject().First().Name;
    }

    /// <summary>Runs dotnet with the arguments in a directory; fails the test on a non-zero exit or after the timeout.</summary>
    private static string Run(string directory, int timeoutSeconds, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (arguments[0] is "build" or "pack")
        {
            // No MSBuild nodes or compiler server that outlive the command (and hold its output open).
            start.ArgumentList.Add("--disable-build-servers");
            start.ArgumentList.Add("-nologo");
        }

        // The test host runs under dotnet test's MSBuild: its MSBuild variables must not leak into a separate build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        using var outputClosed = new ManualResetEventSlim();
        using var errorClosed = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => Append(e.Data, errorClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} ran past {timeoutSeconds} s:\n{Text()}");
        }

        outputClosed.Wait(TimeSpan.FromSeconds(10));
        errorClosed.Wait(TimeSpan.FromSeconds(10));
        Assert.That(process.ExitCode, Is.Zero, () => $"dotnet {string.Join(' ', arguments)} failed:\n{Text()}");
        return Text();

        void Append(string? line, ManualResetEventSlim closed)
        {
            if (line is null)
            {
                closed.Set();
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; the test result stands.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
