using Spindle.Monitor.Masking;
using TorchSharp;
using static Spindle.Monitor.Tests.Masking.MaskingReference;

namespace Spindle.Monitor.Tests.Masking;

public class FeatureMapPatchVariablesTests
{
    // An 8x8 grid over the 28x28 map: patch rows/columns start at floor(i * 28 / 8).
    private static readonly int[] Starts = [0, 3, 7, 10, 14, 17, 21, 24, 28];

    private static readonly int[] Cells = [9, 18, 27, 36, 45];

    [Test]
    public void BuildBatch_SeveralMasks_EqualsFeatureMapsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        model.eval();
        torch.manual_seed(4);
        var image = torch.rand(1, 28, 28);
        var variables = new FeatureMapPatchVariables(PatchSelection.Fixed(Cells), baseline: 0.25);
        using var prepared = variables.Prepare(model, image, 0);
        long[] masks = [0, 31, 5, 26];

        float[] actual = Floats(prepared.BuildBatch(masks));

        float[] map = Floats(model.ForwardPrefix(image.unsqueeze(0)));
        var expected = new List<float>();
        foreach (long mask in masks)
        {
            expected.AddRange(MaskMap(map, mask, 0.25f));
        }

        // Masking selects values (no arithmetic), so the batch equals the hand-built one bit for bit.
        Assert.That(actual, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void Evaluate_AllMasks_EqualsSuffixOnFeatureMapsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(5);
        var images = torch.rand(2, 1, 28, 28);
        long[] labels = [1, 4];
        var variables = new FeatureMapPatchVariables(PatchSelection.Fixed(Cells));

        double[][] actual = new MaskedOutputEvaluator().Evaluate(model, variables, images, labels);

        model.eval();
        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 2; s++)
            {
                float[] map = Floats(model.ForwardPrefix(images[s].unsqueeze(0)));
                for (long mask = 0; mask < 32; mask++)
                {
                    var masked = torch.tensor(MaskMap(map, mask, 0f), [1, 6, 28, 28]);
                    double expected = LogOdds(Logits(model.ForwardSuffix, masked), labels[s]);

                    // One map per forward here, 32 per forward in the evaluator: float32 kernels may round
                    // differently with batch size; the log-odds are O(1), so 1e-6 is ~8 float32 ulps (measured differences: up to 6e-8).
                    Assert.That(actual[s][mask], Is.EqualTo(expected).Within(1e-6), $"sample {s}, mask {mask}");
                }
            }
        }
    }

    [Test]
    public void Evaluate_AllPresent_EqualsWholeModelOnTheImage()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(6);
        var images = torch.rand(3, 1, 28, 28);
        long[] labels = [0, 2, 4];

        double[][] actual = new MaskedOutputEvaluator().Evaluate(model, new FeatureMapPatchVariables(PatchSelection.Fixed(Cells)), images, labels);

        model.eval();
        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 3; s++)
            {
                double expected = LogOdds(Logits(model.call, images[s].unsqueeze(0)), labels[s]);

                // Mask 31 keeps every patch: prefix + suffix is the model; batch-size rounding as above.
                Assert.That(actual[s][31], Is.EqualTo(expected).Within(1e-6), $"sample {s}");
            }
        }
    }

    [Test]
    public void Evaluate_ModelWithoutSplit_ThrowsNamingTheInterface()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(4);

        var error = Assert.Throws<ArgumentException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new FeatureMapPatchVariables(PatchSelection.Fixed(1, 2)), torch.zeros(1, 4), [0]));

        Assert.That(error.Message, Does.Contain("IFeatureMapSplit").And.Contain("Mlp"));
    }

    [Test]
    public void Constructor_NoGrid_UsesThePapersEightByEight()
    {
        var variables = new FeatureMapPatchVariables(PatchSelection.RandomCentral(10, seed: 1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(variables.Grid.Rows, Is.EqualTo(8));
            Assert.That(variables.Grid.Columns, Is.EqualTo(8));
            Assert.That(variables.Selection.Margin, Is.EqualTo(1));
            Assert.That(variables.Baseline, Is.Zero);
            Assert.That(variables.Count, Is.EqualTo(10));
        }
    }

    private static float[] MaskMap(float[] map, long mask, float baseline)
    {
        float[] masked = (float[])map.Clone();
        for (int v = 0; v < Cells.Length; v++)
        {
            if (IsPresent(mask, v))
            {
                continue;
            }

            int row = Cells[v] / 8;
            int col = Cells[v] % 8;
            for (int c = 0; c < 6; c++)
            {
                for (int r = Starts[row]; r < Starts[row + 1]; r++)
                {
                    for (int x = Starts[col]; x < Starts[col + 1]; x++)
                    {
                        masked[(c * 784) + (r * 28) + x] = baseline;
                    }
                }
            }
        }

        return masked;
    }
}
