using Spindle.Monitor.Masking;
using TorchSharp;
using static Spindle.Monitor.Tests.Masking.MaskingReference;

namespace Spindle.Monitor.Tests.Masking;

public class TokenVariablesTests
{
    private const long MaskId = 29;

    private static readonly long[] Sentence = [1, 7, 12, 5, 9, 22, 3, 2];

    private static readonly int[] Positions = [1, 2, 4, 6];

    [Test]
    public void BuildBatch_SeveralMasks_EqualsIdsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        var variables = new TokenVariables(MaskId, [Positions]);
        using var prepared = variables.Prepare(new FlatEmbeddingText(8), torch.tensor(Sentence), 0);
        long[] masks = [0, 15, 6, 9];

        long[] actual = prepared.BuildBatch(masks).data<long>().ToArray();

        var expected = masks.SelectMany(mask => MaskIds(Sentence, Positions, mask));
        Assert.That(actual, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void Evaluate_AllMasks_EqualsModelOnIdsMaskedByHand()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new FlatEmbeddingText(8);
        long[] other = [1, 4, 4, 18, 6, 11, 10, 2];
        int[] otherPositions = [0, 3, 5, 7];
        var variables = new TokenVariables(MaskId, [Positions, otherPositions]);
        long[] labels = [2, 1];

        double[][] actual = new MaskedOutputEvaluator().Evaluate(
            model, variables, [torch.tensor(Sentence), torch.tensor(other)], labels);

        model.eval();
        using (Assert.EnterMultipleScope())
        {
            for (long mask = 0; mask < 16; mask++)
            {
                double first = LogOdds(Logits(model.call, torch.tensor(MaskIds(Sentence, Positions, mask), [1, 8])), labels[0]);
                double second = LogOdds(Logits(model.call, torch.tensor(MaskIds(other, otherPositions, mask), [1, 8])), labels[1]);

                // Embedding lookup + one linear layer; batch-size-dependent float32 rounding only: 1e-6 (~8 float32 ulps) on O(1) log-odds.
                Assert.That(actual[0][mask], Is.EqualTo(first).Within(1e-6), $"mask {mask}");
                Assert.That(actual[1][mask], Is.EqualTo(second).Within(1e-6), $"mask {mask}");
            }
        }
    }

    [Test]
    public void Evaluate_SamplesOfDifferentLengths_EachEqualsItsOwnRun()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new MeanEmbeddingText();
        var samples = new[] { torch.tensor(Sentence), torch.tensor(new long[] { 1, 8, 9, 2 }), torch.tensor(new long[] { 1, 3, 3, 3, 3, 2 }) };
        long[] labels = [0, 1, 2];
        var variables = TokenVariables.RandomPositions(MaskId, 2, seed: 9);
        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = 1 << 20 });

        double[][] together = evaluator.Evaluate(model, variables, samples, labels);

        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 3; s++)
            {
                // Run alone, sample s gets index 0; give it its own positions so the variables match.
                var alone = new TokenVariables(MaskId, [variables.PositionsFor(samples[s], s)]);
                double[] expected = evaluator.Evaluate(model, alone, [samples[s]], [labels[s]])[0];

                // The same rows in batches of other composition: float32 rounding only, 1e-6 (~8 float32 ulps) on O(1) log-odds.
                Assert.That(together[s], Is.EqualTo(expected).AsCollection.Within(1e-6), $"sample {s}");
            }
        }
    }

    [Test]
    public void RandomPositions_ExcludedIds_NeverChosenAndReproducible()
    {
        using var scope = torch.NewDisposeScope();
        var sample = torch.tensor(Sentence);
        long[] excluded = [1, 2, 3];
        var seen = new HashSet<int>();
        using (Assert.EnterMultipleScope())
        {
            for (int seed = 0; seed < 50; seed++)
            {
                var positions = TokenVariables.RandomPositions(MaskId, 3, seed, excluded).PositionsFor(sample, 0);
                var again = TokenVariables.RandomPositions(MaskId, 3, seed, excluded).PositionsFor(sample, 0);
                Assert.That(again, Is.EqualTo(positions).AsCollection);
                Assert.That(positions, Has.Count.EqualTo(3).And.Unique);
                seen.UnionWith(positions);
            }

            // Ids 1, 2 and 3 sit at positions 0, 7 and 6; the five others are all drawn over 50 seeds.
            int[] eligible = [1, 2, 3, 4, 5];
            Assert.That(seen, Is.EquivalentTo(eligible));
        }
    }

    [Test]
    public void Prepare_TooFewEligibleTokens_ThrowsWithCounts()
    {
        using var scope = torch.NewDisposeScope();
        var variables = TokenVariables.RandomPositions(MaskId, 7, seed: 1, excludedTokenIds: [1, 2]);

        var error = Assert.Throws<ArgumentException>(() => variables.Prepare(new MeanEmbeddingText(), torch.tensor(Sentence), 3));

        Assert.That(error.Message, Does.Contain("Sample 3 has 6 eligible tokens of 8; 7 variables"));
    }

    [Test]
    public void Prepare_FloatSample_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var variables = new TokenVariables(MaskId, [Positions]);

        var error = Assert.Throws<ArgumentException>(() => variables.Prepare(new MeanEmbeddingText(), torch.zeros(8), 0));

        Assert.That(error.Message, Does.Contain("integer token ids"));
    }

    [Test]
    public void Constructor_ListsOfDifferentLengths_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenVariables(MaskId, [[1, 2], [1, 2, 3]]));

        Assert.That(error.Message, Does.Contain("Sample 1"));
    }

    private static long[] MaskIds(long[] ids, int[] positions, long mask)
    {
        long[] masked = (long[])ids.Clone();
        for (int v = 0; v < positions.Length; v++)
        {
            if (!IsPresent(mask, v))
            {
                masked[positions[v]] = MaskId;
            }
        }

        return masked;
    }
}
