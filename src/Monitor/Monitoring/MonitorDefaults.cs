namespace Spindle.Monitor.Monitoring;

/// <summary>Default values of <see cref="MonitorOptions"/>, referred to by its docs and tests.</summary>
internal static class MonitorDefaults
{
    /// <summary>A check after every epoch.</summary>
    public const int CheckEvery = 1;

    /// <summary>Checks take at most about 10% of the loop's own time.</summary>
    public const double CheckBudget = 0.1;

    /// <summary>The early-stopping decision is returned (it stops a loop that obeys it).</summary>
    public const bool StopTraining = true;

    /// <summary>No weights are kept: on the pilot runs, restoring the lowest-spindle check restored a barely trained model.</summary>
    public const MonitorRestore Restore = MonitorRestore.None;

    /// <summary>The checks are published through the <c>Spindle.Monitor</c> meter.</summary>
    public const bool PublishMetrics = true;
}
