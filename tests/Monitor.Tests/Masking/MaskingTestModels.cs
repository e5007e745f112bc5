using Spindle.Monitor.Masking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Masking;

/// <summary>A small CNN over [channels, 28, 28] with dropout, split after its second ReLU (a [6, 28, 28] map).</summary>
internal sealed class SplitCnn : nn.Module<Tensor, Tensor>, IFeatureMapSplit
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly MaxPool2d pool;
    private readonly Dropout dropout;
    private readonly Linear fc;

    public SplitCnn(int channels = 1, int classes = 5, long seed = 7) : base(nameof(SplitCnn))
    {
        torch.manual_seed(seed);
        conv1 = nn.Conv2d(channels, 4, 3, padding: 1);
        conv2 = nn.Conv2d(4, 6, 3, padding: 1);
        pool = nn.MaxPool2d(4);
        dropout = nn.Dropout(0.5);
        fc = nn.Linear(6 * 7 * 7, classes);
        RegisterComponents();
    }

    public Dropout DropoutLayer => dropout;

    public string FeatureMapName => "relu2";

    public Tensor ForwardPrefix(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return nn.functional.relu(conv2.call(nn.functional.relu(conv1.call(input)))).MoveToOuterDisposeScope();
    }

    public Tensor ForwardSuffix(Tensor featureMap)
    {
        using var scope = torch.NewDisposeScope();
        return fc.call(dropout.call(pool.call(featureMap).flatten(1))).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return ForwardSuffix(ForwardPrefix(input)).MoveToOuterDisposeScope();
    }
}

/// <summary>Token ids [batch, length] -> embedding -> mean over positions -> linear (any length).</summary>
internal sealed class MeanEmbeddingText : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly Linear fc;

    public MeanEmbeddingText(int vocabulary = 30, int classes = 3, long seed = 11) : base(nameof(MeanEmbeddingText))
    {
        torch.manual_seed(seed);
        embedding = nn.Embedding(vocabulary, 8);
        fc = nn.Linear(8, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        return fc.call(embedding.call(ids).mean([1L])).MoveToOuterDisposeScope();
    }
}

/// <summary>Token ids [batch, length] -> embedding -> flatten -> linear (fixed length, position-aware).</summary>
internal sealed class FlatEmbeddingText : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embedding;
    private readonly Linear fc;

    public FlatEmbeddingText(int length, int vocabulary = 30, int classes = 3, long seed = 13) : base(nameof(FlatEmbeddingText))
    {
        torch.manual_seed(seed);
        embedding = nn.Embedding(vocabulary, 4);
        fc = nn.Linear(length * 4, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        return fc.call(embedding.call(ids).flatten(1)).MoveToOuterDisposeScope();
    }
}

/// <summary>A two-layer MLP over [batch, features].</summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public Mlp(int features, int classes = 3, long seed = 17) : base(nameof(Mlp))
    {
        torch.manual_seed(seed);
        fc1 = nn.Linear(features, 16);
        fc2 = nn.Linear(16, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return fc2.call(nn.functional.relu(fc1.call(input))).MoveToOuterDisposeScope();
    }
}

/// <summary>A two-layer MLP that records, on every forward pass, whether gradients were enabled and whether its output requires a gradient.</summary>
internal sealed class GradientRecordingMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public GradientRecordingMlp(int features, int classes = 3, long seed = 19) : base(nameof(GradientRecordingMlp))
    {
        torch.manual_seed(seed);
        fc1 = nn.Linear(features, 8);
        fc2 = nn.Linear(8, classes);
        RegisterComponents();
    }

    public List<bool> GradientEnabled { get; } = [];

    public List<bool> OutputRequiresGradient { get; } = [];

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        GradientEnabled.Add(torch.is_grad_enabled());
        var output = fc2.call(nn.functional.relu(fc1.call(input)));
        OutputRequiresGradient.Add(output.requires_grad);
        return output.MoveToOuterDisposeScope();
    }
}

/// <summary>Logits [sqrt(x0 + x1 + x2), 0]: NaN where the sum is negative.</summary>
internal sealed class SqrtOfSum : nn.Module<Tensor, Tensor>
{
    public SqrtOfSum() : base(nameof(SqrtOfSum))
    {
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var root = input.sum([1L], keepdim: true).sqrt();
        return torch.cat([root, torch.zeros_like(root)], 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Records every report synchronously (unlike <see cref="Progress{T}"/>, which posts).</summary>
internal sealed class RecordingProgress : IProgress<MaskingProgress>
{
    public List<MaskingProgress> Reports { get; } = [];

    public void Report(MaskingProgress value) => Reports.Add(value);
}

/// <summary>Hand computations the tests compare against.</summary>
internal static class MaskingReference
{
    /// <summary>Log-odds of class y from logits, in double: z_y - log(sum_{c != y} exp z_c), with the max shifted out.</summary>
    public static double LogOdds(double[] z, long y)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < z.Length; c++)
        {
            if (c != y)
            {
                max = Math.Max(max, z[c]);
            }
        }

        double sum = 0;
        for (int c = 0; c < z.Length; c++)
        {
            if (c != y)
            {
                sum += Math.Exp(z[c] - max);
            }
        }

        return z[y] - (max + Math.Log(sum));
    }

    /// <summary>Runs the module on one input [1, ...] and returns the logits as doubles.</summary>
    public static double[] Logits(Func<Tensor, Tensor> forward, Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return forward(input).to_type(ScalarType.Float64).flatten().data<double>().ToArray();
    }

    /// <summary>Reads a tensor's elements as floats.</summary>
    public static float[] Floats(Tensor t) => t.contiguous().data<float>().ToArray();

    public static bool IsPresent(long mask, int variable) => ((mask >> variable) & 1) != 0;
}
