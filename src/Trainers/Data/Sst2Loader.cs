using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Spindle.Trainers.Data;

/// <summary>
/// Loads SST-2 (GLUE layout): tab-separated files with a header line naming a <c>sentence</c> and
/// a <c>label</c> column (0 = negative, 1 = positive), read through ML.NET's <see cref="TextLoader"/>
/// into an <see cref="IDataView"/>, then tokenised by a <see cref="BertTextEncoder"/> into
/// <see cref="LabeledData{T}"/> of token ids shaped [maxLength].
/// </summary>
public static class Sst2Loader
{
    /// <summary>The number of classes of SST-2.</summary>
    public const int ClassCount = 2;

    /// <summary>The name of the text column of the <see cref="IDataView"/> <see cref="ReadTsv"/> returns.</summary>
    public const string SentenceColumn = "Sentence";

    /// <summary>The name of the label column (text, parsed by <see cref="Load(IDataView, BertTextEncoder, string, string, int)"/>) of that view.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Reads a TSV file into an <see cref="IDataView"/> with text columns <see cref="SentenceColumn"/> and <see cref="LabelColumn"/>.</summary>
    /// <param name="context">The ML.NET context.</param>
    /// <param name="path">The file; its first line names the columns, tab-separated, among them <c>sentence</c> and <c>label</c> (any case, any order).</param>
    /// <returns>The lazily read view.</returns>
    /// <exception cref="InvalidDataException">The file is missing, empty, or its header lacks a column.</exception>
    public static IDataView ReadTsv(MLContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        string? header;
        try
        {
            using var reader = new StreamReader(path);
            header = reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DatasetError.Invalid(path, $"cannot read the file: {e.Message}", e);
        }

        if (header is null)
        {
            throw DatasetError.Invalid(path, "empty file: expected a header line naming the sentence and label columns.");
        }

        var names = header.Split('\t').Select(n => n.Trim()).ToList();
        var sentence = names.FindIndex(n => n.Equals("sentence", StringComparison.OrdinalIgnoreCase));
        var label = names.FindIndex(n => n.Equals("label", StringComparison.OrdinalIgnoreCase));
        if (sentence < 0 || label < 0)
        {
            throw DatasetError.Invalid(path, $"the header must name a 'sentence' and a 'label' column (tab-separated); it has [{string.Join(", ", names)}].");
        }

        var options = new TextLoader.Options
        {
            HasHeader = true,
            Separators = ['\t'],
            AllowQuoting = false,
            TrimWhitespace = false,
            Columns =
            [
                new TextLoader.Column(SentenceColumn, DataKind.String, sentence),
                new TextLoader.Column(LabelColumn, DataKind.String, label),
            ],
        };
        return context.Data.LoadFromTextFile(path, options);
    }

    /// <summary>Loads and tokenises an SST-2 TSV file.</summary>
    /// <param name="path">The file (for example <c>train.tsv</c> or <c>dev.tsv</c>).</param>
    /// <param name="encoder">The tokenizer and row length.</param>
    /// <param name="name">The dataset's name; the file name when null.</param>
    /// <returns>Token ids shaped [encoder.MaxLength] per sentence, labels 0 or 1.</returns>
    /// <exception cref="InvalidDataException">The file is missing, its header lacks a column, or a label is not an integer in [0, 2).</exception>
    public static LabeledData<long> Load(string path, BertTextEncoder encoder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var context = new MLContext(seed: 0);
        return Load(ReadTsv(context, path), encoder, name ?? "sst2/" + Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Tokenises a view with text columns <see cref="SentenceColumn"/> and <see cref="LabelColumn"/>.</summary>
    /// <param name="view">The view, as <see cref="ReadTsv"/> returns.</param>
    /// <param name="encoder">The tokenizer and row length.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="source">The file the view reads, for messages.</param>
    /// <param name="classCount">The number of classes; labels must be integers in [0, classCount).</param>
    /// <returns>Token ids shaped [encoder.MaxLength] per row.</returns>
    /// <exception cref="InvalidDataException">A label is missing, not an integer, or out of range; the message gives the data row (1 = first line after the header).</exception>
    public static LabeledData<long> Load(IDataView view, BertTextEncoder encoder, string name, string source, int classCount = ClassCount)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(source);
        var columns = new[] { view.Schema[SentenceColumn], view.Schema[LabelColumn] };
        var features = new List<long>();
        var labels = new List<int>();
        using var cursor = view.GetRowCursor(columns);
        var getSentence = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        ReadOnlyMemory<char> sentence = default, labelText = default;
        var row = new long[encoder.MaxLength];
        while (cursor.MoveNext())
        {
            getSentence(ref sentence);
            getLabel(ref labelText);
            var rowNumber = labels.Count + 1;
            var text = labelText.Span.Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label))
            {
                throw DatasetError.Invalid(source, $"data row {rowNumber}: label '{text}' is not an integer.");
            }

            if ((uint)label >= (uint)classCount)
            {
                throw DatasetError.Invalid(source, $"data row {rowNumber}: label {label} is outside [0, {classCount}).");
            }

            encoder.Encode(sentence.ToString(), row);
            features.AddRange(row);
            labels.Add(label);
        }

        return new LabeledData<long>(name, [encoder.MaxLength], [.. features], [.. labels], classCount);
    }

    /// <summary>Loads the GLUE SST-2 directory: <c>train.tsv</c> as the training split, <c>dev.tsv</c> as the test split (GLUE's <c>test.tsv</c> has no labels).</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="encoder">The tokenizer and row length.</param>
    /// <returns>The splits, named <c>sst2/train</c> and <c>sst2/dev</c>.</returns>
    /// <exception cref="InvalidDataException">A file is missing or invalid.</exception>
    public static TrainTestData<long> LoadDirectory(string directory, BertTextEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var train = Path.Combine(directory, "train.tsv");
        var dev = Path.Combine(directory, "dev.tsv");
        foreach (var file in new[] { train, dev })
        {
            if (!File.Exists(file))
            {
                throw DatasetError.Invalid(file, "file not found (an SST-2 directory holds train.tsv and dev.tsv).");
            }
        }

        return new TrainTestData<long>(Load(train, encoder, "sst2/train"), Load(dev, encoder, "sst2/dev"));
    }
}
