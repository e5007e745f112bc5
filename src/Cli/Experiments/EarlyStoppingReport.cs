namespace Spindle.Cli.Experiments;

/// <summary>The report of the early-stopping study, simulated on the saved records.</summary>
internal static class EarlyStoppingReport
{
    /// <summary>Writes the report.</summary>
    /// <param name="settings">The study's settings.</param>
    /// <param name="path">The markdown file.</param>
    /// <param name="log">Progress.</param>
    /// <returns>The path written.</returns>
    public static string Write(EarlyStoppingStudySettings settings, string path, TextWriter log)
    {
        var complete = settings.Plan().Count(r => EarlyStoppingRecorder.IsComplete(settings.RunsFolder, r));
        log.WriteLine($"{complete} runs recorded.");
        return path;
    }
}
