using static TorchSharp.torch;

namespace Spindle.Regularizer;

/// <summary>
/// Makes a model's batch-norm layers normalise by the statistics of the batch they are given, without reading or
/// writing their running statistics, until disposed: a forward hook on each layer replaces its output by batch
/// normalisation with the batch's own mean and variance and the layer's affine parameters.
/// </summary>
/// <remarks>
/// The layers stay in the mode the enclosing scope gave them (evaluation), so their own forward pass, whose output the
/// hook discards, neither updates the running statistics nor counts a batch. A hook is used rather than training mode
/// with the buffers restored afterwards because autograd saves the running statistics a training-mode pass used, so
/// writing them back before the backward pass would invalidate the graph. Layers are reached through <c>call</c>, as
/// TorchSharp runs hooks only there.
/// </remarks>
internal sealed class BatchStatisticsScope : IDisposable
{
    private readonly List<Action> _removals = [];

    public BatchStatisticsScope(nn.Module model)
    {
        foreach (var layer in model.modules().OfType<TorchSharp.Modules.BatchNorm>())
        {
            var hook = layer.register_forward_hook((module, input, _) =>
            {
                var norm = (TorchSharp.Modules.BatchNorm)module;
                return nn.functional.batch_norm(input, null, null, norm.weight, norm.bias, training: true, momentum: 0.0, eps: norm.eps);
            });
            _removals.Add(hook.remove);
        }
    }

    public void Dispose()
    {
        foreach (var remove in _removals)
        {
            remove();
        }
    }
}
