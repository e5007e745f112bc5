using Spindle.Monitor.Checks;
using Spindle.Monitor.Masking;
using Spindle.Monitor.Monitoring;
using Spindle.Monitor.Tests.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Monitoring;

/// <summary>A small CNN, four random probes and n = 6 input patches: a monitor that checks in well under a second.</summary>
internal sealed class MonitorFixture : IDisposable
{
    private static readonly long[] ProbeLabels = [0, 1, 2, 3];

    public MonitorFixture(long seed = 7)
    {
        Model = new SplitCnn(seed: seed);
        torch.manual_seed(4);
        Probes = torch.rand(4, 1, 28, 28).DetachFromDisposeScope();
    }

    public SplitCnn Model { get; }

    public Tensor Probes { get; }

    public static InputVariables Variables => new InputPatchVariables(new PatchGrid(4, 4), PatchSelection.RandomCentral(6, seed: 2, margin: 0));

    public static InteractionCheckOptions CheckOptions => new() { BootstrapReplicates = 5 };

    public InteractionMonitor Create(MonitorOptions options) => new(Model, Variables, Probes, ProbeLabels, options);

    /// <summary>Stands in for an epoch of training: moves every parameter by seeded noise.</summary>
    public void Perturb(int seed)
    {
        torch.manual_seed(seed);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var p in Model.parameters())
            {
                p.add_(torch.randn_like(p).mul(0.05));
            }
        }
    }

    /// <summary>A CPU copy of the model's state_dict.</summary>
    public Dictionary<string, Tensor> Snapshot() =>
        Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope());

    public void Dispose()
    {
        Model.Dispose();
        Probes.Dispose();
    }
}
