using System.Buffers.Binary;
using System.IO.Compression;
using Spindle.Monitor.IO;

namespace Spindle.Trainers.Data;

/// <summary>
/// Reads and writes the idx format of MNIST and Fashion-MNIST (big-endian header: two zero bytes,
/// a type code, the number of dimensions, then one 32-bit size per dimension; then the data),
/// gzip-compressed or not. Compression is recognised by the gzip magic bytes, not by the file name.
/// Only the unsigned-byte type (code 0x08), the one MNIST uses, is supported.
/// </summary>
public static class IdxFile
{
    /// <summary>The idx type code of unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    private const int MaxRank = 8;

    /// <summary>Reads an idx file of unsigned bytes.</summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <param name="expectedRank">The number of dimensions the caller needs (3 for images, 1 for labels).</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="InvalidDataException">The file is missing, is not an idx file of the expected rank, or is truncated or too long.</exception>
    public static IdxArray Read(string path, int expectedRank)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedRank, 1);
        return Parse(path, ReadAllBytes(path), expectedRank);
    }

    /// <summary>Parses idx contents already in memory (gzipped or not).</summary>
    /// <param name="path">The name to cite in errors.</param>
    /// <param name="contents">The file's bytes, gzipped or not.</param>
    /// <param name="expectedRank">The number of dimensions the caller needs.</param>
    /// <returns>The dimensions and data.</returns>
    /// <exception cref="InvalidDataException">The contents are not an idx file of the expected rank, or are truncated or too long.</exception>
    internal static IdxArray Parse(string path, byte[] contents, int expectedRank)
    {
        var bytes = Decompress(path, contents);
        var note = ReferenceEquals(bytes, contents) ? string.Empty : $" after gunzip of {contents.Length} compressed bytes";
        if (bytes.Length < 4)
        {
            throw DatasetError.Invalid(path, $"truncated idx header: expected at least 4 bytes, got {bytes.Length}{note}.");
        }

        if (bytes[0] != 0 || bytes[1] != 0)
        {
            throw DatasetError.Invalid(
                path,
                $"bad idx magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}: an idx file starts with two zero bytes, a type code and a rank (expected 0x{UnsignedByteType:X2}{expectedRank:X2} in the low bytes).");
        }

        if (bytes[2] != UnsignedByteType)
        {
            throw DatasetError.Invalid(path, $"idx data type 0x{bytes[2]:X2} is not supported: expected 0x{UnsignedByteType:X2} (unsigned byte).");
        }

        int rank = bytes[3];
        if (rank != expectedRank)
        {
            throw DatasetError.Invalid(path, $"idx file has {rank} dimensions, expected {expectedRank} (magic 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):X8}).");
        }

        var headerLength = 4 + (4 * rank);
        if (bytes.Length < headerLength)
        {
            throw DatasetError.Invalid(path, $"truncated idx header: expected {headerLength} bytes for {rank} dimensions, got {bytes.Length}{note}.");
        }

        var dimensions = new int[rank];
        long expectedData = 1;
        for (var d = 0; d < rank; d++)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * d)));
            if (size > int.MaxValue)
            {
                throw DatasetError.Invalid(path, $"idx dimension {d} has size {size}, more than {int.MaxValue}.");
            }

            dimensions[d] = (int)size;
            expectedData *= size;
            if (expectedData > Array.MaxLength)
            {
                throw DatasetError.Invalid(path, $"idx dimensions [{string.Join(", ", dimensions[..(d + 1)])}] describe more data than fits in memory.");
            }
        }

        long actualData = bytes.Length - headerLength;
        if (actualData < expectedData)
        {
            throw DatasetError.Invalid(
                path,
                $"truncated idx data: dimensions [{string.Join(", ", dimensions)}] need {expectedData} data bytes ({headerLength + expectedData} in all), got {actualData} ({bytes.Length} in all){note}.");
        }

        if (actualData > expectedData)
        {
            throw DatasetError.Invalid(
                path,
                $"idx file is longer than its header says: dimensions [{string.Join(", ", dimensions)}] need {expectedData} data bytes, got {actualData} ({actualData - expectedData} extra).");
        }

        return new IdxArray(dimensions, bytes.AsMemory(headerLength));
    }

    /// <summary>Writes an idx file of unsigned bytes, through a temporary file so that no half-written file is left on error.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="dimensions">The sizes of the dimensions, outermost first.</param>
    /// <param name="data">The data, row-major.</param>
    /// <param name="gzip">Whether to gzip-compress the file.</param>
    /// <exception cref="ArgumentException">The data length is not the product of the dimensions.</exception>
    public static void Write(string path, IReadOnlyList<int> dimensions, ReadOnlySpan<byte> data, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count is < 1 or > MaxRank)
        {
            throw new ArgumentException($"An idx file has 1 to {MaxRank} dimensions, got {dimensions.Count}.", nameof(dimensions));
        }

        long expected = 1;
        foreach (var size in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(dimensions));
            expected *= size;
        }

        if (expected != data.Length)
        {
            throw new ArgumentException($"Dimensions [{string.Join(", ", dimensions)}] need {expected} bytes, got {data.Length}.", nameof(data));
        }

        var header = new byte[4 + (4 * dimensions.Count)];
        header[2] = UnsignedByteType;
        header[3] = (byte)dimensions.Count;
        for (var d = 0; d < dimensions.Count; d++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + (4 * d)), (uint)dimensions[d]);
        }

        var payload = data.ToArray();
        AtomicFile.Write(path, file =>
        {
            if (!gzip)
            {
                file.Write(header);
                file.Write(payload);
                return;
            }

            using var compressed = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
            compressed.Write(header);
            compressed.Write(payload);
        });
    }

    /// <summary>Reads a whole file, decompressing it when it starts with the gzip magic bytes (1F 8B).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The (decompressed) contents.</returns>
    /// <exception cref="InvalidDataException">The file is missing, unreadable or not valid gzip.</exception>
    internal static byte[] ReadAllBytesDecompressed(string path) => Decompress(path, ReadAllBytes(path));

    /// <summary>Reads a whole file as stored.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="InvalidDataException">The file is missing or unreadable.</exception>
    internal static byte[] ReadAllBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DatasetError.Invalid(path, "file not found.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DatasetError.Invalid(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>Decompresses gzip data when it starts with the gzip magic bytes; returns other data as is.</summary>
    /// <param name="source">The name to cite in errors.</param>
    /// <param name="raw">The bytes as stored.</param>
    /// <returns>The decompressed bytes.</returns>
    /// <exception cref="InvalidDataException">The gzip stream is corrupt or truncated.</exception>
    internal static byte[] Decompress(string source, byte[] raw)
    {
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B)
        {
            return raw;
        }

        try
        {
            using var input = new MemoryStream(raw, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 2);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw DatasetError.Invalid(source, $"corrupt gzip data ({raw.Length} compressed bytes): {e.Message}", e);
        }
    }
}
