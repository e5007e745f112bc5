using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer.Tests;

public class InteractionRegularizerTests
{
    private static readonly bool[] Expected0 = [true, false, false, true, false, false, true];

    private static RegularizerOptions TabularOptions(double lambda = 1.0) => new()
    {
        Lambda = lambda,
        WarmupSteps = 0,
        SamplesPerStep = 2,
        Variables = new TabularVariables([0.0, 0.0, 0.0, 0.0]),
    };

    [TestCase(false)]
    [TestCase(true)]
    public void PenaltyGradient_TinyModelInFloat64_MatchesCentralDifferences(bool batchNorm)
    {
        // With batch norm the masked passes normalise by the masked batch's own statistics, which the gradient goes through.
        using var scope = torch.NewDisposeScope();
        using var model = batchNorm ? TinyModels.BatchNormMlp(seed: 1) : TinyModels.Mlp(seed: 1);
        using var baseline = TinyModels.Mlp(seed: 2);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var regularizer = new InteractionRegularizer([baseline], TabularOptions());
        var plan = regularizer.PlanFor(model, inputs, labels);
        Assert.That(plan.SalientCount - plan.GeneralizableCount, Is.GreaterThan(3), "the case must penalise several interactions");

        model.zero_grad();
        regularizer.PenaltyFor(model, inputs, labels, plan).backward();
        var parameters = model.parameters().ToArray();
        var analytic = parameters.Select(p => p.grad!.clone().flatten().data<double>().ToArray()).ToArray();

        // Central differences with γ, δ and the selection held fixed, as the gradient holds them. Step 1e-6 in float64:
        // truncation ~1e-12 times the third derivative, round-off ~1e-16 · |penalty| / 1e-6 ~ 1e-9.
        const double step = 1e-6;
        var checkedCount = 0;
        var largest = 0.0;
        using (torch.no_grad())
        {
            for (var p = 0; p < parameters.Length; p++)
            {
                var flat = parameters[p].view(-1);
                for (var i = 0; i < flat.shape[0]; i++)
                {
                    var original = flat[i].item<double>();
                    flat[i] = original + step;
                    var plus = regularizer.PenaltyFor(model, inputs, labels, plan).item<double>();
                    flat[i] = original - step;
                    var minus = regularizer.PenaltyFor(model, inputs, labels, plan).item<double>();
                    flat[i] = original;
                    var numeric = (plus - minus) / (2 * step);
                    Assert.That(analytic[p][i], Is.EqualTo(numeric).Within(1e-6 + (1e-6 * Math.Abs(numeric))), $"parameter {p}, element {i}");
                    largest = Math.Max(largest, Math.Abs(numeric));
                    checkedCount++;
                }
            }
        }

        Assert.That(largest, Is.GreaterThan(1e-3), "the gradient must not be trivially zero");
        Assert.That(checkedCount, Is.EqualTo(parameters.Sum(p => p.numel())));
    }

    [Test]
    public void Compute_LossIsWeightTimesPenalty_AndCountsAddUp()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.Mlp(seed: 1);
        using var baseline = TinyModels.Mlp(seed: 2);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var options = TabularOptions(lambda: 0.5);
        options.WarmupSteps = 4;
        var regularizer = new InteractionRegularizer([baseline], options);
        var term = regularizer.Compute(model, inputs, labels, step: 1)!;
        var plan = regularizer.PlanFor(model, inputs, labels);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(term.Weight, Is.EqualTo(0.5 * 2 / 4));
            Assert.That(term.Loss.item<double>(), Is.EqualTo(term.Weight * term.Penalty).Within(1e-12));
            Assert.That(term.Penalty, Is.GreaterThan(0));
            Assert.That(term.SampleCount, Is.EqualTo(2));
            Assert.That(term.SalientCount, Is.EqualTo(plan.SalientCount));
            Assert.That(term.PenalizedCount, Is.EqualTo(plan.SalientCount - plan.GeneralizableCount));
            Assert.That(term.GeneralizableStrength, Is.LessThan(term.SalientStrength));
            Assert.That(regularizer.CachedSampleCount, Is.EqualTo(2));
        }
    }

    [Test]
    public void Compute_BaselineIdenticalToModel_PenalisesNothing()
    {
        // Every salient interaction of the model is salient with the same sign in an identical baseline.
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.Mlp(seed: 1);
        using var twin = TinyModels.Mlp(seed: 1);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var term = new InteractionRegularizer([twin], TabularOptions()).Compute(model, inputs, labels, 0)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(term.SalientCount, Is.GreaterThan(0));
            Assert.That(term.PenalizedCount, Is.Zero);
            Assert.That(term.Penalty, Is.Zero);
        }
    }

    [Test]
    public void Compute_PenaltyEqualsHandSumOverTheSelectedInteractions()
    {
        // Independent of the tensor path: the extraction's own interactions, selected with the public selection.
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.Mlp(seed: 4);
        using var baseline = TinyModels.Mlp(seed: 5);
        var (inputs, labels) = TinyModels.Batch(seed: 6, rows: 2);
        var variables = new TabularVariables([0.0, 0.0, 0.0, 0.0]);
        var term = new InteractionRegularizer([baseline], TabularOptions()).Compute(model, inputs, labels, 0)!;

        var labelList = labels.data<long>().ToArray();
        var target = Monitor.Interactions.InteractionAnalyzer.Analyze(new MaskedOutputEvaluator().Evaluate(model, variables, inputs, labelList));
        var reference = Monitor.Interactions.InteractionAnalyzer.Analyze(new MaskedOutputEvaluator().Evaluate(baseline, variables, inputs, labelList));
        var expected = 0.0;
        for (var s = 0; s < 2; s++)
        {
            var and = NonGeneralizableSelection.Select(target.Samples[s].And, [reference.Samples[s].And], target.Tau);
            var or = NonGeneralizableSelection.Select(target.Samples[s].Or, [reference.Samples[s].Or], target.Tau);
            expected += Enumerable.Range(0, 16).Sum(t => (and[t] ? Math.Abs(target.Samples[s].And[t]) : 0) + (or[t] ? Math.Abs(target.Samples[s].Or[t]) : 0));
        }

        Assert.That(term.Penalty, Is.EqualTo(expected / 2).Within(1e-9 * expected));
    }

    [TestCase(0, 10, 0.0, 0.1)]
    [TestCase(9, 10, 1.0, 1.0)]
    [TestCase(100, 10, 1.0, 1.0)]
    [TestCase(0, 0, 1.0, 1.0)]
    public void WeightAt_RisesLinearlyOverTheWarmup(long step, int warmup, double _, double expected)
    {
        var regularizer = new InteractionRegularizer([nn.Identity()], new RegularizerOptions { Lambda = 1, WarmupSteps = warmup });
        Assert.That(regularizer.WeightAt(step), Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void Compute_EveryThirdStep_SkipsTheOthers()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.Mlp(seed: 1);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var options = TabularOptions();
        options.Every = 3;
        var regularizer = new InteractionRegularizer([model], options);
        var applied = Enumerable.Range(0, 7).Select(t => regularizer.Compute(model, inputs, labels, t) is not null).ToArray();
        Assert.That(applied, Is.EqualTo(Expected0));
    }

    [Test]
    public void Constructor_NoBaselines_Throws() =>
        Assert.That(() => new InteractionRegularizer([]), Throws.ArgumentException.With.Message.Contains("at least one baseline"));

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    public void Constructor_BadLambda_NamesIt(double lambda) =>
        Assert.That(() => new InteractionRegularizer([nn.Identity()], new RegularizerOptions { Lambda = lambda }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Lambda"));

    [Test]
    public void Compute_LabelsOfAnotherLength_Throws()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.Mlp(seed: 1);
        var (inputs, _) = TinyModels.Batch(seed: 3);
        var regularizer = new InteractionRegularizer([model], TabularOptions());
        Assert.That(() => regularizer.Compute(model, inputs, torch.zeros(5, dtype: ScalarType.Int64), 0), Throws.ArgumentException.With.Message.Contains("one class index per input row"));
    }

    [Test]
    public void Compute_BatchNormModel_LeavesRunningStatisticsAndModesAsTheyWere()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.BatchNormMlp(seed: 1);
        using var baseline = TinyModels.BatchNormMlp(seed: 2);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var norm = (TorchSharp.Modules.BatchNorm1d)((TorchSharp.Modules.Sequential)model)[1];
        var before = model.buffers().Select(b => b.clone()).ToArray();
        model.train();
        baseline.eval();
        var term = new InteractionRegularizer([baseline], TabularOptions()).Compute(model, inputs, labels, 0)!;
        term.Loss.backward();
        var after = model.buffers().ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(term.Penalty, Is.GreaterThan(0));
            Assert.That(after, Has.Length.EqualTo(3), "running mean, running variance, batches tracked");
            for (var i = 0; i < after.Length; i++)
            {
                Assert.That(after[i].eq(before[i]).all().item<bool>(), Is.True, $"buffer {i} changed");
            }

            Assert.That(model.training, Is.True);
            Assert.That(norm.training, Is.True);
            Assert.That(baseline.training, Is.False);
        }
    }

    /// <summary>
    /// A linear layer ahead of a batch norm that uses batch statistics is invisible to its bias and to the scale of its
    /// weights: the term's gradient must be blind to them too, as the training loss is. On running statistics it is not,
    /// which is how the term could shrink such layers and change the evaluation-mode model without the training loss
    /// seeing it (the ResNet-20 collapse in docs/results/regularizer.md).
    /// </summary>
    [TestCase(BatchNormStatistics.Batch)]
    [TestCase(BatchNormStatistics.Running)]
    public void PenaltyGradient_AheadOfBatchNorm_IsBlindToBiasAndScaleOnlyWithBatchStatistics(BatchNormStatistics statistics)
    {
        using var scope = torch.NewDisposeScope();
        using var model = TinyModels.BatchNormMlp(seed: 1);
        using var baseline = TinyModels.Mlp(seed: 2);
        var (inputs, labels) = TinyModels.Batch(seed: 3);
        var options = TabularOptions();
        options.BatchNorm = statistics;
        var regularizer = new InteractionRegularizer([baseline], options);
        var plan = regularizer.PlanFor(model, inputs, labels);
        model.zero_grad();
        regularizer.PenaltyFor(model, inputs, labels, plan).backward();

        var linear = (TorchSharp.Modules.Linear)((TorchSharp.Modules.Sequential)model)[0];
        var weight = linear.weight!;
        var bias = linear.bias!;
        var largest = model.parameters().Max(p => p.grad!.abs().max().item<double>());
        var biasGradient = bias.grad!.abs().max().item<double>();

        // d/dc penalty(c W, c b) at c = 1: zero under batch statistics up to the ε = 1e-5 the batch norm adds to variances
        // of order 10-100 here (relative effect ~1e-6), so 1e-4 of the largest gradient times the parameters' size.
        var scaleDerivative = weight.grad!.mul(weight).sum().add(bias.grad!.mul(bias).sum()).item<double>();
        var scaleBound = 1e-4 * largest * (weight.abs().sum().item<double>() + bias.abs().sum().item<double>());
        Assert.That(largest, Is.GreaterThan(1e-3), "the gradient must not be trivially zero");
        if (statistics == BatchNormStatistics.Batch)
        {
            // The batch mean removes the bias exactly: only round-off (1e-12 of the largest gradient) is left.
            Assert.That(biasGradient, Is.LessThan(1e-9 * largest));
            Assert.That(Math.Abs(scaleDerivative), Is.LessThan(scaleBound));
        }
        else
        {
            Assert.That(biasGradient, Is.GreaterThan(1e-3 * largest));
            Assert.That(Math.Abs(scaleDerivative), Is.GreaterThan(scaleBound));
        }
    }
}
