using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// VGG-11 with batch norm (configuration A of Simonyan and Zisserman: 64, M, 128, M, 256, 256, M,
/// 512, 512, M, 512, 512, M) for small images, every width scaled by a multiplier, and a single
/// linear classifier on the final 1x1 map. Poolings round up (ceil mode), so 28x28 and 32x32 inputs
/// both end at 1x1 after the five poolings.
/// </summary>
/// <remarks>The feature map is <c>relu2</c>: the second ReLU's output, (128 x width) x (H/2) x (W/2), before the second pooling.</remarks>
public sealed class Vgg11 : SplitClassifier
{
    private static readonly int[] Widths = [64, 128, 256, 256, 512, 512, 512, 512];
    private static readonly bool[] PoolAfter = [true, true, false, true, false, true, false, true];

    private readonly Sequential front;
    private readonly Sequential back;
    private readonly Linear classifier;
    private readonly int _classCount;

    /// <summary>Initializes a new instance of the <see cref="Vgg11"/> class.</summary>
    /// <param name="inChannels">Input channels (1 for Fashion-MNIST, 3 for CIFAR-10).</param>
    /// <param name="imageSize">Input height and width (28 or 32 typically); at least 2.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="widthMultiplier">Scales every layer's width (1: the original 64..512; 0.25: 16..128).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public Vgg11(int inChannels = 3, int imageSize = 32, int classCount = 10, double widthMultiplier = ModelDefaults.VggWidthMultiplier)
        : base(nameof(Vgg11))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(widthMultiplier);
        var widths = Widths.Select(w => Math.Max(1, (int)Math.Round(w * widthMultiplier))).ToArray();
        var frontLayers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var backLayers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var channels = inChannels;
        for (var i = 0; i < widths.Length; i++)
        {
            var target = i < 2 ? frontLayers : backLayers;
            var n = i + 1;
            target.Add(($"conv{n}", nn.Conv2d(channels, widths[i], 3, padding: 1, bias: false)));
            target.Add(($"bn{n}", nn.BatchNorm2d(widths[i])));
            target.Add(($"relu{n}", nn.ReLU()));

            // The second pooling starts the suffix: the feature map is relu2 itself.
            if (PoolAfter[i])
            {
                (i == 0 ? frontLayers : backLayers).Add(($"pool{n}", nn.MaxPool2d(2, 2, ceil_mode: true)));
            }

            channels = widths[i];
        }

        front = nn.Sequential(frontLayers);
        back = nn.Sequential(backLayers);
        classifier = nn.Linear(channels, classCount);
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
        var x = back.call(front.call(input));
        return classifier.call(nn.functional.adaptive_max_pool2d(x, [1, 1]).flatten(1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor ForwardPrefix(Tensor input) => front.call(input);

    /// <inheritdoc/>
    public override Tensor ForwardSuffix(Tensor featureMap)
    {
        using var scope = NewDisposeScope();
        var x = back.call(featureMap);
        return classifier.call(nn.functional.adaptive_max_pool2d(x, [1, 1]).flatten(1)).MoveToOuterDisposeScope();
    }
}
