using System.Globalization;
using Spindle.Trainers.Training;

namespace Spindle.Cli;

/// <summary>
/// Run folders of <c>spindle train</c> and <c>spindle demo</c>: created atomically under a unique name, their
/// checkpoint files, and the clean-up of temporary files a killed process left behind.
/// </summary>
internal static class RunFolder
{
    /// <summary>The folder (inside the run folder) that holds the per-epoch checkpoints.</summary>
    public const string CheckpointFolder = "checkpoints";

    /// <summary>The checkpoint of the epoch with the lowest test loss so far.</summary>
    public const string BestCheckpointFile = "best.ckpt";

    /// <summary>The name stem of a new run: <c>{prefix}-{yyyyMMdd-HHmmss}</c> in UTC.</summary>
    /// <param name="prefix">The model name, or <c>demo</c>.</param>
    /// <returns>The stem.</returns>
    public static string Stem(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");

    /// <summary>
    /// Creates a new run folder under <paramref name="parent"/> named <paramref name="stem"/>, or <c>stem-2</c>,
    /// <c>stem-3</c>, ... when that name is taken, so that runs started in the same second never share a folder.
    /// </summary>
    /// <remarks>
    /// The folder is filled under a temporary name first and then renamed into place. A rename fails when the target
    /// exists and is not empty, so two processes can never both claim a name: the loser takes the next one. The
    /// folder therefore never appears without its first file (<c>config.json</c>).
    /// </remarks>
    /// <param name="parent">The folder that receives run folders (<c>--output</c>); created when absent.</param>
    /// <param name="stem">The preferred name.</param>
    /// <param name="fill">Writes at least one file into the folder it is given (the run's <c>config.json</c>).</param>
    /// <returns>The full path of the new run folder.</returns>
    /// <exception cref="IOException"><paramref name="parent"/> is a file or cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException"><paramref name="parent"/> is not writable.</exception>
    public static string CreateUnique(string parent, string stem, Action<string> fill)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parent);
        ArgumentException.ThrowIfNullOrWhiteSpace(stem);
        ArgumentNullException.ThrowIfNull(fill);
        var root = Path.GetFullPath(parent);
        if (File.Exists(root))
        {
            throw new IOException($"{parent} is a file, not a folder.");
        }

        Directory.CreateDirectory(root);
        RemoveAbandonedClaims(root);
        for (var k = 1; ; k++)
        {
            var name = k == 1 ? stem : string.Create(CultureInfo.InvariantCulture, $"{stem}-{k}");
            var target = Path.Combine(root, name);
            if (Path.Exists(target))
            {
                continue;
            }

            var temp = Path.Combine(root, $".{name}.{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(temp);
            try
            {
                fill(temp);
                if (Directory.GetFileSystemEntries(temp).Length == 0)
                {
                    throw new InvalidOperationException("RunFolder.CreateUnique: the fill action wrote nothing; an empty folder cannot be claimed atomically.");
                }

                Directory.Move(temp, target);
                return target;
            }
            catch (IOException) when (Path.Exists(target))
            {
                // Another process claimed the name between the check and the rename: take the next one.
            }
            finally
            {
                if (Directory.Exists(temp))
                {
                    Directory.Delete(temp, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// Removes the temporary folders of claims whose process was killed between creating and renaming them. A claim
    /// lasts milliseconds, so only folders untouched for ten minutes are taken to be abandoned.
    /// </summary>
    private static void RemoveAbandonedClaims(string root)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, ".*.tmp"))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > TimeSpan.FromMinutes(10))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed or is using it: not ours to report.
            }
        }
    }

    /// <summary>Deletes the temporary files (<c>.NAME.GUID.tmp</c>) that an atomic write leaves when its process is killed.</summary>
    /// <param name="runFolder">The run folder; its <see cref="CheckpointFolder"/> is cleaned too.</param>
    /// <returns>The names of the files removed.</returns>
    public static IReadOnlyList<string> RemoveStaleTemporaryFiles(string runFolder)
    {
        var removed = new List<string>();
        foreach (var folder in new[] { runFolder, Path.Combine(runFolder, CheckpointFolder) })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                File.Delete(file);
                removed.Add(Path.GetRelativePath(runFolder, file));
            }
        }

        return removed;
    }

    /// <summary>The path of epoch <paramref name="epoch"/>'s checkpoint.</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="epoch">The epoch, 1-based.</param>
    /// <returns>The path: <c>checkpoints/epoch-0007.ckpt</c>.</returns>
    public static string EpochCheckpoint(string runFolder, int epoch) =>
        Path.Combine(runFolder, CheckpointFolder, string.Create(CultureInfo.InvariantCulture, $"epoch-{epoch:D4}.ckpt"));

    /// <summary>The epochs whose checkpoints are in the run folder, ascending.</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <returns>The epochs.</returns>
    public static IReadOnlyList<int> EpochCheckpoints(string runFolder)
    {
        var folder = Path.Combine(runFolder, CheckpointFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "epoch-*.ckpt")
            .Select(f => Path.GetFileNameWithoutExtension(f)["epoch-".Length..])
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : -1)
            .Where(e => e > 0)
            .Order()
            .ToList();
    }

    /// <summary>
    /// Finds the checkpoint of an epoch: its own file in <see cref="CheckpointFolder"/>, or <c>last.ckpt</c> or
    /// <c>best.ckpt</c> when either holds that epoch.
    /// </summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="epoch">The epoch.</param>
    /// <returns>The checkpoint file.</returns>
    /// <exception cref="ArgumentException">No checkpoint of the run holds that epoch; the message lists those that exist.</exception>
    public static string FindEpochCheckpoint(string runFolder, int epoch)
    {
        var own = EpochCheckpoint(runFolder, epoch);
        if (File.Exists(own))
        {
            return own;
        }

        var candidates = new[] { TrainingRunner.CheckpointFileName, BestCheckpointFile };
        foreach (var name in candidates)
        {
            var path = Path.Combine(runFolder, name);
            if (File.Exists(path) && EpochOf(path) == epoch)
            {
                return path;
            }
        }

        var kept = EpochCheckpoints(runFolder);
        var keptText = kept.Count == 0 ? "none" : Ranges(kept);
        var others = string.Join(", ", candidates
            .Select(name => (Name: name, Path: Path.Combine(runFolder, name)))
            .Where(c => File.Exists(c.Path))
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} holds epoch {EpochOf(c.Path)?.ToString(CultureInfo.InvariantCulture) ?? "?"}")));
        throw new ArgumentException(string.Create(
            CultureInfo.InvariantCulture,
            $"--epoch {epoch}: {runFolder} has no checkpoint of epoch {epoch}. Epoch checkpoints kept ({CheckpointFolder}/): {keptText}{(others.Length > 0 ? "; " + others : string.Empty)}. Train with --checkpoint-every 1 and --keep-checkpoints 0 to keep every epoch."));
    }

    private static int? EpochOf(string checkpoint)
    {
        try
        {
            return CheckpointFile.ReadMetadata(checkpoint).Epoch;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}-{sorted[j]}"));
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
