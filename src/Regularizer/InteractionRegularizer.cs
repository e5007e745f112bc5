using System.Diagnostics;
using System.Globalization;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer;

/// <summary>
/// The loss term of the paper's appendix J: λ times the strength of the model's salient interactions that are not
/// generalizable, that is, that no baseline model trained on held-out data has salient with the same sign.
/// </summary>
/// <remarks>
/// <para>
/// At a step where it applies, for the first m rows x of the batch: the 2^n masked forward passes of the model run with
/// gradients (dropout off; batch norm on the masked batch's own statistics by default, see
/// <see cref="RegularizerOptions.BatchNorm"/>; running statistics untouched) and give v(x_T) in float64; a
/// detached extraction (the exact solver of <c>Spindle.Monitor.Interactions</c>) fixes γ, δ and τ and says which
/// interactions are salient; the baselines' interactions on the same sample and variables (computed once per sample
/// and cached) say which of those are generalizable. The term is then
/// </para>
/// <para>λ_t · (1/m) Σ_x Σ_{S penalised} |I_S(x)|,  λ_t = λ · min(1, (t + 1) / W),</para>
/// <para>
/// with I_AND and I_OR computed from v by the O(n 2^n) transforms as tensor operations on the model's device, γ and δ
/// held fixed. Its gradient is the gradient of that expression in the model's parameters with γ, δ and the selection held
/// fixed. Samples are identified by their content (SHA-256 of their values and label), so the same image gets the same
/// variables and the same cached baseline interactions whenever it comes back.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var regularizer = new InteractionRegularizer([baseline], new RegularizerOptions { Lambda = 0.01 });
/// var loss = nn.functional.cross_entropy(model.call(x), y);
/// if (regularizer.Compute(model, x, y, step) is { } term)
/// {
///     loss = loss.add(term.Loss);
/// }
/// loss.backward();
/// </code>
/// </example>
public sealed class InteractionRegularizer
{
    private readonly nn.Module<Tensor, Tensor>[] _baselines;
    private readonly RegularizerOptions _options;
    private readonly InteractionAnalysisOptions _analysis;
    private readonly Dictionary<string, BaselineInteractions> _cache = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="InteractionRegularizer"/> class.</summary>
    /// <param name="baselines">The k ≥ 1 baseline models, trained on data the model does not train on (the paper uses k = 1 here, k = 3 in Eq. 5).</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; copied.</param>
    /// <exception cref="ArgumentException">No baselines, or a baseline is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public InteractionRegularizer(IReadOnlyList<nn.Module<Tensor, Tensor>> baselines, RegularizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baselines);
        if (baselines.Count == 0 || baselines.Any(b => b is null))
        {
            throw new ArgumentException("The regularizer needs at least one baseline model, and none may be null.", nameof(baselines));
        }

        _baselines = [.. baselines];
        _options = (options ?? new RegularizerOptions()).ValidatedCopy();
        _analysis = _options.Analysis ?? new InteractionAnalysisOptions();
    }

    /// <summary>Gets the input variables the term masks.</summary>
    public InputVariables Variables => _options.Variables!;

    /// <summary>Gets the number k of baseline models.</summary>
    public int BaselineCount => _baselines.Length;

    /// <summary>Gets the number of samples whose baseline interactions are cached.</summary>
    public int CachedSampleCount => _cache.Count;

    /// <summary>Gets λ.</summary>
    public double Lambda => _options.Lambda;

    /// <summary>Gets the weight λ · min(1, (t + 1) / W) at a step.</summary>
    /// <param name="step">The 0-based step t, counted over the whole run.</param>
    /// <returns>The weight.</returns>
    public double WeightAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var warmup = _options.WarmupSteps;
        return warmup == 0 ? _options.Lambda : _options.Lambda * Math.Min(1.0, (step + 1.0) / warmup);
    }

    /// <summary>Gets whether the term is computed at a step (every K-th step, starting with step 0).</summary>
    /// <param name="step">The 0-based step.</param>
    /// <returns>Whether <see cref="Compute"/> computes the term at this step.</returns>
    public bool AppliesAt(long step) => step >= 0 && step % _options.Every == 0;

    /// <summary>Computes the term for one training step.</summary>
    /// <param name="model">The model being trained (in training mode or not; its mode is restored).</param>
    /// <param name="inputs">The batch's inputs, batch first, on the model's device.</param>
    /// <param name="labels">The batch's labels (class indices).</param>
    /// <param name="step">The 0-based step t over the whole run (for the warm-up and <see cref="RegularizerOptions.Every"/>).</param>
    /// <returns>The term, or <see langword="null"/> when it does not apply at this step.</returns>
    /// <exception cref="ArgumentException">The inputs and labels do not fit each other or the variables.</exception>
    /// <exception cref="InvalidOperationException">A masked output of the model or a baseline is NaN or infinite.</exception>
    public RegularizerTerm? Compute(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, long step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (!AppliesAt(step))
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        var batch = Batch.Of(inputs, labels, _options.SamplesPerStep);
        var values = MaskedOutputs(model, batch.Rows, batch.Labels, batch.Keys, withGradients: true, _options.BatchNorm);
        var plan = Plan(values, batch);
        var penalty = Penalty(values, plan);
        var weight = WeightAt(step);
        var loss = penalty.mul(weight);
        return new RegularizerTerm
        {
            Loss = loss.MoveToOuterDisposeScope(),
            Weight = weight,
            Penalty = penalty.item<double>(),
            SampleCount = batch.Rows.Length,
            Tau = plan.Tau,
            SalientCount = plan.SalientCount,
            GeneralizableCount = plan.GeneralizableCount,
            SalientStrength = plan.SalientStrength,
            GeneralizableStrength = plan.GeneralizableStrength,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Runs the detached extraction and selection for the first rows of a batch (what <see cref="Compute"/> holds fixed).</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The batch's inputs.</param>
    /// <param name="labels">The batch's labels.</param>
    /// <returns>The plan.</returns>
    internal TermPlan PlanFor(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var batch = Batch.Of(inputs, labels, _options.SamplesPerStep);
        return Plan(MaskedOutputs(model, batch.Rows, batch.Labels, batch.Keys, withGradients: false, _options.BatchNorm), batch);
    }

    /// <summary>The unweighted penalty of the first rows of a batch with a plan held fixed, with gradients.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">The batch's inputs.</param>
    /// <param name="labels">The batch's labels.</param>
    /// <param name="plan">The plan, from <see cref="PlanFor"/>.</param>
    /// <returns>A scalar tensor.</returns>
    internal Tensor PenaltyFor(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, TermPlan plan)
    {
        using var scope = torch.NewDisposeScope();
        var batch = Batch.Of(inputs, labels, _options.SamplesPerStep);
        return Penalty(MaskedOutputs(model, batch.Rows, batch.Labels, batch.Keys, withGradients: true, _options.BatchNorm), plan).MoveToOuterDisposeScope();
    }

    /// <summary>The penalty (1/m) Σ_x Σ_S mask_S |I_S(x)| of the outputs v with γ, δ and the masks of a plan held fixed.</summary>
    /// <param name="values">v(x_T), [m, 2^n] float64.</param>
    /// <param name="plan">γ, δ and the masks.</param>
    /// <returns>A scalar tensor.</returns>
    internal static Tensor Penalty(Tensor values, TermPlan plan)
    {
        using var scope = torch.NewDisposeScope();
        var shape = values.shape;
        var device = values.device;
        var gamma = torch.tensor(plan.Gamma, shape, dtype: ScalarType.Float64, device: device);
        var delta = torch.tensor(plan.Delta, shape, dtype: ScalarType.Float64, device: device);
        var andMask = torch.tensor(plan.AndMask, shape, dtype: ScalarType.Float64, device: device);
        var orMask = torch.tensor(plan.OrMask, shape, dtype: ScalarType.Float64, device: device);
        var n = System.Numerics.BitOperations.Log2((ulong)shape[1]);
        var (and, or) = InteractionTensorTransforms.Decompose(values, gamma, delta, n);
        var total = and.abs().mul(andMask).sum().add(or.abs().mul(orMask).sum());
        return total.div(shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Computes v(x_T) for every mask of each row: one forward pass over all masked rows, in evaluation mode (dropout off)
    /// except for batch norm with <see cref="BatchNormStatistics.Batch"/>, which normalises the masked batch by its own
    /// statistics (a feature-map prefix, run per unmasked sample, keeps the running ones). Modes and buffers are restored.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="rows">The samples, without a batch dimension.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="keys">Their keys (the sample index given to the variables).</param>
    /// <param name="withGradients">Whether autograd records the passes.</param>
    /// <param name="batchNorm">Which statistics batch-norm layers use.</param>
    /// <returns>[rows, 2^n] float64.</returns>
    internal Tensor MaskedOutputs(nn.Module<Tensor, Tensor> model, IReadOnlyList<Tensor> rows, IReadOnlyList<long> labels, IReadOnlyList<SampleKey> keys, bool withGradients, BatchNormStatistics batchNorm)
    {
        using var modes = new EvaluationModeScope(model);
        using var gradients = torch.set_grad_enabled(withGradients);
        using var scope = torch.NewDisposeScope();
        var n = Variables.Count;
        var size = 1 << n;
        var device = MaskedOutputEvaluator.DeviceOf(model);
        var parts = new List<Tensor>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            using var prepared = Variables.Prepare(model, rows[i].to(device), keys[i].Index);
            parts.Add(prepared.BuildBatch(0, size));
        }

        // Batch statistics for the masked batch only: a feature-map prefix runs once per unmasked sample above, where
        // its batch norms keep their running statistics (a batch of one has no batch statistics to speak of).
        Tensor logits;
        using (batchNorm == BatchNormStatistics.Batch ? new BatchStatisticsScope(model) : null)
        {
            logits = Variables.Forward(model, parts.Count == 1 ? parts[0] : torch.cat(parts, 0));
        }

        var rowLabels = torch.tensor(labels.SelectMany(l => Enumerable.Repeat(l, size)).ToArray(), device: logits.device);
        return OutputFunctions.LogOdds(logits, rowLabels).reshape(rows.Count, size).MoveToOuterDisposeScope();
    }

    /// <summary>The detached extraction and the selection: γ, δ, τ and which interactions are penalised.</summary>
    private TermPlan Plan(Tensor values, Batch batch)
    {
        var (rows, labels, keys) = (batch.Rows, batch.Labels, batch.Keys);
        var m = rows.Length;
        var size = (int)values.shape[1];
        var host = values.detach().cpu().data<double>().ToArray();
        var outputs = Enumerable.Range(0, m).Select(s => host.AsSpan(s * size, size).ToArray()).ToArray();
        var extraction = AnalyzeOutputs(outputs, "model");
        var tau = extraction.Tau;
        var plan = new TermPlan(m * size) { Tau = tau };
        for (var s = 0; s < m; s++)
        {
            var sample = extraction.Samples[s];
            var baseline = BaselineOf(rows[s], labels[s], keys[s]);
            var andSelected = NonGeneralizableSelection.Select(sample.And, baseline.And, tau);
            var orSelected = NonGeneralizableSelection.Select(sample.Or, baseline.Or, tau);
            var offset = s * size;
            sample.Gamma.CopyTo(plan.Gamma, offset);
            sample.Delta.CopyTo(plan.Delta, offset);
            for (var t = 1; t < size; t++)
            {
                plan.AndMask[offset + t] = andSelected[t] ? 1 : 0;
                plan.OrMask[offset + t] = orSelected[t] ? 1 : 0;
                plan.Count(sample.And[t], andSelected[t]);
                plan.Count(sample.Or[t], orSelected[t]);
            }
        }

        return plan;
    }

    private InteractionExtraction AnalyzeOutputs(double[][] outputs, string whose)
    {
        try
        {
            return InteractionAnalyzer.Analyze(outputs, _analysis);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"The {whose}'s masked outputs cannot be decomposed: {e.Message}", e);
        }
    }

    private BaselineInteractions BaselineOf(Tensor row, long label, SampleKey key)
    {
        if (_cache.TryGetValue(key.Hash, out var cached))
        {
            return cached;
        }

        var and = new double[_baselines.Length][];
        var or = new double[_baselines.Length][];
        for (var b = 0; b < _baselines.Length; b++)
        {
            using var scope = torch.NewDisposeScope();
            var values = MaskedOutputs(_baselines[b], [row], [label], [key], withGradients: false, BatchNormStatistics.Running);
            var extraction = AnalyzeOutputs([values.cpu().data<double>().ToArray()], string.Create(CultureInfo.InvariantCulture, $"baseline {b}"));
            and[b] = extraction.Samples[0].And;
            or[b] = extraction.Samples[0].Or;
        }

        var entry = new BaselineInteractions(and, or);
        _cache[key.Hash] = entry;
        return entry;
    }

    /// <summary>The first rows of a batch that the term penalises, with their labels and keys.</summary>
    private sealed record Batch(Tensor[] Rows, long[] Labels, SampleKey[] Keys)
    {
        public static Batch Of(Tensor inputs, Tensor labels, int samplesPerStep)
        {
            if (inputs.dim() < 1 || inputs.shape[0] == 0)
            {
                throw new ArgumentException($"The inputs must be a non-empty batch, batch first; got shape [{string.Join(", ", inputs.shape)}].", nameof(inputs));
            }

            if (labels.dim() != 1 || labels.shape[0] != inputs.shape[0])
            {
                throw new ArgumentException(
                    $"The labels must be a vector with one class index per input row; got shape [{string.Join(", ", labels.shape)}] for {inputs.shape[0]} rows.", nameof(labels));
            }

            var m = (int)Math.Min(samplesPerStep, inputs.shape[0]);
            var rows = Enumerable.Range(0, m).Select(i => inputs[i]).ToArray();
            var labelValues = labels.narrow(0, 0, m).to_type(ScalarType.Int64).cpu().data<long>().ToArray();
            return new Batch(rows, labelValues, [.. rows.Select((row, i) => SampleKey.Of(row, labelValues[i]))]);
        }
    }

    /// <summary>The baselines' AND and OR interactions on one sample, one array per baseline.</summary>
    private sealed record BaselineInteractions(double[][] And, double[][] Or);
}
