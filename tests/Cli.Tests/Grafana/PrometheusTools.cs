using System.Diagnostics;

namespace Spindle.Cli.Tests.Grafana;

/// <summary>Finds Prometheus and promtool (Debian package <c>prometheus</c>) and runs promtool.</summary>
internal static class PrometheusTools
{
    public static string? Prometheus { get; } = Find("prometheus");

    public static string? Promtool { get; } = Find("promtool");

    /// <summary>Skips the calling test, saying why, when a tool is missing.</summary>
    public static string Require(string? path, string name) => path ?? throw new IgnoreException(
        $"{name} is not installed, so the Grafana/Prometheus checks cannot run: install the Debian package 'prometheus' "
        + "(apt-get install prometheus; .ci/run does it when it runs as root).");

    /// <summary>Runs promtool with the arguments in <paramref name="workingDirectory"/> and returns its exit code and output.</summary>
    public static (int Code, string Output) RunPromtool(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Require(Promtool, "promtool"))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"promtool {string.Join(' ', arguments)} ran over a minute.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin"))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
