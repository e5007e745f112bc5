using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Trainers.Models;

/// <summary>
/// A ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN plus a shortcut, then ReLU. When the stride or
/// the width changes, the shortcut is a 1x1 convolution with batch norm (He et al.'s option B).
/// </summary>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly nn.Module<Tensor, Tensor> shortcut;

    public BasicBlock(int inChannels, int outChannels, int stride)
        : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        shortcut = stride != 1 || inChannels != outChannels
            ? nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), nn.BatchNorm2d(outChannels))
            : nn.Identity();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        return nn.functional.relu(x.add(shortcut.call(input))).MoveToOuterDisposeScope();
    }
}
