using System.Text;

namespace Spindle.Cli.Report;

/// <summary>
/// Reads a JSON-lines log that a running (or killed) process appends to: every line that ends in a newline is complete;
/// a last line without one was cut off mid-write (the process was killed) and is returned apart, never parsed as a record.
/// </summary>
internal static class JsonLines
{
    /// <summary>Reads the complete lines of a log and the incomplete tail, if any.</summary>
    /// <param name="path">The log file.</param>
    /// <returns>The complete non-blank lines with their 1-based line numbers, and the incomplete last line's text (null when the file ends in a newline).</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (IReadOnlyList<(int Number, string Text)> Lines, string? Incomplete) Read(string path)
    {
        // FileShare.ReadWrite: the log may still be open for appending by a training process.
        string text;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        var pieces = text.Split('\n');
        var lines = new List<(int, string)>();
        for (var i = 0; i < pieces.Length - 1; i++)
        {
            if (!string.IsNullOrWhiteSpace(pieces[i]))
            {
                lines.Add((i + 1, pieces[i].TrimEnd('\r')));
            }
        }

        var tail = pieces[^1];
        return (lines, string.IsNullOrWhiteSpace(tail) ? null : tail);
    }
}
