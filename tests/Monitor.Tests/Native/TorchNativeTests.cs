using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Native;

/// <summary>TorchSharp's native library loads and computes (see build/PatchLibTorchSharp.cs).</summary>
public class TorchNativeTests
{
    [Test]
    public void Forward_SmallConvNet_MatchesHandComputedOutput()
    {
        using var scope = torch.NewDisposeScope();
        using var conv = nn.Conv2d(1, 1, 2, bias: false);
        using (torch.no_grad())
        {
            conv.weight!.copy_(torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2));
        }

        var input = torch.arange(9, dtype: ScalarType.Float32).reshape(1, 1, 3, 3);
        var output = nn.functional.relu(conv.call(input)).flatten();

        // Each output is the dot product of a 2x2 window with [1, 2, 3, 4]; exact in float32.
        float[] expected = [0 * 1 + 1 * 2 + 3 * 3 + 4 * 4, 1 * 1 + 2 * 2 + 4 * 3 + 5 * 4, 3 * 1 + 4 * 2 + 6 * 3 + 7 * 4, 4 * 1 + 5 * 2 + 7 * 3 + 8 * 4];
        Assert.That(output.data<float>().ToArray(), Is.EqualTo(expected).AsCollection);
    }
}
