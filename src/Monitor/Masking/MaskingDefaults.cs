namespace Spindle.Monitor.Masking;

/// <summary>Default values of <see cref="MaskingOptions"/> and of the input-variable types.</summary>
internal static class MaskingDefaults
{
    /// <summary>Bytes of masked input per forward chunk (measured with <c>spindle bench masking</c>, see docs/benchmarks.md).</summary>
    public const long MaxChunkBytes = 4L * 1024 * 1024;

    /// <summary>Rows per forward chunk when only the byte bound applies.</summary>
    public const int MaxChunkRows = int.MaxValue;

    /// <summary>The largest number of input variables accepted unless raised: 2^16 masked passes per sample.</summary>
    public const int MaxVariableCount = 16;

    /// <summary>The hard upper bound on the number of input variables (2^24 outputs per sample, 128 MiB of doubles).</summary>
    public const int VariableCountHardLimit = 24;

    /// <summary>Grid cells left out at each edge when patches are chosen at random (appendix K.2: the central 6x6 of 8x8).</summary>
    public const int PatchMargin = 1;

    /// <summary>Rows and columns of the grid over a feature map (appendix K.2: 8x8).</summary>
    public const int FeatureMapGridSize = 8;
}
