using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Spindle.Regularizer;

/// <summary>Identifies a sample by its content: the SHA-256 of its shape, element type, values and label.</summary>
/// <param name="Hash">The hash, as hexadecimal.</param>
/// <param name="Index">A non-negative index derived from the hash, given to <c>InputVariables.Prepare</c> for per-sample variable choices.</param>
internal readonly record struct SampleKey(string Hash, int Index)
{
    /// <summary>Computes the key of one sample.</summary>
    /// <param name="sample">The sample, without a batch dimension.</param>
    /// <param name="label">Its label.</param>
    /// <returns>The key.</returns>
    public static SampleKey Of(Tensor sample, long label)
    {
        using var scope = NewDisposeScope();
        var header = $"{string.Join("x", sample.shape)}|{sample.dtype}|{label}|";
        var values = sample.detach().cpu().contiguous().bytes;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(header));
        hash.AppendData(values);
        var digest = hash.GetHashAndReset();
        return new SampleKey(Convert.ToHexString(digest), BitConverter.ToInt32(digest, 0) & int.MaxValue);
    }
}
