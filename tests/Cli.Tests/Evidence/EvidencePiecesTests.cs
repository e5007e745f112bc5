using Spindle.Cli.Experiments.Evidence;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Cli.Tests.Evidence;

public class EvidencePiecesTests
{
    [Test]
    public void PartIndices_SixParts_AreDisjointClassBalancedAndRoundRobin()
    {
        // 10 classes x 40 images, labels in a scrambled order.
        var labels = Enumerable.Range(0, 400).Select(i => (i * 7) % 10).ToArray();
        var parts = Enumerable.Range(0, ModelZoo.PartCount).Select(p => ModelZoo.PartIndices(labels, 10, 60, seed: 3, p)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(parts.SelectMany(p => p).Distinct().Count(), Is.EqualTo(6 * 60));
            foreach (var part in parts)
            {
                Assert.That(part.GroupBy(i => labels[i]).Select(g => g.Count()), Is.All.EqualTo(6));
                Assert.That(part.Take(10).Select(i => labels[i]), Is.EqualTo(Enumerable.Range(0, 10)).AsCollection);
            }

            Assert.That(ModelZoo.PartIndices(labels, 10, 60, seed: 3, 2), Is.EqualTo(parts[2]).AsCollection);
            Assert.That(ModelZoo.PartIndices(labels, 10, 60, seed: 4, 2), Is.Not.EqualTo(parts[2]).AsCollection);
            Assert.That(() => ModelZoo.PartIndices(labels, 10, 70, seed: 3, 0), Throws.ArgumentException.With.Message.Contains("--train-size 70"));
        }
    }

    [Test]
    public void Shapes_DecayAndSpindleDistributions_AreTellApart()
    {
        // Decay: strength 1.0, 0.5, 0.2, 0.1, 0, 0 with one sign; spindle: binomial-like, balanced signs.
        var decay = new OrderDistribution([1.0, 0.5, 0.2, 0.1, 0, 0], [0, -0.05, 0, 0, 0, 0]);
        var spindle = new OrderDistribution([0.05, 0.2, 0.4, 0.4, 0.2, 0.05], [-0.05, -0.2, -0.35, -0.4, -0.2, -0.05]);
        var oneSidedMiddle = new OrderDistribution([0.05, 0.2, 0.4, 0.4, 0.2, 0.05], [0, 0, 0, 0, 0, 0]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Stats.PeakOrder(decay), Is.EqualTo(1));
            Assert.That(Stats.Decays(decay), Is.True);
            Assert.That(Stats.IsSpindle(decay), Is.False);
            Assert.That(Stats.PeakOrder(spindle), Is.EqualTo(4));
            Assert.That(Stats.Decays(spindle), Is.False);
            Assert.That(Stats.IsSpindle(spindle), Is.True);
            Assert.That(Stats.IsSpindle(oneSidedMiddle), Is.False, "no cancellation between signs");

            // Balance = Σ min / Σ max: (0 + 0.05) / (1.0 + 0.5 + 0.2 + 0.1) for the decay case; exact arithmetic.
            Assert.That(Stats.Balance(decay), Is.EqualTo(0.05 / 1.8).Within(1e-12));
            Assert.That(Stats.MeanOrder(decay), Is.EqualTo(((1 * 1.0) + (2 * 0.55) + (3 * 0.2) + (4 * 0.1)) / 1.85).Within(1e-12));
            Assert.That(Stats.LowOrderShare(decay), Is.EqualTo(1.55 / 1.85).Within(1e-12));
        }
    }

    [Test]
    public void FirstSamples_OfAnExtraction_EqualsTheExtractionOfThoseSamplesAlone()
    {
        // Random outputs of 5 samples at n = 4; the exact solver treats each sample on its own.
        var random = new Random(11);
        var outputs = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 16).Select(_ => random.NextDouble() * 4).ToArray()).ToList();
        var all = InteractionAnalyzer.Analyze(outputs);
        var direct = InteractionAnalyzer.Analyze(outputs.Take(3).ToList());

        var subset = SensitivityStudy.FirstSamples(all, 3);

        using (Assert.EnterMultipleScope())
        {
            // τ and Z differ from the full extraction's and match the direct ones to round-off (1e-12 relative).
            Assert.That(subset.Tau, Is.EqualTo(direct.Tau).Within(1e-12 * direct.Tau));
            Assert.That(subset.Tau, Is.Not.EqualTo(all.Tau).Within(1e-6 * all.Tau));
            Assert.That(subset.Normalization, Is.EqualTo(direct.Normalization).Within(1e-12 * direct.Normalization));
            Assert.That(subset.Distribution!.Positive, Is.EqualTo(direct.Distribution!.Positive).Within(1e-9).AsCollection);
            Assert.That(subset.Distribution!.Negative, Is.EqualTo(direct.Distribution!.Negative).Within(1e-9).AsCollection);
            Assert.That(SensitivityStudy.FirstSamples(all, 5), Is.SameAs(all));
        }
    }

    [Test]
    public void Spearman_MonotoneTiesAndReversal_MatchHandComputedValues()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Stats.Spearman([1, 2, 3, 4], [10, 20, 25, 100]), Is.EqualTo(1).Within(1e-12));
            Assert.That(Stats.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), Is.EqualTo(-1).Within(1e-12));

            // Ranks x = (1, 2, 3), y = (1.5, 1.5, 3) centred: (-1, 0, 1) and (-0.5, -0.5, 1): 1.5 / sqrt(2 * 1.5).
            Assert.That(Stats.Spearman([1, 2, 3], [5, 5, 9]), Is.EqualTo(1.5 / Math.Sqrt(3)).Within(1e-12));
            Assert.That(Stats.Spearman([1, 2, 3], [2, 2, 2]), Is.NaN);
        }
    }

    [Test]
    public void Spread_MeanSdRangeAndMissingValues_AreFormattedInvariantly()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Stats.Spread([1.0, 2.0, 3.0], "F2"), Is.EqualTo("2.00 ± 1.00 (1.00 to 3.00)"));
            Assert.That(Stats.Spread([1.0, double.NaN], "F1"), Is.EqualTo("1.0 (1 n/a)"));
            Assert.That(Stats.Spread([]), Is.EqualTo("n/a"));
        }
    }

    [Test]
    public void AddWeightNoise_Sigma_AddsNoiseOfThatSpreadReproducibly()
    {
        using var scope = NewDisposeScope();
        var first = nn.Linear(200, 100);
        var second = nn.Linear(200, 100);
        second.load_state_dict(first.state_dict());
        var before = first.weight!.detach().clone();

        NoiseStudy.AddWeightNoise(first, 0.05, seed: 7);
        NoiseStudy.AddWeightNoise(second, 0.05, seed: 7);
        var added = first.weight!.detach() - before;

        using (Assert.EnterMultipleScope())
        {
            // 20,000 draws: the sample sd of N(0, 0.05²) is within 2% of 0.05 with overwhelming probability.
            Assert.That(added.std().item<float>(), Is.EqualTo(0.05).Within(0.001));
            Assert.That(added.mean().item<float>(), Is.EqualTo(0).Within(0.002));
            Assert.That(first.weight!.detach().equal(second.weight!.detach()).all().item<bool>(), Is.True, "same seed, same noise");
        }
    }

    [Test]
    public void Fgsm_PaperDirection_RaisesTheLogOddsAndMovesEveryPixelByEpsilon()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(1);
        var model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3));
        var images = randn(4, 1, 4, 4);
        long[] labels = [0, 1, 2, 0];

        var up = NoiseStudy.Fgsm(model, images, labels, 0.1, ascendLoss: false);
        var down = NoiseStudy.Fgsm(model, images, labels, 0.1, ascendLoss: true);
        var target = tensor(labels);
        double V(Tensor x) => OutputFunctions.LogOdds(model.call(x), target).sum().item<double>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That((up - images).abs().max().item<float>(), Is.EqualTo(0.1f).Within(1e-6));
            Assert.That((up - images).abs().min().item<float>(), Is.EqualTo(0.1f).Within(1e-6));
            Assert.That(V(up), Is.GreaterThan(V(images)));
            Assert.That(V(down), Is.LessThan(V(images)));
        }
    }
}
