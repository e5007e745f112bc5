namespace Spindle.Trainers.Models;

/// <summary>Optional model settings for <see cref="ModelFactory.Create"/>; null means the model's default.</summary>
public sealed class ModelOptions
{
    /// <summary>Gets or sets VGG-11's width multiplier.</summary>
    /// <value>The default value is null: 0.25.</value>
    public double? WidthMultiplier { get; set; }

    /// <summary>Gets or sets the dropout probability (cnn: before the last layer; bert-tiny: everywhere).</summary>
    /// <value>The default value is null: 0 for cnn, 0.1 for bert-tiny.</value>
    public double? Dropout { get; set; }

    /// <summary>Gets or sets bert-tiny's vocabulary size.</summary>
    /// <value>The default value is null: 30522, BERT's uncased WordPiece vocabulary.</value>
    public int? VocabularySize { get; set; }

    /// <summary>Gets or sets the MLP's hidden widths.</summary>
    /// <value>The default value is null: [256, 128].</value>
    public IReadOnlyList<int>? MlpHidden { get; set; }
}
