using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>A multilayer perceptron on flattened inputs: Linear-ReLU per hidden layer, then a linear classifier.</summary>
/// <remarks>The feature map is <c>relu1</c>: the first hidden layer's activations, [batch, hidden[0]].</remarks>
public sealed class Mlp : SplitClassifier
{
    private readonly Linear fc1;
    private readonly ReLU relu1;
    private readonly Sequential head;
    private readonly int _classCount;

    /// <summary>Initializes a new instance of the <see cref="Mlp"/> class.</summary>
    /// <param name="inputSize">Number of input features (after flattening).</param>
    /// <param name="hiddenSizes">Widths of the hidden layers; at least one.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentException">No hidden layer, or a size is less than 1.</exception>
    public Mlp(int inputSize, IReadOnlyList<int> hiddenSizes, int classCount)
        : base(nameof(Mlp))
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (hiddenSizes.Count == 0 || hiddenSizes.Any(h => h < 1))
        {
            throw new ArgumentException($"Mlp needs at least one hidden layer, each of width >= 1; got [{string.Join(", ", hiddenSizes)}].", nameof(hiddenSizes));
        }

        fc1 = nn.Linear(inputSize, hiddenSizes[0]);
        relu1 = nn.ReLU();
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 1; i < hiddenSizes.Count; i++)
        {
            layers.Add(($"fc{i + 1}", nn.Linear(hiddenSizes[i - 1], hiddenSizes[i])));
            layers.Add(($"relu{i + 1}", nn.ReLU()));
        }

        layers.Add(("out", nn.Linear(hiddenSizes[^1], classCount)));
        head = nn.Sequential(layers);
        _classCount = classCount;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override string FeatureMapName => "relu1";

    /// <inheritdoc/>
    public override int ClassCount => _classCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return head.call(relu1.call(fc1.call(input.flatten(1)))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardPrefix(Tensor input)
    {
        using var scope = NewDisposeScope();
        return relu1.call(fc1.call(input.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardSuffix(Tensor featureMap) => head.call(featureMap);
}
