using static TorchSharp.torch;

namespace Spindle.Trainers.Training;

/// <summary>One training step as a <see cref="Trainer.LossTerm"/> sees it: the model, the batch and the step's place in the run.</summary>
/// <remarks>The tensors belong to the step's dispose scope; do not keep them.</remarks>
public sealed class TrainingStep
{
    internal TrainingStep(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, Tensor logits, int epoch, long step)
    {
        Model = model;
        Inputs = inputs;
        Labels = labels;
        Logits = logits;
        Epoch = epoch;
        Step = step;
    }

    /// <summary>Gets the model being trained (in training mode).</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>Gets the batch's inputs, on the trainer's device.</summary>
    public Tensor Inputs { get; }

    /// <summary>Gets the batch's labels (int64).</summary>
    public Tensor Labels { get; }

    /// <summary>Gets the model's logits for the batch, with gradients.</summary>
    public Tensor Logits { get; }

    /// <summary>Gets the 1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>Gets the 0-based step over the whole run: (epoch - 1) · steps per epoch + the step's index in its epoch (the same after a resume).</summary>
    public long Step { get; }
}
