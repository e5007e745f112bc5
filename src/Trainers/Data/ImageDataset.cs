namespace Spindle.Trainers.Data;

/// <summary>The image datasets <see cref="ImageDatasets.Load"/> knows.</summary>
public enum ImageDataset
{
    /// <summary>The Fashion-MNIST subset embedded in the assembly (4,000 + 1,000 images); needs no files.</summary>
    FashionMnistSubset,

    /// <summary>The full Fashion-MNIST (60,000 + 10,000), from the Debian package or a directory.</summary>
    FashionMnist,

    /// <summary>MNIST from a directory of idx files.</summary>
    Mnist,

    /// <summary>CIFAR-10 binary batches from a directory.</summary>
    Cifar10,
}
