using System.Text;
using Microsoft.ML.Tokenizers;

namespace Spindle.Trainers.Data;

/// <summary>
/// Turns sentences into fixed-length rows of token ids with Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/> built from a WordPiece vocabulary file (<c>vocab.txt</c>, one token
/// per line, the id being the line number from 0): <c>[CLS] tokens… [SEP] [PAD]…</c>, truncated to
/// <see cref="MaxLength"/> keeping <c>[CLS]</c> and <c>[SEP]</c>. The special ids are exposed for
/// models that mask tokens (<see cref="MaskId"/>) or pool on <see cref="ClsId"/>.
/// </summary>
public sealed class BertTextEncoder
{
    private BertTextEncoder(BertTokenizer tokenizer, int maxLength, int vocabularySize)
    {
        Tokenizer = tokenizer;
        MaxLength = maxLength;
        VocabularySize = vocabularySize;
    }

    /// <summary>Gets the underlying tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>Gets the length of every encoded row, special tokens and padding included.</summary>
    public int MaxLength { get; }

    /// <summary>Gets the number of entries of the vocabulary (ids lie in [0, VocabularySize)), the size an embedding table needs.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the id of <c>[CLS]</c>, the first token of every row.</summary>
    public int ClsId => Tokenizer.ClassificationTokenId;

    /// <summary>Gets the id of <c>[SEP]</c>, the token after the last word.</summary>
    public int SepId => Tokenizer.SeparatorTokenId;

    /// <summary>Gets the id of <c>[PAD]</c>, which fills rows after <c>[SEP]</c>.</summary>
    public int PadId => Tokenizer.PaddingTokenId;

    /// <summary>Gets the id of <c>[MASK]</c>, the token masked-out words are replaced with.</summary>
    public int MaskId => Tokenizer.MaskingTokenId;

    /// <summary>Gets the id of <c>[UNK]</c>, given to words the vocabulary cannot spell.</summary>
    public int UnknownId => Tokenizer.UnknownTokenId;

    /// <summary>Creates an encoder from a BERT vocabulary file.</summary>
    /// <param name="vocabularyPath">The <c>vocab.txt</c> file; it must contain [CLS], [SEP], [PAD], [MASK] and [UNK].</param>
    /// <param name="maxLength">The row length, at least 3 ([CLS], one token, [SEP]).</param>
    /// <param name="lowerCase">Whether to lower-case text first (true for uncased vocabularies).</param>
    /// <returns>The encoder.</returns>
    /// <exception cref="InvalidDataException">The file is missing, empty, or lacks a special token.</exception>
    public static BertTextEncoder FromVocabulary(string vocabularyPath, int maxLength, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabularyPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(vocabularyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DatasetError.Invalid(vocabularyPath, $"cannot read the vocabulary: {e.Message}", e);
        }

        var tokens = Encoding.UTF8.GetString(bytes).Split('\n').Select(t => t.TrimEnd('\r')).ToList();
        while (tokens.Count > 0 && tokens[^1].Length == 0)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        if (tokens.Count == 0)
        {
            throw DatasetError.Invalid(vocabularyPath, "empty vocabulary.");
        }

        string[] special = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"];
        var missing = special.Where(s => !tokens.Contains(s)).ToArray();
        if (missing.Length > 0)
        {
            throw DatasetError.Invalid(vocabularyPath, $"vocabulary of {tokens.Count} tokens lacks the special token(s) {string.Join(", ", missing)}.");
        }

        BertTokenizer tokenizer;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            tokenizer = BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw DatasetError.Invalid(vocabularyPath, $"not a usable BERT vocabulary: {e.Message}", e);
        }

        return new BertTextEncoder(tokenizer, maxLength, tokens.Count);
    }

    /// <summary>Encodes a sentence into a row of <see cref="MaxLength"/> token ids.</summary>
    /// <param name="text">The sentence.</param>
    /// <returns>The row: [CLS], word pieces (truncated), [SEP], then [PAD]s.</returns>
    public long[] Encode(string text)
    {
        var row = new long[MaxLength];
        Encode(text, row);
        return row;
    }

    /// <summary>Encodes a sentence into a row of <see cref="MaxLength"/> token ids.</summary>
    /// <param name="text">The sentence.</param>
    /// <param name="destination">Where to write the row; exactly <see cref="MaxLength"/> long.</param>
    /// <returns>The number of word pieces kept (without [CLS] and [SEP]).</returns>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public int Encode(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.Length != MaxLength)
        {
            throw new ArgumentException($"The destination has {destination.Length} elements; rows are {MaxLength} long.", nameof(destination));
        }

        var ids = Tokenizer.EncodeToIds(text, addSpecialTokens: false);
        var kept = Math.Min(ids.Count, MaxLength - 2);
        destination[0] = ClsId;
        for (var i = 0; i < kept; i++)
        {
            destination[i + 1] = ids[i];
        }

        destination[kept + 1] = SepId;
        destination[(kept + 2)..].Fill(PadId);
        return kept;
    }
}
