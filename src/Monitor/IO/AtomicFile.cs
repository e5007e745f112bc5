namespace Spindle.Monitor.IO;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a
/// half-written file: the data goes to a temporary file in the same folder, which then replaces the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The destination file; replaced if it exists.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The destination's folder does not exist (the message names it).</exception>
    /// <remarks>On any exception the temporary file is removed and the destination is left as it was.</remarks>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{path}: the folder {directory} does not exist.");
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes bytes to a file atomically.</summary>
    /// <param name="path">The destination file; replaced if it exists.</param>
    /// <param name="bytes">The content.</param>
    /// <exception cref="DirectoryNotFoundException">The destination's folder does not exist.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes text as UTF-8 without a byte-order mark, atomically.</summary>
    /// <param name="path">The destination file; replaced if it exists.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="DirectoryNotFoundException">The destination's folder does not exist.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
    }
}
