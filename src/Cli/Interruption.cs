using System.Runtime.InteropServices;

namespace Spindle.Cli;

/// <summary>
/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation, so that a long command can finish or abandon its
/// current step, write what it needs and say how to resume; a second signal ends the process at once, after showing
/// the terminal cursor again (a live progress display hides it).
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>The escape sequence that shows the terminal cursor.</summary>
    public const string ShowCursor = "\u001b[?25h";

    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TextWriter _messages;
    private readonly string _action;
    private int _signals;
    private PosixSignal? _signal;

    private Interruption(TextWriter messages, string action)
    {
        _messages = messages;
        _action = action;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, Handle));
        }
    }

    /// <summary>Gets the token that is cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets the signal received first, or null.</summary>
    public PosixSignal? Signal => _signal;

    /// <summary>Gets the exit code for the signal received: 130 for SIGINT, 143 for SIGTERM (128 + the signal number).</summary>
    public int ExitCode => _signal == PosixSignal.SIGTERM ? 143 : 130;

    /// <summary>Gets the signal's name as the shell writes it.</summary>
    public string SignalName => _signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT (Ctrl-C)";

    /// <summary>Starts listening for SIGINT and SIGTERM until disposed.</summary>
    /// <param name="messages">Where the message on the first signal goes (standard error).</param>
    /// <param name="action">What the command does on the first signal, for the message ("finishing the current step").</param>
    /// <returns>The listener.</returns>
    public static Interruption Listen(TextWriter messages, string action) => new(messages, action);

    /// <summary>Shows the terminal cursor again if standard output is a terminal.</summary>
    public static void RestoreCursor()
    {
        if (!Console.IsOutputRedirected)
        {
            Console.Out.Write(ShowCursor);
            Console.Out.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            context.Cancel = true;
            _signal = context.Signal;
            _messages.WriteLine($"{SignalName} received: {_action}. Send it again to stop at once.");
            _messages.Flush();
            _cancellation.Cancel();
            return;
        }

        // The second signal ends the process the default way; leave the terminal usable.
        RestoreCursor();
        context.Cancel = false;
    }
}
