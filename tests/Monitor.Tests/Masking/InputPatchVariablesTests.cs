using Spindle.Monitor.Masking;
using TorchSharp;
using static Spindle.Monitor.Tests.Masking.MaskingReference;

namespace Spindle.Monitor.Tests.Masking;

public class InputPatchVariablesTests
{
    private static readonly int[] Cells = [0, 5, 10, 15, 3, 12];

    [Test]
    public void BuildBatch_SeveralMasks_EqualsImagesMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var image = torch.rand(3, 28, 28);
        double[] baseline = [0.1, 0.2, 0.3];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells), baseline);
        using var prepared = variables.Prepare(new Mlp(1), image, 0);
        long[] masks = [0, 1, 0b101010, 63, 17];

        float[] actual = Floats(prepared.BuildBatch(masks));

        float[] pixels = Floats(image);
        var expected = new List<float>();
        foreach (long mask in masks)
        {
            float[] masked = (float[])pixels.Clone();
            for (int v = 0; v < Cells.Length; v++)
            {
                if (IsPresent(mask, v))
                {
                    continue;
                }

                int top = Cells[v] / 4 * 7;
                int left = Cells[v] % 4 * 7;
                for (int c = 0; c < 3; c++)
                {
                    for (int r = top; r < top + 7; r++)
                    {
                        for (int col = left; col < left + 7; col++)
                        {
                            masked[(c * 784) + (r * 28) + col] = (float)baseline[c];
                        }
                    }
                }
            }

            expected.AddRange(masked);
        }

        // Masking selects values (no arithmetic), so the batch equals the hand-built one bit for bit.
        Assert.That(actual, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void Evaluate_AllMasks_EqualsModelOnImagesMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(2);
        var images = torch.rand(2, 1, 28, 28);
        long[] labels = [3, 0];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells));

        double[][] actual = new MaskedOutputEvaluator().Evaluate(model, variables, images, labels);

        model.eval();
        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 2; s++)
            {
                float[] pixels = Floats(images[s]);
                for (long mask = 0; mask < 64; mask++)
                {
                    float[] masked = (float[])pixels.Clone();
                    for (int v = 0; v < Cells.Length; v++)
                    {
                        if (!IsPresent(mask, v))
                        {
                            int top = Cells[v] / 4 * 7;
                            int left = Cells[v] % 4 * 7;
                            for (int r = top; r < top + 7; r++)
                            {
                                Array.Fill(masked, 0f, (r * 28) + left, 7);
                            }
                        }
                    }

                    double expected = LogOdds(Logits(model.call, torch.tensor(masked, [1, 1, 28, 28])), labels[s]);

                    // One image per forward here, 64 per forward in the evaluator: float32 conv kernels may round
                    // differently with batch size; the log-odds are O(1), so 1e-6 is ~8 float32 ulps (measured differences: up to 6e-8).
                    Assert.That(actual[s][mask], Is.EqualTo(expected).Within(1e-6), $"sample {s}, mask {mask}");
                }
            }
        }
    }

    [Test]
    public void ChannelMeans_Batch_EqualsLoopMeans()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var images = torch.rand(4, 2, 5, 6);
        float[] values = Floats(images);
        double[] expected = new double[2];
        for (int b = 0; b < 4; b++)
        {
            for (int c = 0; c < 2; c++)
            {
                for (int i = 0; i < 30; i++)
                {
                    expected[c] += values[(b * 60) + (c * 30) + i] / 120.0;
                }
            }
        }

        // float64 sums of 120 values in [0, 1) in two different orders: agree to ~1e-15.
        Assert.That(InputPatchVariables.ChannelMeans(images), Is.EqualTo(expected).AsCollection.Within(1e-12));
    }

    [Test]
    public void Prepare_BaselineForOtherChannelCount_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(0, 1), [0.5, 0.5]);

        var error = Assert.Throws<ArgumentException>(() => variables.Prepare(new Mlp(1), torch.zeros(3, 28, 28), 4));

        Assert.That(error.Message, Does.Contain("Sample 4 has 3 channels but 2 baseline values"));
    }

    [Test]
    public void Prepare_SampleWithoutChannels_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(0, 1));

        var error = Assert.Throws<ArgumentException>(() => variables.Prepare(new Mlp(1), torch.zeros(28, 28), 0));

        Assert.That(error.Message, Does.Contain("[channels, height, width]").And.Contain("[28, 28]"));
    }

    [Test]
    public void Constructor_NonFiniteBaseline_Throws()
    {
        Assert.Throws<ArgumentException>(() => new InputPatchVariables(new PatchGrid(2, 2), PatchSelection.Fixed(0), [double.NaN]));
    }
}
