using System.Diagnostics;
using Spindle.Monitor.Decomposition;
using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using static TorchSharp.torch;

namespace Spindle.Monitor.Checks;

/// <summary>
/// The check Spindle runs on a model: AND-OR interactions on a fixed probe set with variables chosen
/// once, their per-order distributions, Z, the decay/spindle fit, the summary, a bootstrap over the
/// probes and timings, in one call. The command line, the monitor and the examples all go through it.
/// </summary>
/// <remarks>
/// <para>
/// Build one instance per training run and call <see cref="Run"/> at every check: the probes, the
/// variables, the options and (with <see cref="DecayShape.NoiseOperator"/>) the δ calibrated at the
/// first check stay fixed, so the checks of a run compare, and their bootstrap replicates pair
/// (<see cref="CheckComparison"/>). <see cref="Analyze(InteractionExtraction, InteractionCheckOptions, CheckProvenance)"/> does the same from a saved extraction.
/// </para>
/// <para>Instances are not thread-safe.</para>
/// </remarks>
public sealed class InteractionCheck : IDisposable
{
    private readonly InputVariables _variables;
    private readonly Tensor _probes;
    private readonly long[] _labels;
    private readonly InteractionCheckOptions _options;
    private readonly InteractionExtractor _extractor;
    private readonly CheckProvenance _provenance;
    private double? _heldDelta;

    /// <summary>Initializes a new instance of the <see cref="InteractionCheck"/> class.</summary>
    /// <param name="variables">The input variables and their masking, chosen once for the run.</param>
    /// <param name="probes">The probe samples, batch first; copied and kept for the run.</param>
    /// <param name="labels">Their labels (the class whose log-odds v(x) is measured).</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Validated here.</param>
    /// <param name="provenance">What identifies the run and the probes; epoch and step are added per check.</param>
    /// <exception cref="ArgumentException">The labels do not match the probes.</exception>
    public InteractionCheck(InputVariables variables, Tensor probes, IReadOnlyList<long> labels, InteractionCheckOptions? options = null, CheckProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(labels);
        if (probes.shape.Length == 0 || probes.shape[0] != labels.Count || labels.Count == 0)
        {
            throw new ArgumentException($"Expected one label per probe sample; got {labels.Count} labels for a batch of shape [{string.Join(", ", probes.shape)}].", nameof(labels));
        }

        _options = options ?? new InteractionCheckOptions();
        _options.Validate();
        _variables = variables;
        _probes = probes.detach().clone().DetachFromDisposeScope();
        _labels = [.. labels];
        _extractor = new InteractionExtractor(_options.Masking, _options.Analysis);
        _provenance = provenance ?? new CheckProvenance();
    }

    /// <summary>Gets the number of probe samples.</summary>
    public int SampleCount => _labels.Length;

    /// <summary>Gets the δ held for the run's later checks, once the first check has calibrated it (<see cref="DecayShape.NoiseOperator"/> with <see cref="InteractionCheckOptions.HoldDelta"/>).</summary>
    public double? HeldDelta => _heldDelta;

    /// <summary>Runs one check of <paramref name="model"/> (masked forward passes under no_grad in eval mode; the model's modes are restored).</summary>
    /// <param name="model">The model, in its current state.</param>
    /// <param name="epoch">The epoch of this check, for the provenance.</param>
    /// <param name="step">The optimizer step of this check, for the provenance.</param>
    /// <param name="cancellationToken">Cancels between masked chunks.</param>
    /// <returns>The check.</returns>
    public CheckResult Run(nn.Module<Tensor, Tensor> model, int? epoch = null, long? step = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var watch = Stopwatch.StartNew();
        var extraction = _extractor.Extract(model, _variables, _probes, _labels, null, cancellationToken);
        var extractionSeconds = watch.Elapsed.TotalSeconds;
        var result = Compute(extraction, _options, _provenance.At(epoch, step), extractionSeconds, ref _heldDelta);
        return result;
    }

    /// <summary>Runs the check's analysis on a saved extraction (no model needed).</summary>
    /// <param name="extraction">The extraction.</param>
    /// <param name="options">The options (masking and analysis options are not used); <see langword="null"/> for the defaults.</param>
    /// <param name="provenance">The provenance to record; <see langword="null"/> for the extraction's own.</param>
    /// <returns>The check.</returns>
    public static CheckResult Analyze(InteractionExtraction extraction, InteractionCheckOptions? options = null, CheckProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(extraction);
        options ??= new InteractionCheckOptions();
        options.Validate();
        double? held = null;
        return Compute(extraction, options, provenance ?? extraction.Provenance ?? new CheckProvenance(), 0, ref held);
    }

    /// <summary>Runs the check's analysis on given per-sample interactions with a given τ (for instance samples pooled from several extractions).</summary>
    /// <param name="samples">The per-sample interactions (at least one, all of one n).</param>
    /// <param name="tau">The salience threshold τ ≥ 0.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="provenance">The provenance to record.</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException">The samples are empty or differ in n, or τ is negative.</exception>
    public static CheckResult Analyze(IReadOnlyList<SampleInteractions> samples, double tau, InteractionCheckOptions? options = null, CheckProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (!(tau >= 0) || !double.IsFinite(tau))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "τ must be finite and ≥ 0.");
        }

        options ??= new InteractionCheckOptions();
        options.Validate();
        double? held = null;
        return Compute(samples, tau, InteractionExtraction.ConvergenceOf(samples), null, options, provenance ?? new CheckProvenance(), 0, ref held);
    }

    /// <summary>Analyses several saved extractions of one run in order, as <see cref="Run"/> would have at each check (δ held after the first where configured).</summary>
    /// <param name="extractions">The extractions, earliest first.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="provenance">The provenance per extraction; <see langword="null"/> for none.</param>
    /// <returns>One check per extraction.</returns>
    public static IReadOnlyList<CheckResult> AnalyzeSeries(IReadOnlyList<InteractionExtraction> extractions, InteractionCheckOptions? options = null, Func<int, CheckProvenance>? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(extractions);
        options ??= new InteractionCheckOptions();
        options.Validate();
        double? held = null;
        var results = new CheckResult[extractions.Count];
        for (var i = 0; i < extractions.Count; i++)
        {
            results[i] = Compute(extractions[i], options, provenance?.Invoke(i) ?? new CheckProvenance(), 0, ref held);
        }

        return results;
    }

    /// <inheritdoc/>
    public void Dispose() => _probes.Dispose();

    private static CheckResult Compute(InteractionExtraction extraction, InteractionCheckOptions options, CheckProvenance provenance, double extractionSeconds, ref double? heldDelta) =>
        Compute(extraction.Samples, extraction.Tau, extraction.AllConverged, extraction, options, provenance, extractionSeconds, ref heldDelta);

    private static CheckResult Compute(IReadOnlyList<SampleInteractions> samples, double tau, bool? allConverged, InteractionExtraction? extraction, InteractionCheckOptions options, CheckProvenance provenance, double extractionSeconds, ref double? heldDelta)
    {
        var watch = Stopwatch.StartNew();
        var and = samples.Select(s => s.And).ToArray();
        var or = samples.Select(s => s.Or).ToArray();
        InteractionDistributions.CheckShapes(and, or);
        var distributions = new OrderDistribution[and.Length];
        var strengths = new double[and.Length];
        for (var i = 0; i < and.Length; i++)
        {
            distributions[i] = InteractionDistributions.ForSample(and[i], or[i], tau);
            strengths[i] = InteractionDistributions.FirstOrderStrength(and[i], or[i], tau);
        }

        var fitter = new SampleFitter(and, or, distributions, tau, options, heldDelta);
        var all = Enumerable.Range(0, and.Length).ToArray();
        var fit = fitter.Fit(all);
        if (options.DecayShape == DecayShape.NoiseOperator && options.HoldDelta && heldDelta is null)
        {
            heldDelta = fit.Delta;
            fitter = new SampleFitter(and, or, distributions, tau, options, heldDelta);
        }

        var fitSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        CheckUncertainty? uncertainty = null;
        if (options.BootstrapReplicates > 0)
        {
            uncertainty = Bootstrap(fitter, distributions, strengths, options);
        }

        var bootstrapSeconds = watch.Elapsed.TotalSeconds;
        return new CheckResult(
            provenance,
            tau,
            distributions,
            strengths,
            fit,
            uncertainty,
            new CheckTimings(extractionSeconds, fitSeconds, bootstrapSeconds),
            allConverged,
            extraction);
    }

    private static CheckUncertainty Bootstrap(SampleFitter fitter, OrderDistribution[] distributions, double[] strengths, InteractionCheckOptions options)
    {
        var resamples = CheckUncertainty.Resamples(options.BootstrapSeed, distributions.Length, options.BootstrapReplicates);
        var values = Enum.GetValues<CheckMetric>().ToDictionary(m => m, _ => new double[resamples.Length]);
        for (var b = 0; b < resamples.Length; b++)
        {
            var indices = resamples[b];
            var z = indices.Average(i => strengths[i]);
            if (!(z > 0))
            {
                foreach (var array in values.Values)
                {
                    array[b] = double.NaN;
                }

                continue;
            }

            var fit = fitter.Fit(indices);
            var summary = fit.Summarize(z);
            values[CheckMetric.SpindleMass][b] = summary.SpindleMass;
            values[CheckMetric.DecayMass][b] = summary.DecayMass;
            values[CheckMetric.SpindleShare][b] = summary.SpindleShare;
            values[CheckMetric.CancellationMass][b] = InteractionDistributions.CancellationMass(fit.Data) / z;
        }

        return new CheckUncertainty(options.BootstrapSeed, distributions.Length, options.ConfidenceLevel, values);
    }

    /// <summary>Fits the decomposition on a subset (with repetition) of the samples, for the check and its bootstrap.</summary>
    private sealed class SampleFitter
    {
        private readonly double[][] _and;
        private readonly double[][] _or;
        private readonly OrderDistribution[] _distributions;
        private readonly double _tau;
        private readonly DecayShape _shape;
        private readonly DecompositionFitOptions _fitOptions;
        private readonly MonotoneDecompositionFitter? _monotone;

        public SampleFitter(double[][] and, double[][] or, OrderDistribution[] distributions, double tau, InteractionCheckOptions options, double? heldDelta)
        {
            _and = and;
            _or = or;
            _distributions = distributions;
            _tau = tau;
            _shape = options.DecayShape;
            var fit = options.Fit ?? new DecompositionFitOptions();
            _fitOptions = new DecompositionFitOptions
            {
                MinDelta = heldDelta ?? fit.MinDelta,
                MaxDelta = heldDelta ?? fit.MaxDelta,
                MiddleOrderRetention = fit.MiddleOrderRetention,
                DeltaGridSize = fit.DeltaGridSize,
                MinAlpha = fit.MinAlpha,
                AlphaGridSize = fit.AlphaGridSize,
                Refine = fit.Refine,
            };
            if (_shape == DecayShape.Monotone)
            {
                _monotone = new MonotoneDecompositionFitter(distributions[0].VariableCount, _fitOptions);
            }
        }

        public DecompositionResult Fit(int[] indices)
        {
            var data = InteractionDistributions.Average(indices.Select(i => _distributions[i]).ToArray());
            if (_monotone is not null)
            {
                return _monotone.Fit(data);
            }

            var model = new DecayModel(indices.Select(i => _and[i]).ToArray(), indices.Select(i => _or[i]).ToArray(), _tau);
            return new DecompositionFitter(model, _fitOptions).Fit(data);
        }
    }
}
