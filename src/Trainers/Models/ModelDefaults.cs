namespace Spindle.Trainers.Models;

/// <summary>Default sizes of the models.</summary>
internal static class ModelDefaults
{
    /// <summary>VGG-11's width multiplier: 0.25 gives widths 16..128 (about 0.6 M parameters), trainable on a CPU.</summary>
    public const double VggWidthMultiplier = 0.25;

    public const int BertHidden = 64;
    public const int BertLayers = 2;
    public const int BertHeads = 2;
    public const int BertFeedForward = 128;
    public const double BertDropout = 0.1;

    /// <summary>The vocabulary size of BERT's uncased WordPiece vocabulary.</summary>
    public const int BertVocabularySize = 30522;

    public static readonly int[] MlpHidden = [256, 128];
}
