using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// ResNet-20 for small images (He et al. 2016, CIFAR variant): conv3x3(16)-BN-ReLU, three stages of
/// three <see cref="BasicBlock"/>s at 16, 32 and 64 channels (stride 2 at the start of stages 2 and 3),
/// global average pooling and a linear classifier. About 0.27 M parameters.
/// </summary>
/// <remarks>
/// The feature map is <c>stage1</c>: the output of the first stage, 16 x H x W. It keeps the input's
/// spatial layout (so patches of it are patches of the image) after three residual blocks of features.
/// </remarks>
public sealed class ResNet20 : SplitClassifier
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential stage1;
    private readonly Sequential stage2;
    private readonly Sequential stage3;
    private readonly Linear fc;
    private readonly int _classCount;

    /// <summary>Initializes a new instance of the <see cref="ResNet20"/> class.</summary>
    /// <param name="inChannels">Input channels (3 for CIFAR-10, 1 for Fashion-MNIST).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public ResNet20(int inChannels = 3, int classCount = 10)
        : base(nameof(ResNet20))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        conv1 = nn.Conv2d(inChannels, 16, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(16);
        stage1 = Stage(16, 16, 1);
        stage2 = Stage(16, 32, 2);
        stage3 = Stage(32, 64, 2);
        fc = nn.Linear(64, classCount);
        _classCount = classCount;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override string FeatureMapName => "stage1";

    /// <inheritdoc/>
    public override int ClassCount => _classCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = stage3.call(stage2.call(stage1.call(x)));
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardPrefix(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        return stage1.call(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardSuffix(Tensor featureMap)
    {
        using var scope = NewDisposeScope();
        var x = stage3.call(stage2.call(featureMap));
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return fc.call(x).MoveToOuterDisposeScope();
    }

    private static Sequential Stage(int inChannels, int outChannels, int stride) => nn.Sequential(
        ("block1", new BasicBlock(inChannels, outChannels, stride)),
        ("block2", new BasicBlock(outChannels, outChannels, 1)),
        ("block3", new BasicBlock(outChannels, outChannels, 1)));
}
