using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <summary>Puts a module and all its submodules in evaluation mode and, when disposed, gives each its own previous mode back.</summary>
/// <remarks>Modes are restored parents first, because <c>train(bool)</c> also sets every child: a model whose parts were in different modes gets exactly those modes back.</remarks>
internal sealed class EvaluationModeScope : IDisposable
{
    private readonly (nn.Module Module, bool Training)[] _modes;

    public EvaluationModeScope(nn.Module module)
    {
        _modes =
        [
            (module, module.training),
            .. module.named_modules()
                .Where(m => m.name.Length > 0)
                .OrderBy(m => m.name.Count(c => c == '.'))
                .Select(m => (m.module, m.module.training)),
        ];
        module.eval();
    }

    public void Dispose()
    {
        foreach (var (module, training) in _modes)
        {
            module.train(training);
        }
    }
}
