using System.Globalization;
using System.IO.Compression;
using System.Text;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.IO;

namespace Spindle.Tools.SignalSeries;

/// <summary>The names and writers of the files in a run folder.</summary>
internal static class SeriesFiles
{
    public const string Epochs = "epochs.jsonl";
    public const string Run = "run.json";
    public const string Done = "done.json";
    public const string LabelNoise = "label-noise.json";

    /// <summary>Gets the file name of one epoch's extraction of one kind (<c>input</c> or <c>feature</c>).</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="epoch">The epoch, 0 before training.</param>
    /// <returns>For example <c>input-e007.json.gz</c>.</returns>
    public static string Extraction(string kind, int epoch) => string.Create(CultureInfo.InvariantCulture, $"{kind}-e{epoch:D3}.json.gz");

    /// <summary>Writes the library's JSON of an extraction, gzipped, atomically (temporary file, then move).</summary>
    /// <param name="path">The destination.</param>
    /// <param name="extraction">The extraction.</param>
    public static void SaveGzip(string path, InteractionExtraction extraction)
    {
        var bytes = Encoding.UTF8.GetBytes(extraction.ToJson());
        AtomicFile.Write(path, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
            gzip.Write(bytes);
        });
    }
}
