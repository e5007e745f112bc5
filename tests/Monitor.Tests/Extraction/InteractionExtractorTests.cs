using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Tests.Masking;
using TorchSharp;

namespace Spindle.Monitor.Tests.Extraction;

public class InteractionExtractorTests
{
    [Test]
    public void Extract_RealCnn_InteractionsReproduceEveryMaskedOutput()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(3);
        var samples = torch.rand(3, 1, 28, 28);
        long[] labels = [0, 2, 4];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(6, seed: 5, margin: 0));

        var extraction = new InteractionExtractor().Extract(model, variables, samples, labels);

        Assert.That(extraction.Samples, Has.Count.EqualTo(3));
        var n = extraction.VariableCount;
        Assert.That(n, Is.EqualTo(6));
        using (Assert.EnterMultipleScope())
        {
            foreach (var sample in extraction.Samples)
            {
                // Universal matching (Theorem 2.1) with the noise term: v(x_T) - delta_T equals
                // v(x_empty) - delta_empty + sum of AND over non-empty subsets of T + sum of OR meeting T.
                // The outputs are O(1)-O(10) log-odds; 1e-9 absorbs float64 rounding of 2^6-term sums.
                for (var t = 0; t < 1 << n; t++)
                {
                    var reconstructed = sample.Values[0] - sample.Delta[0];
                    for (var s = 1; s < 1 << n; s++)
                    {
                        if ((s & ~t) == 0)
                        {
                            reconstructed += sample.And[s];
                        }

                        if ((s & t) != 0)
                        {
                            reconstructed += sample.Or[s];
                        }
                    }

                    Assert.That(reconstructed, Is.EqualTo(sample.Values[t] - sample.Delta[t]).Within(1e-9), $"mask {t}");
                }
            }
        }
    }

    [Test]
    public void Extract_OutputsMatchEvaluatorOutputs()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        torch.manual_seed(4);
        var samples = torch.rand(2, 1, 28, 28);
        long[] labels = [1, 3];
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(5, seed: 9, margin: 0));

        var outputs = new MaskedOutputEvaluator().Evaluate(model, variables, samples, labels);
        var extraction = new InteractionExtractor().Extract(model, variables, samples, labels);

        // Same model, same masked batches, same chunking: bit-identical outputs are expected.
        Assert.That(extraction.Samples.Select(s => s.Values).ToArray(), Is.EqualTo(outputs).AsCollection);
    }

    [Test]
    public void Extract_MoreVariablesThanAnalysisLimit_Throws()
    {
        using var model = new SplitCnn();
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(6, seed: 5, margin: 0));
        var extractor = new InteractionExtractor(analysis: new InteractionAnalysisOptions { MaxVariables = 5 });

        using var samples = torch.rand(1, 1, 28, 28);
        Assert.That(
            () => extractor.Extract(model, variables, samples, [0]),
            Throws.ArgumentException.With.Message.Contains("6 input variables exceed the analysis limit of 5"));
    }
}
