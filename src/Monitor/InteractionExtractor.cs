using Spindle.Monitor.Interactions;
using Spindle.Monitor.Masking;
using static TorchSharp.torch;

namespace Spindle.Monitor;

/// <summary>
/// Extracts the AND-OR interactions of a TorchSharp model on a few samples: the 2^n masked forward passes
/// (<see cref="MaskedOutputEvaluator"/>) followed by the sparsest decomposition of their outputs
/// (<see cref="InteractionAnalyzer"/>).
/// </summary>
/// <remarks>
/// The two halves can also be used apart: the evaluator gives v(x_T) for every mask, and the analyzer accepts outputs
/// computed anywhere (for example read from a file by <c>spindle extract --outputs</c>).
/// </remarks>
public sealed class InteractionExtractor
{
    private readonly MaskedOutputEvaluator _evaluator;
    private readonly InteractionAnalysisOptions _analysis;

    /// <summary>Initializes a new instance of the <see cref="InteractionExtractor"/> class.</summary>
    /// <param name="masking">The masking options, or <see langword="null"/> for the defaults.</param>
    /// <param name="analysis">The analysis options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public InteractionExtractor(MaskingOptions? masking = null, InteractionAnalysisOptions? analysis = null)
    {
        _evaluator = new MaskedOutputEvaluator(masking);
        _analysis = analysis ?? new InteractionAnalysisOptions();
        _analysis.Validate();
    }

    /// <summary>Extracts the interactions of a model on a batch of samples.</summary>
    /// <param name="model">The model; it maps a batch of inputs to logits.</param>
    /// <param name="variables">The input variables and their masking.</param>
    /// <param name="samples">The samples, batch first.</param>
    /// <param name="labels">The true class of every sample.</param>
    /// <param name="progress">Receives a report after every chunk of masked forward passes, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>The interactions of every sample, with their per-order distributions.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit each other.</exception>
    /// <exception cref="InvalidOperationException">A masked output is NaN or infinite (the message names the sample and mask).</exception>
    public InteractionExtraction Extract(
        nn.Module<Tensor, Tensor> model,
        InputVariables variables,
        Tensor samples,
        IReadOnlyList<long> labels,
        IProgress<MaskingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Count > _analysis.MaxVariables)
        {
            throw new ArgumentException(
                $"{variables.Count} input variables exceed the analysis limit of {_analysis.MaxVariables}.", nameof(variables));
        }

        var outputs = _evaluator.Evaluate(model, variables, samples, labels, progress, cancellationToken);
        return InteractionAnalyzer.Analyze(outputs, _analysis);
    }
}
