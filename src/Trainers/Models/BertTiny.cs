using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// A small BERT-style text classifier: token and learned position embeddings, LayerNorm and dropout,
/// a stack of post-norm transformer encoder layers (GELU), then the [CLS] (first) position through a
/// tanh pooler and a linear classifier. Input: token ids [batch, length] (int64), [CLS] first.
/// </summary>
/// <remarks>
/// The feature map is <c>embeddings</c>: the normalised token + position embeddings, [batch, length, hidden],
/// so that input variables (tokens or spans) can be masked by replacing their embedding rows.
/// Padding tokens are attended to like any other token (no attention mask), which keeps the suffix a
/// function of the feature map alone; pad consistently (id 0) and the model learns to ignore them.
/// </remarks>
public sealed class BertTiny : SplitClassifier
{
    private readonly Embedding tokens;
    private readonly Embedding positions;
    private readonly LayerNorm norm;
    private readonly Dropout dropout;
    private readonly TransformerEncoder encoder;
    private readonly Linear pooler;
    private readonly Linear classifier;
    private readonly int _maxLength;
    private readonly int _classCount;

    /// <summary>Initializes a new instance of the <see cref="BertTiny"/> class.</summary>
    /// <param name="vocabularySize">Number of token ids.</param>
    /// <param name="maxLength">Longest sequence (number of position embeddings).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="hidden">Embedding width; a multiple of <paramref name="heads"/>.</param>
    /// <param name="layers">Number of encoder layers.</param>
    /// <param name="heads">Attention heads per layer.</param>
    /// <param name="feedForward">Width of each layer's feed-forward block.</param>
    /// <param name="dropout">Dropout probability (embeddings, attention and feed-forward).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public BertTiny(
        int vocabularySize = ModelDefaults.BertVocabularySize,
        int maxLength = 64,
        int classCount = 2,
        int hidden = ModelDefaults.BertHidden,
        int layers = ModelDefaults.BertLayers,
        int heads = ModelDefaults.BertHeads,
        int feedForward = ModelDefaults.BertFeedForward,
        double dropout = ModelDefaults.BertDropout)
        : base(nameof(BertTiny))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(feedForward, 1);
        if (hidden < heads || hidden % heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hidden), hidden, $"The hidden width must be a positive multiple of the {heads} heads.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(dropout);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dropout, 1.0);
        tokens = nn.Embedding(vocabularySize, hidden);
        positions = nn.Embedding(maxLength, hidden);
        norm = nn.LayerNorm(hidden);
        this.dropout = nn.Dropout(dropout);
        encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(hidden, heads, feedForward, dropout, nn.Activations.GELU), layers);
        pooler = nn.Linear(hidden, hidden);
        classifier = nn.Linear(hidden, classCount);
        _maxLength = maxLength;
        _classCount = classCount;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override string FeatureMapName => "embeddings";

    /// <inheritdoc/>
    public override int ClassCount => _classCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Head(Embed(input)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardPrefix(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Embed(input).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardSuffix(Tensor featureMap)
    {
        using var scope = NewDisposeScope();
        return Head(featureMap).MoveToOuterDisposeScope();
    }

    private Tensor Embed(Tensor ids)
    {
        if (ids.dim() != 2 || ids.shape[1] > _maxLength)
        {
            throw new ArgumentException(
                $"BertTiny takes token ids [batch, length <= {_maxLength}]; got [{string.Join(", ", ids.shape)}].", nameof(ids));
        }

        var length = ids.shape[1];
        var positionIds = torch.arange(length, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        return dropout.call(norm.call(tokens.call(ids).add(positions.call(positionIds))));
    }

    private Tensor Head(Tensor embeddings)
    {
        // The native encoder takes [length, batch, hidden].
        var encoded = encoder.call(embeddings.transpose(0, 1));
        var cls = encoded.select(0, 0);
        return classifier.call(torch.tanh(pooler.call(cls)));
    }
}
