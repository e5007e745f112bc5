using System.Text;
using System.Text.Json;
using Spindle.Monitor.IO;

namespace Spindle.Trainers.Training;

/// <summary>
/// Appends each finished epoch's <see cref="EpochMetrics"/> as one JSON line to a file, flushed per
/// line, so that a crash loses no finished epoch. On a resumed run, lines for epochs after the
/// checkpoint (written before the crash, then lost from the model) are dropped first.
/// </summary>
public sealed class MetricsLogCallback : TrainingCallback, IDisposable
{
    private readonly string _path;
    private StreamWriter? _writer;

    /// <summary>Initializes a new instance of the <see cref="MetricsLogCallback"/> class.</summary>
    /// <param name="path">The JSONL file; created with its folder when absent.</param>
    public MetricsLogCallback(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <summary>Reads a metrics log back.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <returns>The epochs' metrics, in file order.</returns>
    public static IReadOnlyList<EpochMetrics> Read(string path)
    {
        var result = new List<EpochMetrics>();
        foreach (var line in File.ReadLines(path))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                result.Add(JsonSerializer.Deserialize<EpochMetrics>(line, CheckpointFile.JsonOptions)
                    ?? throw new InvalidDataException($"{path}: a null line."));
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public override void OnTrainStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (File.Exists(_path))
        {
            // The rewrite on resume replaces the whole file, so it goes through AtomicFile: a crash leaves the old log
            // or the trimmed one, never a half-written one. The per-epoch lines below are appends to the live file,
            // which AtomicFile (whole-file replacement) does not fit: each is one flushed write.
            var kept = context.History.Select(m => JsonSerializer.Serialize(m, CheckpointFile.JsonOptions) + "\n");
            AtomicFile.WriteAllText(_path, string.Concat(kept));
        }

        _writer?.Dispose();
        _writer = new StreamWriter(_path, append: true, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("MetricsLogCallback.OnEpochEnd ran before OnTrainStart.");
        }

        _writer.Write(JsonSerializer.Serialize(metrics, CheckpointFile.JsonOptions));
        _writer.Write('\n');
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context, TrainingResult result) => Dispose();

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
