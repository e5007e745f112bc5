using System.Text.Json;
using System.Text.Json.Serialization;
using Spindle.Monitor.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>
/// Reads and writes training checkpoints: one binary file holding a header, the metadata as JSON,
/// TorchSharp's CPU generator state, the model's state dict and the optimizer's state, written through
/// <see cref="AtomicFile"/> (a temporary file moved over the target) so that a crash never leaves a half-written checkpoint.
/// From format 2 an end marker (the length of what precedes it and a fixed number) closes the file, so a file cut or
/// damaged after the fact is refused even where the part a reader needs is whole.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The format version this code writes; it also reads format 1 (no end marker).</summary>
    public const int FormatVersion = 2;

    private const int OldestReadableVersion = 1;

    private const string Magic = "spindle-checkpoint";

    /// <summary>The last four bytes of a format-2 checkpoint ("SPCK" little-endian), after the length of the body.</summary>
    private const int EndMarker = 0x4B435053;

    private const int EndLength = sizeof(long) + sizeof(int);

    /// <summary>Gets the JSON options used for checkpoint metadata and run logs (NaN allowed, camelCase).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads only the metadata of a checkpoint.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this format.</exception>
    public static CheckpointMetadata ReadMetadata(string path) => Guard(path, () =>
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        return ReadHeader(reader, path);
    });

    internal static void Write(string path, CheckpointMetadata metadata, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        AtomicFile.Write(fullPath, stream =>
        {
            using var writer = new BinaryWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonSerializer.Serialize(metadata, JsonOptions));
            using (var rng = torch.random.get_rng_state())
            {
                var bytes = rng.data<byte>().ToArray();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }

            model.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
            writer.Write(stream.Position);
            writer.Write(EndMarker);
            writer.Flush();
        });
    }

    internal static CheckpointMetadata Read(string path, nn.Module<Tensor, Tensor> model, OptimizerHelper optimizer) => Guard(path, () =>
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var metadata = ReadHeader(reader, path);
        CheckModelType(metadata, model, path);
        var rngBytes = ReadGeneratorState(reader, path);
        model.load(reader, strict: true);
        optimizer.load_state_dict(reader);
        using (var rng = torch.tensor(rngBytes, ScalarType.Byte))
        {
            torch.random.set_rng_state(rng);
        }

        return metadata;
    });

    /// <summary>Loads only the model weights of a checkpoint (for analysis; the optimizer state and RNG are left alone).</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">A model of the checkpoint's type and shape; its weights are replaced.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this format or holds another model type.</exception>
    public static CheckpointMetadata ReadModel(string path, nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Guard(path, () =>
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            var metadata = ReadHeader(reader, path);
            CheckModelType(metadata, model, path);
            ReadGeneratorState(reader, path);
            model.load(reader, strict: true);
            return metadata;
        });
    }

    /// <summary>Turns the end of a truncated file (and malformed metadata) into an error that names the file.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint is truncated ({new FileInfo(path).Length} bytes; it ends before its model or optimizer state is complete).", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the checkpoint's metadata is not valid ({e.Message}).", e);
        }
    }

    private static void CheckModelType(CheckpointMetadata metadata, nn.Module<Tensor, Tensor> model, string path)
    {
        var modelType = model.GetType().FullName ?? model.GetType().Name;
        if (metadata.ModelType != modelType)
        {
            throw new InvalidDataException($"{path}: the checkpoint holds a {metadata.ModelType}, not a {modelType}.");
        }
    }

    private static byte[] ReadGeneratorState(BinaryReader reader, string path)
    {
        var length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new InvalidDataException($"{path}: truncated generator state ({bytes.Length} of {length} bytes).");
        }

        return bytes;
    }

    private static CheckpointMetadata ReadHeader(BinaryReader reader, string path)
    {
        var (metadata, version) = ReadHeaderAndVersion(reader, path);
        if (version >= 2)
        {
            CheckEnd(reader.BaseStream, path);
        }

        return metadata;
    }

    /// <summary>Checks a format-2 file's end marker and puts the stream back where it was.</summary>
    private static void CheckEnd(Stream stream, string path)
    {
        var position = stream.Position;
        var length = stream.Length;
        long body = -1;
        var marker = 0;
        if (length >= position + EndLength)
        {
            stream.Seek(length - EndLength, SeekOrigin.Begin);
            using var end = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            body = end.ReadInt64();
            marker = end.ReadInt32();
        }

        if (marker != EndMarker || body != length - EndLength)
        {
            throw new InvalidDataException($"{path}: the checkpoint is truncated or damaged ({length} bytes; its end marker is missing or does not match its length).");
        }

        stream.Seek(position, SeekOrigin.Begin);
    }

    private static (CheckpointMetadata Metadata, int Version) ReadHeaderAndVersion(BinaryReader reader, string path)
    {
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: not a Spindle checkpoint (unreadable header).", e);
        }

        if (magic != Magic)
        {
            throw new InvalidDataException($"{path}: not a Spindle checkpoint (header '{magic}').");
        }

        var version = reader.ReadInt32();
        if (version is < OldestReadableVersion or > FormatVersion)
        {
            throw new InvalidDataException($"{path}: checkpoint format {version}; this version reads formats {OldestReadableVersion} to {FormatVersion}.");
        }

        var metadata = JsonSerializer.Deserialize<CheckpointMetadata>(reader.ReadString(), JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty checkpoint metadata.");
        return (metadata, version);
    }
}
