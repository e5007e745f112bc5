using Spindle.Monitor.Masking;
using TorchSharp;
using static Spindle.Monitor.Tests.Masking.MaskingReference;

namespace Spindle.Monitor.Tests.Masking;

public class TabularVariablesTests
{
    private static readonly double[] Baseline = [0.5, -1.0, 2.0, 0.0, 3.5, -0.25];

    private static readonly int[] Features = [4, 0, 2, 5];

    [Test]
    public void BuildBatch_SeveralMasks_EqualsRowsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        float[] row = [1.5f, 2.5f, -3f, 4f, 7f, 8f];
        var variables = new TabularVariables(Baseline, Features);
        using var prepared = variables.Prepare(new Mlp(6), torch.tensor(row), 0);
        long[] masks = [0, 15, 1, 10];

        float[] actual = Floats(prepared.BuildBatch(masks));

        var expected = masks.SelectMany(mask => MaskRow(row, mask));
        Assert.That(actual, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void Evaluate_AllMasks_EqualsMlpOnRowsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(6);
        torch.manual_seed(8);
        var rows = torch.randn(3, 6);
        long[] labels = [0, 2, 1];

        double[][] actual = new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(Baseline, Features), rows, labels);

        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 3; s++)
            {
                float[] row = Floats(rows[s]);
                for (long mask = 0; mask < 16; mask++)
                {
                    double expected = LogOdds(Logits(model.call, torch.tensor(MaskRow(row, mask), [1, 6])), labels[s]);

                    // Two small linear layers, batched differently: float32 rounding only, 1e-6 (~8 float32 ulps) on O(1) log-odds.
                    Assert.That(actual[s][mask], Is.EqualTo(expected).Within(1e-6), $"sample {s}, mask {mask}");
                }
            }
        }
    }

    [Test]
    public void Constructor_NoFeatureList_MakesEveryFeatureAVariable()
    {
        var variables = new TabularVariables(Baseline);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(variables.Count, Is.EqualTo(6));
            Assert.That(variables.Features, Is.EqualTo(Enumerable.Range(0, 6)).AsCollection);
        }
    }

    [TestCase(new[] { 1, 1 })]
    [TestCase(new[] { 6 })]
    [TestCase(new[] { -1 })]
    public void Constructor_BadFeatures_Throws(int[] features)
    {
        Assert.Throws<ArgumentException>(() => new TabularVariables(Baseline, features));
    }

    [Test]
    public void Prepare_WrongFeatureCount_Throws()
    {
        using var scope = torch.NewDisposeScope();

        var error = Assert.Throws<ArgumentException>(() => new TabularVariables(Baseline).Prepare(new Mlp(6), torch.zeros(5), 2));

        Assert.That(error.Message, Does.Contain("Sample 2").And.Contain("6 features").And.Contain("[5]"));
    }

    [Test]
    public void FeatureMeans_Batch_EqualsColumnMeans()
    {
        using var scope = torch.NewDisposeScope();
        var data = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]);

        double[] expected = [3.0, 4.0];

        // Means of small integers: exact in float64.
        Assert.That(TabularVariables.FeatureMeans(data), Is.EqualTo(expected).AsCollection);
    }

    private static float[] MaskRow(float[] row, long mask)
    {
        float[] masked = (float[])row.Clone();
        for (int v = 0; v < Features.Length; v++)
        {
            if (!IsPresent(mask, v))
            {
                masked[Features[v]] = (float)Baseline[Features[v]];
            }
        }

        return masked;
    }
}
