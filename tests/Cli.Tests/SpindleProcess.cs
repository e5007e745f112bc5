using System.Diagnostics;
using System.Text;

namespace Spindle.Cli.Tests;

/// <summary>A <c>spindle</c> command run as a child process (<c>dotnet spindle.dll ...</c>), for tests that signal or kill it.</summary>
internal sealed class SpindleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    private SpindleProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Gets the standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Gets the standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <c>spindle</c> with the arguments, its output captured.</summary>
    public static SpindleProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestContext.CurrentContext.WorkDirectory,
        };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "spindle.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var child = new SpindleProcess(process);
        process.OutputDataReceived += (_, e) => Append(child._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(child._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends a signal with <c>kill -s NAME</c>.</summary>
    /// <param name="name">INT, TERM or KILL.</param>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -s {name} failed");
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the process ends; fails after two minutes.</summary>
    public void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"spindle exited ({_process.ExitCode}) before {what}.\n{Output}\n{Error}");
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                Assert.Fail($"spindle did not reach '{what}' in two minutes.\n{Output}\n{Error}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Waits for the process to end (at most two minutes) and returns its exit code.</summary>
    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill();
            Assert.Fail($"spindle did not end within two minutes of the signal.\n{Output}\n{Error}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
