using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>
/// Computes v(x_T) for every mask T of every sample: the 2^n masked forward passes of the paper's interaction
/// extraction (section 2.1), batched in memory-bounded chunks on the model's device.
/// </summary>
/// <remarks>
/// <para>
/// The model runs under <c>torch.no_grad()</c> in evaluation mode; each module's previous mode is restored afterwards,
/// also when an exception is thrown. Samples and labels move to the device of the model's first parameter (CPU for a
/// model without parameters). The masked rows of all samples form one stream, cut into chunks of at most
/// <see cref="MaskingOptions.MaxChunkBytes"/> bytes of masked input and <see cref="MaskingOptions.MaxChunkRows"/>
/// rows; a chunk may span a sample boundary. Each chunk
/// runs in its own dispose scope, so no tensor outlives it.
/// </para>
/// <para>
/// Result s holds 2^n values; entry T is v(x_T), where bit i of T set means variable i is present. This is the input
/// of the interaction transforms in <c>Spindle.Monitor.Interactions</c>.
/// </para>
/// </remarks>
public sealed partial class MaskedOutputEvaluator
{
    private readonly MaskedOutputFunction _outputFunction;
    private readonly bool _isLogOdds;

    /// <summary>Initializes a new instance of the <see cref="MaskedOutputEvaluator"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults; copied, never modified.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MaskedOutputEvaluator(MaskingOptions? options = null)
    {
        options ??= new MaskingOptions();
        options.Validate();
        MaxChunkBytes = options.MaxChunkBytes;
        MaxChunkRows = options.MaxChunkRows;
        MaxVariableCount = options.MaxVariableCount;
        _outputFunction = options.OutputFunction ?? OutputFunctions.LogOdds;
        _isLogOdds = options.OutputFunction is null || options.OutputFunction == OutputFunctions.LogOdds;
    }

    /// <summary>Gets the largest number of bytes of masked input per forward pass.</summary>
    public long MaxChunkBytes { get; }

    /// <summary>Gets the largest number of masked rows per forward pass.</summary>
    public int MaxChunkRows { get; }

    /// <summary>Gets the largest number of input variables accepted.</summary>
    public int MaxVariableCount { get; }

    /// <summary>Computes v(x_T) for every mask T of every sample of a batch.</summary>
    /// <param name="model">The model; it maps a batch of inputs to logits.</param>
    /// <param name="variables">The input variables and their masking.</param>
    /// <param name="samples">The samples, batch first (sample s is <c>samples[s]</c>).</param>
    /// <param name="labels">The true class of every sample.</param>
    /// <param name="progress">Receives a report after every chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>For each sample, the 2^n outputs indexed by mask.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit each other; the message says which sample and why.</exception>
    /// <exception cref="InvalidOperationException">An output is NaN or infinite; the message names the sample and mask.</exception>
    public double[][] Evaluate(
        nn.Module<Tensor, Tensor> model,
        InputVariables variables,
        Tensor samples,
        IReadOnlyList<long> labels,
        IProgress<MaskingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() < 1)
        {
            throw new ArgumentException("The samples must be a batch with the sample index first; got a scalar.", nameof(samples));
        }

        using var scope = torch.NewDisposeScope();
        var list = Enumerable.Range(0, (int)samples.shape[0]).Select(s => samples[s]).ToList();
        return Evaluate(model, variables, list, labels, progress, cancellationToken);
    }

    /// <summary>Computes v(x_T) for every mask T of every sample of a list (samples may differ in shape, for example token sequences).</summary>
    /// <param name="model">The model; it maps a batch of inputs to logits.</param>
    /// <param name="variables">The input variables and their masking.</param>
    /// <param name="samples">The samples, each without a batch dimension.</param>
    /// <param name="labels">The true class of every sample.</param>
    /// <param name="progress">Receives a report after every chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels between chunks.</param>
    /// <returns>For each sample, the 2^n outputs indexed by mask.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit each other; the message says which sample and why.</exception>
    /// <exception cref="InvalidOperationException">An output is NaN or infinite; the message names the sample and mask.</exception>
    public double[][] Evaluate(
        nn.Module<Tensor, Tensor> model,
        InputVariables variables,
        IReadOnlyList<Tensor> samples,
        IReadOnlyList<long> labels,
        IProgress<MaskingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(labels);
        if (samples.Count != labels.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"There are {samples.Count} samples but {labels.Count} labels."), nameof(labels));
        }

        for (int s = 0; s < labels.Count; s++)
        {
            if (_isLogOdds && labels[s] < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Sample {s} has label {labels[s]}; labels must be class indices (0 or more)."), nameof(labels));
            }
        }

        if (samples.Count == 0)
        {
            return [];
        }

        var run = new Run(this, model, variables, samples, labels, progress, cancellationToken);
        return run.Execute();
    }

    /// <summary>Gets the device of a module's first parameter or buffer, or the CPU.</summary>
    /// <param name="module">The module.</param>
    /// <returns>The device.</returns>
    internal static Device DeviceOf(nn.Module module) =>
        module.parameters().FirstOrDefault()?.device ?? module.buffers().FirstOrDefault()?.device ?? torch.CPU;

    /// <summary>Describes a mask for messages, as its number and its present variables.</summary>
    /// <param name="mask">The mask.</param>
    /// <param name="n">The number of variables.</param>
    /// <returns>For example "mask 5 (present: {0, 2})".</returns>
    internal static string DescribeMask(long mask, int n) =>
        string.Create(CultureInfo.InvariantCulture, $"mask {mask} (present: {{{string.Join(", ", Enumerable.Range(0, n).Where(i => ((mask >> i) & 1) != 0))}}})");
}
