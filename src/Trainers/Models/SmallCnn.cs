using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// The pilot's small CNN for 28x28 (or any size divisible by 4) images: conv3x3(32)-ReLU-maxpool2,
/// conv3x3(64)-ReLU-maxpool2, fc(256)-ReLU-dropout, fc(classes). Convolutions are padded, so a
/// 28x28 input gives 32x14x14 and 64x7x7 maps.
/// </summary>
/// <remarks>The feature map is <c>relu2</c>: the second ReLU's output, 64 x (H/2) x (W/2), before the second pooling.</remarks>
public sealed class SmallCnn : SplitClassifier
{
    private readonly Conv2d conv1;
    private readonly ReLU relu1;
    private readonly Conv2d conv2;
    private readonly ReLU relu2;
    private readonly Linear fc1;
    private readonly ReLU relu3;
    private readonly Dropout dropout;
    private readonly Linear fc2;
    private readonly int _classCount;

    /// <summary>Initializes a new instance of the <see cref="SmallCnn"/> class.</summary>
    /// <param name="inChannels">Input channels (1 for Fashion-MNIST).</param>
    /// <param name="imageSize">Input height and width; a multiple of 4.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="dropout">Dropout probability before the last layer (0: none, as in the pilot).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public SmallCnn(int inChannels = 1, int imageSize = 28, int classCount = 10, double dropout = 0)
        : base(nameof(SmallCnn))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 4);
        if (imageSize % 4 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "SmallCnn needs an image size divisible by 4 (two 2x2 poolings).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(dropout);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dropout, 1.0);
        var pooled = imageSize / 4;
        conv1 = nn.Conv2d(inChannels, 32, 3, padding: 1);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        relu2 = nn.ReLU();
        fc1 = nn.Linear(64L * pooled * pooled, 256);
        relu3 = nn.ReLU();
        this.dropout = nn.Dropout(dropout);
        fc2 = nn.Linear(256, classCount);
        _classCount = classCount;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override string FeatureMapName => "relu2";

    /// <inheritdoc/>
    public override int ClassCount => _classCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(relu1.call(conv1.call(input)), 2);
        x = nn.functional.max_pool2d(relu2.call(conv2.call(x)), 2);
        x = dropout.call(relu3.call(fc1.call(x.flatten(1))));
        return fc2.call(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardPrefix(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(relu1.call(conv1.call(input)), 2);
        return relu2.call(conv2.call(x)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardSuffix(Tensor featureMap)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.max_pool2d(featureMap, 2).flatten(1);
        x = dropout.call(relu3.call(fc1.call(x)));
        return fc2.call(x).MoveToOuterDisposeScope();
    }
}
