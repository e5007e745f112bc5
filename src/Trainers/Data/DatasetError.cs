namespace Spindle.Trainers.Data;

/// <summary>Builds the <see cref="InvalidDataException"/>s the loaders throw: the message names the file, then the problem.</summary>
internal static class DatasetError
{
    /// <summary>Creates the exception for a problem with one file or directory.</summary>
    /// <param name="path">The file or directory at fault.</param>
    /// <param name="problem">What is wrong, with the numbers involved.</param>
    /// <param name="innerException">The exception that revealed it, if any.</param>
    /// <returns>The exception, with the path also stored in <see cref="Exception.Data"/> under <c>"Path"</c>.</returns>
    public static InvalidDataException Invalid(string path, string problem, Exception? innerException = null)
    {
        var exception = new InvalidDataException($"{path}: {problem}", innerException);
        exception.Data["Path"] = path;
        return exception;
    }
}
