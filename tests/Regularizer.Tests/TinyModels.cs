using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Regularizer.Tests;

/// <summary>Small float64 models on 4 tabular features, smooth (tanh) so finite differences are exact to second order.</summary>
internal static class TinyModels
{
    public static nn.Module<Tensor, Tensor> Mlp(int seed, int features = 4, int classes = 3)
    {
        torch.random.manual_seed(seed);
        var model = nn.Sequential(nn.Linear(features, 6), nn.Tanh(), nn.Linear(6, classes));
        model.to(ScalarType.Float64);

        // Larger weights than the default initialisation, so the outputs have salient higher-order interactions.
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.mul_(3.0);
            }
        }

        return model;
    }

    /// <summary>Linear, batch norm, tanh, linear: a batch-norm model small enough for finite differences.</summary>
    public static nn.Module<Tensor, Tensor> BatchNormMlp(int seed, int features = 4, int classes = 3)
    {
        torch.random.manual_seed(seed);
        var model = nn.Sequential(nn.Linear(features, 6), nn.BatchNorm1d(6), nn.Tanh(), nn.Linear(6, classes));
        model.to(ScalarType.Float64);
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.mul_(3.0);
            }

            // Running statistics away from their initial 0 and 1, as after some training.
            var norm = (TorchSharp.Modules.BatchNorm1d)model[1];
            norm.running_mean!.copy_(torch.linspace(-1, 1, 6, dtype: ScalarType.Float64));
            norm.running_var!.copy_(torch.linspace(2, 5, 6, dtype: ScalarType.Float64));
        }

        return model;
    }

    public static (Tensor Inputs, Tensor Labels) Batch(int seed, int rows = 3, int features = 4, int classes = 3)
    {
        var generator = torch.random.manual_seed(seed);
        var inputs = torch.randn([rows, features], dtype: ScalarType.Float64, generator: generator);
        var labels = torch.tensor(Enumerable.Range(0, rows).Select(i => (long)(i % classes)).ToArray());
        return (inputs, labels);
    }
}
