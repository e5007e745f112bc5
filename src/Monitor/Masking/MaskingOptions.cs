using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Spindle.Monitor.Masking;

/// <summary>Options of <see cref="MaskedOutputEvaluator"/>.</summary>
public sealed class MaskingOptions
{
    /// <summary>Gets or sets the largest number of bytes of masked input that one forward pass receives.</summary>
    /// <remarks>
    /// The masked inputs of all samples form one stream of 2^n rows per sample; it is cut into chunks of at most
    /// this many bytes, and a chunk may hold the last masks of one sample and the first of the next. The model's
    /// activations add to this, so set it well below the memory available. A row larger than the bound is run alone.
    /// </remarks>
    /// <value>The default value is 4 MiB (4,194,304 bytes).</value>
    [Range(1, long.MaxValue)]
    public long MaxChunkBytes { get; set; } = MaskingDefaults.MaxChunkBytes;

    /// <summary>Gets or sets the largest number of masked rows that one forward pass receives.</summary>
    /// <remarks>
    /// A second bound beside <see cref="MaxChunkBytes"/>, for models whose activations dwarf their input (a
    /// transformer over token ids): a chunk ends at whichever bound it reaches first.
    /// </remarks>
    /// <value>The default value is <see cref="int.MaxValue"/> (no bound beyond the bytes).</value>
    [Range(1, int.MaxValue)]
    public int MaxChunkRows { get; set; } = MaskingDefaults.MaxChunkRows;

    /// <summary>Gets or sets the largest number n of input variables accepted (each sample costs 2^n forward rows).</summary>
    /// <value>The default value is 16; at most 24.</value>
    [Range(1, MaskingDefaults.VariableCountHardLimit)]
    public int MaxVariableCount { get; set; } = MaskingDefaults.MaxVariableCount;

    /// <summary>Gets or sets the scalar output v computed from the logits; <see langword="null"/> selects <see cref="OutputFunctions.LogOdds"/>.</summary>
    /// <value>The default value is <see langword="null"/> (the log-odds of the true class, Eq. 1 of the paper).</value>
    public MaskedOutputFunction? OutputFunction { get; set; }

    /// <summary>Throws if an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    internal void Validate()
    {
        if (MaxChunkBytes < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxChunkBytes), MaxChunkBytes, "MaskingOptions.MaxChunkBytes must be at least 1 byte.");
        }

        if (MaxChunkRows < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxChunkRows), MaxChunkRows, "MaskingOptions.MaxChunkRows must be at least 1 row.");
        }

        if (MaxVariableCount < 1 || MaxVariableCount > MaskingDefaults.VariableCountHardLimit)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxVariableCount),
                MaxVariableCount,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"MaskingOptions.MaxVariableCount must be between 1 and {MaskingDefaults.VariableCountHardLimit}."));
        }
    }
}
