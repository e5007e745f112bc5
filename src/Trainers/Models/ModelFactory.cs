namespace Spindle.Trainers.Models;

/// <summary>Creates the models of the <c>spindle</c> command line by name.</summary>
public static class ModelFactory
{
    /// <summary>Gets the model names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp", "cnn", "resnet20", "vgg11", "bert-tiny"];

    /// <summary>Creates a model for samples of a given shape.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="sampleShape">One sample's shape: [channels, height, width] for images, [length] of token ids for bert-tiny.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="options">Model options; defaults when null.</param>
    /// <returns>The model, on the CPU, with TorchSharp's default initialisation (seed torch first for reproducibility).</returns>
    /// <exception cref="ArgumentException">The name is unknown or the shape does not suit the model.</exception>
    public static SplitClassifier Create(string name, IReadOnlyList<int> sampleShape, int classCount, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sampleShape);
        options ??= new ModelOptions();
        var shape = string.Join("x", sampleShape);
        switch (name.ToLowerInvariant())
        {
            case "mlp":
                return new Mlp(sampleShape.Aggregate(1, (a, b) => checked(a * b)), options.MlpHidden ?? ModelDefaults.MlpHidden, classCount);
            case "cnn":
                RequireSquareImage(name, sampleShape, shape);
                return new SmallCnn(sampleShape[0], sampleShape[1], classCount, options.Dropout ?? 0);
            case "resnet20":
                RequireSquareImage(name, sampleShape, shape);
                return new ResNet20(sampleShape[0], classCount);
            case "vgg11":
                RequireSquareImage(name, sampleShape, shape);
                return new Vgg11(sampleShape[0], sampleShape[1], classCount, options.WidthMultiplier ?? ModelDefaults.VggWidthMultiplier);
            case "bert-tiny":
                if (sampleShape.Count != 1)
                {
                    throw new ArgumentException($"bert-tiny takes token-id sequences of shape [length]; the data has samples of shape {shape}.", nameof(sampleShape));
                }

                return new BertTiny(
                    options.VocabularySize ?? ModelDefaults.BertVocabularySize,
                    sampleShape[0],
                    classCount,
                    dropout: options.Dropout ?? ModelDefaults.BertDropout);
            default:
                throw new ArgumentException($"Unknown model '{name}'; choose one of {string.Join(", ", Names)}.", nameof(name));
        }
    }

    private static void RequireSquareImage(string name, IReadOnlyList<int> sampleShape, string shape)
    {
        if (sampleShape.Count != 3 || sampleShape[1] != sampleShape[2])
        {
            throw new ArgumentException($"{name} takes square images of shape [channels, size, size]; the data has samples of shape {shape}.", nameof(sampleShape));
        }
    }
}
