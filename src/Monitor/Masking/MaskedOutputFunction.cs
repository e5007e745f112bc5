using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Computes the scalar output v of each row of a batch from the model's logits.</summary>
/// <param name="logits">The model's output for the masked batch, batch first (for a classifier [batch, classes]).</param>
/// <param name="labels">The true label of each row (int64, [batch]), on the logits' device.</param>
/// <returns>A tensor of shape [batch]; it is converted to float64 on the host.</returns>
public delegate Tensor MaskedOutputFunction(Tensor logits, Tensor labels);
