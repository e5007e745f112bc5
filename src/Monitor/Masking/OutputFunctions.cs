using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Scalar outputs v(x) of a classifier, for use as <see cref="MaskingOptions.OutputFunction"/>.</summary>
public static class OutputFunctions
{
    /// <summary>Gets the log-odds of the true class, v(x) = log(p_y / (1 - p_y)) (Eq. 1 of the paper).</summary>
    /// <remarks>
    /// <para>
    /// Computed in float64 as z_y - logsumexp_{c != y} z_c from the logits z: that is log p_y - log(1 - p_y)
    /// with the softmax normaliser cancelled exactly, so it stays finite and accurate when p_y rounds to 1
    /// (where the formula through probabilities gives infinity) or to 0.
    /// </para>
    /// <para>
    /// A model with a single logit column is read as a binary classifier with p(1) = sigmoid(z): the log-odds are
    /// z for label 1 and -z for label 0. Logits of shape [batch, classes]; labels in [0, classes).
    /// </para>
    /// </remarks>
    public static MaskedOutputFunction LogOdds { get; } = ComputeLogOdds;

    private static Tensor ComputeLogOdds(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2)
        {
            throw new ArgumentException(
                $"The log-odds need logits of shape [batch, classes]; got shape [{string.Join(", ", logits.shape)}].",
                nameof(logits));
        }

        using var scope = torch.NewDisposeScope();
        var z = logits.to_type(ScalarType.Float64);
        var y = labels.to_type(ScalarType.Int64).reshape(-1, 1);
        if (z.shape[1] == 1)
        {
            var logit = z.squeeze(1);
            return torch.where(y.squeeze(1).eq(1), logit, logit.neg()).MoveToOuterDisposeScope();
        }

        var trueLogit = z.gather(1, y).squeeze(1);
        var others = z.scatter(1, y, torch.full_like(y, double.NegativeInfinity, dtype: ScalarType.Float64));
        return trueLogit.sub(others.logsumexp(1)).MoveToOuterDisposeScope();
    }
}
