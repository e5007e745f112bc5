using System.IO.Compression;

namespace Spindle.Trainers.Tests.Data;

/// <summary>Builds dataset files byte by byte in their published formats, independently of the loaders' own writers.</summary>
internal static class TestFiles
{
    /// <summary>An idx file: 00 00 type rank, big-endian sizes, data.</summary>
    public static byte[] Idx(int[] dimensions, byte[] data, byte type = 0x08, byte? rank = null)
    {
        var bytes = new List<byte> { 0, 0, type, rank ?? (byte)dimensions.Length };
        foreach (var d in dimensions)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(data);
        return [.. bytes];
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Pixel i of image n has value (n * 7 + i) mod 256, so every image differs.</summary>
    public static byte[] Pixels(int count, int rows, int columns)
    {
        var data = new byte[count * rows * columns];
        for (var n = 0; n < count; n++)
        {
            for (var i = 0; i < rows * columns; i++)
            {
                data[(n * rows * columns) + i] = (byte)(((n * 7) + i) % 256);
            }
        }

        return data;
    }

    /// <summary>A fresh temporary directory.</summary>
    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "spindle-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
