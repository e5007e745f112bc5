using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer.Tests;

public class FeatureMapTermTests
{
    [Test]
    public void Compute_FeatureMapPatches_RunsThePrefixOncePerRowAndItsGradientReachesThePrefix()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new TinySplit(seed: 1);
        using var baseline = new TinySplit(seed: 2);
        torch.random.manual_seed(3);
        var inputs = torch.randn(3, 1, 4, 4, dtype: ScalarType.Float64);
        var labels = torch.tensor(new long[] { 0, 1, 2 });
        var variables = new FeatureMapPatchVariables(PatchSelection.Fixed(0, 1, 2, 3), new PatchGrid(2, 2));
        var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = 1, WarmupSteps = 0, SamplesPerStep = 2, Variables = variables });

        model.PrefixCalls = 0;
        var term = regularizer.Compute(model, inputs, labels, 0)!;
        var prefixCalls = model.PrefixCalls;
        term.Loss.backward();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(prefixCalls, Is.EqualTo(2), "one prefix pass per penalised row; the 2 x 16 masked maps run through the suffix only");
            Assert.That(model.SuffixRows, Is.EqualTo(32));
            Assert.That(term.PenalizedCount, Is.GreaterThan(0));
            Assert.That(model.PrefixWeight.grad!.abs().sum().item<double>(), Is.GreaterThan(0));
        }
    }

    [Test]
    public void Compute_FeatureMapPatchesWithBatchNorm_LeavesNoTraceInTheBuffersAndReachesThePrefix()
    {
        // The prefix runs per unmasked row (its batch norm on running statistics); the suffix's batch norm normalises the
        // 2 x 16 masked maps by their own statistics. Neither may update a running statistic or count a batch.
        using var scope = torch.NewDisposeScope();
        using var model = new TinySplit(seed: 1, batchNorm: true);
        using var baseline = new TinySplit(seed: 2, batchNorm: true);
        torch.random.manual_seed(3);
        var inputs = torch.randn(3, 1, 4, 4, dtype: ScalarType.Float64);
        var labels = torch.tensor(new long[] { 0, 1, 2 });
        var variables = new FeatureMapPatchVariables(PatchSelection.Fixed(0, 1, 2, 3), new PatchGrid(2, 2));
        var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = 1, WarmupSteps = 0, SamplesPerStep = 2, Variables = variables });
        var before = model.buffers().Select(b => b.clone()).ToArray();
        model.train();

        var term = regularizer.Compute(model, inputs, labels, 0)!;
        term.Loss.backward();
        var after = model.buffers().ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after, Has.Length.EqualTo(6), "two batch norms: running mean, running variance, batches tracked");
            for (var i = 0; i < after.Length; i++)
            {
                Assert.That(after[i].eq(before[i]).all().item<bool>(), Is.True, $"buffer {i} changed");
            }

            Assert.That(model.training, Is.True);
            Assert.That(term.Penalty, Is.GreaterThan(0));
            Assert.That(model.PrefixWeight.grad!.abs().sum().item<double>(), Is.GreaterThan(0));
        }
    }

    [Test]
    public void Compute_SameRowsAgain_UsesTheCachedBaselineInteractions()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new TinySplit(seed: 1);
        using var baseline = new TinySplit(seed: 2);
        torch.random.manual_seed(3);
        var inputs = torch.randn(3, 1, 4, 4, dtype: ScalarType.Float64);
        var labels = torch.tensor(new long[] { 0, 1, 2 });
        var variables = new FeatureMapPatchVariables(PatchSelection.Fixed(0, 1, 2, 3), new PatchGrid(2, 2));
        var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { WarmupSteps = 0, SamplesPerStep = 2, Variables = variables });

        var first = regularizer.Compute(model, inputs, labels, 0)!;
        var afterFirst = baseline.PrefixCalls;
        var second = regularizer.Compute(model, inputs, labels, 1)!;
        var third = regularizer.Compute(model, inputs.flip(0), labels.flip(0), 2)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterFirst, Is.EqualTo(2));
            Assert.That(baseline.PrefixCalls, Is.EqualTo(3), "the second step reused both rows; the third met one new row (row 2)");
            Assert.That(regularizer.CachedSampleCount, Is.EqualTo(3));
            Assert.That(second.Penalty, Is.EqualTo(first.Penalty));
            Assert.That(third.SampleCount, Is.EqualTo(2));
        }
    }

    /// <summary>conv(1→2, 3x3) and tanh as the prefix (a [2, 4, 4] map), a linear layer on the flattened map as the suffix.</summary>
    private sealed class TinySplit : nn.Module<Tensor, Tensor>, IFeatureMapSplit
    {
        private readonly TorchSharp.Modules.Conv2d conv;
        private readonly TorchSharp.Modules.Linear fc;
        private readonly nn.Module<Tensor, Tensor> prefixNorm;
        private readonly nn.Module<Tensor, Tensor> suffixNorm;

        /// <param name="seed">Initialisation seed.</param>
        /// <param name="batchNorm">Whether a batch norm follows the convolution (prefix) and precedes the linear layer (suffix).</param>
        public TinySplit(int seed, bool batchNorm = false)
            : base(nameof(TinySplit))
        {
            torch.random.manual_seed(seed);
            conv = nn.Conv2d(1, 2, 3, padding: 1);
            fc = nn.Linear(32, 3);
            prefixNorm = batchNorm ? nn.BatchNorm2d(2) : nn.Identity();
            suffixNorm = batchNorm ? nn.BatchNorm1d(32) : nn.Identity();
            RegisterComponents();
            this.to(ScalarType.Float64);
            using (torch.no_grad())
            {
                foreach (var p in parameters())
                {
                    p.mul_(3.0);
                }
            }
        }

        public int PrefixCalls { get; set; }

        public long SuffixRows { get; private set; }

        public Tensor PrefixWeight => conv.weight!;

        public string FeatureMapName => "tanh";

        public Tensor ForwardPrefix(Tensor input)
        {
            PrefixCalls++;
            return prefixNorm.call(conv.call(input)).tanh();
        }

        public Tensor ForwardSuffix(Tensor featureMap)
        {
            SuffixRows += featureMap.shape[0];
            return fc.call(suffixNorm.call(featureMap.flatten(1)));
        }

        public override Tensor forward(Tensor input) => ForwardSuffix(ForwardPrefix(input));
    }
}
