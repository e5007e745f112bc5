using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Masking;

public class MaskedOutputEvaluatorTests
{
    // One masked 1x28x28 float32 image.
    private const long ImageRowBytes = 28 * 28 * 4;

    private static readonly int[] Cells = [0, 5, 6, 9, 15];

    private static readonly long[] Labels = [1, 3, 0];

    // Rows per chunk: 1 (one pass per mask), 5 (splits every sample and spans samples), 32 (one sample),
    // 45 (spans samples unevenly), 1000 (everything in one pass).
    [TestCase(1)]
    [TestCase(5)]
    [TestCase(32)]
    [TestCase(45)]
    [TestCase(1000)]
    public void Evaluate_ChunkSizes_EqualOneUnchunkedPass(int rowsPerChunk)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var images = Images(3);
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells));
        double[][] unchunked = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = long.MaxValue, MaxChunkRows = int.MaxValue }).Evaluate(model, variables, images, Labels);

        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = (rowsPerChunk * ImageRowBytes) + 7, MaxChunkRows = int.MaxValue });
        double[][] chunked = evaluator.Evaluate(model, variables, images, Labels);

        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 3; s++)
            {
                // The conv kernels may block differently for batches of 1 and of 96 rows, so float32 logits can
                // differ in the last bits (measured: up to 6e-8); 1e-6 on O(1) log-odds is ~8 float32 ulps.
                Assert.That(chunked[s], Is.EqualTo(unchunked[s]).AsCollection.Within(1e-6), $"sample {s}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(64)]
    public void Evaluate_FeatureMapChunkSizes_EqualOneUnchunkedPass(int rowsPerChunk)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var images = Images(3);
        var variables = new FeatureMapPatchVariables(PatchSelection.RandomCentral(5, seed: 3));
        double[][] unchunked = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = long.MaxValue, MaxChunkRows = int.MaxValue }).Evaluate(model, variables, images, Labels);

        // A feature-map row is 6x28x28 float32.
        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = rowsPerChunk * 6 * 28 * 28 * 4, MaxChunkRows = int.MaxValue });
        double[][] chunked = evaluator.Evaluate(model, variables, images, Labels);

        using (Assert.EnterMultipleScope())
        {
            for (int s = 0; s < 3; s++)
            {
                // Batch-size-dependent float32 rounding only, as for input patches: 1e-6 (~8 float32 ulps) on O(1) log-odds.
                Assert.That(chunked[s], Is.EqualTo(unchunked[s]).AsCollection.Within(1e-6), $"sample {s}");
            }
        }
    }

    // Five rows per chunk, by the byte bound or by the row bound.
    [TestCase(5 * ImageRowBytes, int.MaxValue)]
    [TestCase(long.MaxValue, 5)]
    [TestCase(7 * ImageRowBytes, 5)]
    public void Evaluate_FiveRowChunks_ReportsEveryChunkUpToTheTotal(long maxChunkBytes, int maxChunkRows)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var progress = new RecordingProgress();
        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = maxChunkBytes, MaxChunkRows = maxChunkRows });

        evaluator.Evaluate(model, new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells)), Images(3), Labels, progress);

        // 96 rows in chunks of 5 that cross sample boundaries: 19 full chunks and one of a single row.
        long[] expectedRows = [.. Enumerable.Range(1, 19).Select(i => 5L * i), 96L];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(progress.Reports.Select(r => r.CompletedRows), Is.EqualTo(expectedRows).AsCollection);
            Assert.That(progress.Reports.Select(r => r.CompletedSamples), Is.EqualTo(expectedRows.Select(r => (int)(r / 32))).AsCollection);
            Assert.That(progress.Reports.Select(r => (r.TotalRows, r.SampleCount)), Has.All.EqualTo((96L, 3)));
        }
    }

    [Test]
    public void Evaluate_ModelInTrainingModeWithDropout_RunsInEvalModeAndRestoresEachModulesMode()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells));
        var images = Images(2);
        long[] labels = [0, 1];
        model.eval();
        double[][] inEval = new MaskedOutputEvaluator().Evaluate(model, variables, images, labels);
        double[] evalLogits = MaskingReference.Logits(x => model.call(x), images[0].unsqueeze(0));

        // Training mode everywhere (dropout 0.5 active) except conv1, which is put in eval mode so that the restore
        // must give each module its own mode back, not one mode to all.
        model.train();
        var conv1 = model.named_children().Single(c => c.name == "conv1").module;
        conv1.eval();
        double[] trainLogits = MaskingReference.Logits(x => model.call(x), images[0].unsqueeze(0));

        double[][] fromTraining = new MaskedOutputEvaluator().Evaluate(model, variables, images, labels);

        using (Assert.EnterMultipleScope())
        {
            // Precondition: in training mode this model's output differs from its eval-mode output (active dropout).
            Assert.That(trainLogits, Is.Not.EqualTo(evalLogits).AsCollection.Within(1e-3));

            // Same model, same batches: identical to the eval-mode run only if the evaluator switched dropout off.
            Assert.That(fromTraining, Is.EqualTo(inEval).AsCollection);
            Assert.That(model.training, Is.True);
            Assert.That(conv1.training, Is.False);
            Assert.That(model.named_children().Where(c => c.name != "conv1").Select(c => c.module.training), Has.All.True);
        }
    }

    [Test]
    public void Evaluate_CallerHasGradientsEnabled_RunsEveryForwardPassWithoutGradients()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new GradientRecordingMlp(4);
        var rows = torch.rand(2, 4);
        using var enableGrad = torch.enable_grad();
        Assert.That(torch.is_grad_enabled(), Is.True, "precondition: the caller records gradients");

        new MaskedOutputEvaluator(new MaskingOptions { MaxChunkRows = 5 }).Evaluate(model, new TabularVariables(new double[4]), rows, [0, 2]);

        using (Assert.EnterMultipleScope())
        {
            // 2 samples x 16 masks in chunks of at most 5 rows: 7 forward passes, none of which may build a graph.
            Assert.That(model.GradientEnabled, Has.Count.EqualTo(7));
            Assert.That(model.GradientEnabled, Has.All.False);
            Assert.That(model.OutputRequiresGradient, Has.All.False);
            Assert.That(torch.is_grad_enabled(), Is.True, "the caller's gradient mode is restored");
        }
    }

    [Test]
    public void Evaluate_FeatureMapVariablesWithGradientsEnabled_RunsPrefixAndSuffixWithoutGradients()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var recorded = new List<bool>();
        _ = model.named_children().Single(c => c.name == "conv1").module is nn.Module<Tensor, Tensor> conv1
            ? conv1.register_forward_hook((_, _, output) => { recorded.Add(torch.is_grad_enabled() || output.requires_grad); return output; })
            : throw new InvalidOperationException("conv1 is not a Module<Tensor, Tensor>");
        _ = model.named_children().Single(c => c.name == "fc").module is nn.Module<Tensor, Tensor> fc
            ? fc.register_forward_hook((_, _, output) => { recorded.Add(torch.is_grad_enabled() || output.requires_grad); return output; })
            : throw new InvalidOperationException("fc is not a Module<Tensor, Tensor>");
        using var enableGrad = torch.enable_grad();

        new MaskedOutputEvaluator().Evaluate(model, new FeatureMapPatchVariables(PatchSelection.Fixed(Cells)), Images(2), [0, 1]);

        using (Assert.EnterMultipleScope())
        {
            // Two prefix passes (one per sample) and at least one suffix pass, all without gradients.
            Assert.That(recorded, Has.Count.GreaterThanOrEqualTo(3));
            Assert.That(recorded, Has.All.False);
        }
    }

    [Test]
    public void Evaluate_ModelThrows_RestoresTrainingModeAndLeaksNoTensor()
    {
        using var model = new Mlp(5);
        model.train();
        using var rows = torch.ones(2, 6);
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // Six features into a five-feature MLP: the forward fails inside the first chunk.
        Assert.Catch<Exception>(() => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[6]), rows, [0, 1]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(model.training, Is.True);
            Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(liveBefore));
        }
    }

    [Test]
    public void Evaluate_SeveralChunksAndSamples_LeaksNoTensor()
    {
        using var model = new SplitCnn();
        using var images = Images(3);
        var inputPatches = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells));
        var mapPatches = new FeatureMapPatchVariables(PatchSelection.Fixed(Cells));
        var evaluator = new MaskedOutputEvaluator(new MaskingOptions { MaxChunkBytes = 7 * ImageRowBytes });
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        evaluator.Evaluate(model, inputPatches, images, Labels);
        evaluator.Evaluate(model, mapPatches, images, Labels);

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(liveBefore));
    }

    [Test]
    public void Evaluate_SeventeenVariables_ThrowsWithTheBytesNeeded()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(17);

        var error = Assert.Throws<ArgumentException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[17]), torch.zeros(2, 17), [0, 1]));

        // 2^17 = 131,072 rows of 17 float32 features = 8,912,896 bytes per sample, twice that for two samples.
        Assert.That(error.Message, Does.Contain("17 input variables").And.Contain("131,072").And.Contain("8,912,896 bytes").And.Contain("17,825,792").And.Contain("is 16"));
    }

    [Test]
    public void Evaluate_LabelBeyondTheClasses_NamesSampleAndLabel()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(3, classes: 3);

        var error = Assert.Throws<ArgumentException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[3]), torch.zeros(2, 3), [0, 7]));

        Assert.That(error.Message, Does.Contain("Sample 1 has label 7").And.Contain("0..2"));
    }

    [Test]
    public void Evaluate_NegativeLabel_NamesSampleAndLabel()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(3);

        var error = Assert.Throws<ArgumentException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[3]), torch.zeros(3, 3), [0, 1, -2]));

        Assert.That(error.Message, Does.Contain("Sample 2 has label -2"));
    }

    [Test]
    public void Evaluate_NaNOutput_NamesSampleAndMask()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SqrtOfSum();
        double[] baseline = [3, 3, 0];
        float[] values = [0.5f, 2f, 1f, -5f, 2f, -1f];
        var rows = torch.tensor(values, [2, 3]);

        // Sample 1 with feature 0 present and feature 1 absent sums to -5 + 3 - 1 < 0: sqrt gives NaN (mask 1).
        var error = Assert.Throws<InvalidOperationException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(baseline, [0, 1]), rows, [0, 0]));

        Assert.That(error.Message, Does.Contain("Sample 1, mask 1 (present: {0})").And.Contain("NaN"));
    }

    [Test]
    public void Evaluate_CustomOutputFunction_ReturnsItsValues()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(2);
        var rows = torch.randn(2, 2);
        var options = new MaskingOptions { OutputFunction = (logits, labels) => logits[.., 0] };

        double[][] actual = new MaskedOutputEvaluator(options).Evaluate(model, new TabularVariables(new double[2]), rows, [0, 0]);

        double[] expected = MaskingReference.Logits(model.call, rows[1].unsqueeze(0));

        // Mask 3 keeps both features of sample 1; the first logit, float32 widened to double; batch rounding 1e-6.
        Assert.That(actual[1][3], Is.EqualTo(expected[0]).Within(1e-6));
    }

    [Test]
    public void Evaluate_ListAndBatchOverloads_Agree()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new SplitCnn();
        var images = Images(2);
        var variables = new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.Fixed(Cells));
        var evaluator = new MaskedOutputEvaluator();

        double[][] fromBatch = evaluator.Evaluate(model, variables, images, [2, 2]);
        double[][] fromList = evaluator.Evaluate(model, variables, [images[0], images[1]], [2, 2]);

        // The same rows in the same batches: identical.
        Assert.That(fromList, Is.EqualTo(fromBatch).AsCollection);
    }

    [Test]
    public void Evaluate_CountsDiffer_Throws()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Mlp(2);

        var error = Assert.Throws<ArgumentException>(() => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[2]), torch.zeros(3, 2), [0, 1]));

        Assert.That(error.Message, Does.Contain("3 samples but 2 labels"));
    }

    [Test]
    public void Evaluate_Cancelled_ThrowsAndLeaksNoTensor()
    {
        using var model = new Mlp(2);
        using var rows = torch.zeros(3, 2);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Catch<OperationCanceledException>(
            () => new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[2]), rows, [0, 1, 2], cancellationToken: cancellation.Token));

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(liveBefore));
    }

    [Test]
    public void Evaluate_NoSamples_ReturnsEmpty()
    {
        using var model = new Mlp(2);

        Assert.That(new MaskedOutputEvaluator().Evaluate(model, new TabularVariables(new double[2]), Array.Empty<Tensor>(), []), Is.Empty);
    }

    [TestCase(0L, 1, 16)]
    [TestCase(-5L, 1, 16)]
    [TestCase(1024L, 0, 16)]
    [TestCase(1024L, 1, 0)]
    [TestCase(1024L, 1, 25)]
    public void Constructor_OptionOutOfRange_Throws(long maxChunkBytes, int maxChunkRows, int maxVariableCount)
    {
        var options = new MaskingOptions { MaxChunkBytes = maxChunkBytes, MaxChunkRows = maxChunkRows, MaxVariableCount = maxVariableCount };

        Assert.Throws<ArgumentOutOfRangeException>(() => new MaskedOutputEvaluator(options));
    }

    [Test]
    public void Constructor_Defaults_ComeFromMaskingDefaults()
    {
        var evaluator = new MaskedOutputEvaluator();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(evaluator.MaxChunkBytes, Is.EqualTo(MaskingDefaults.MaxChunkBytes));
            Assert.That(evaluator.MaxChunkRows, Is.EqualTo(MaskingDefaults.MaxChunkRows));
            Assert.That(evaluator.MaxVariableCount, Is.EqualTo(MaskingDefaults.MaxVariableCount));
        }
    }

    private static Tensor Images(int count)
    {
        torch.manual_seed(21);
        return torch.rand(count, 1, 28, 28);
    }
}
