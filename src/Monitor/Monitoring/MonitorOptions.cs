using System.ComponentModel.DataAnnotations;
using Spindle.Monitor.Checks;
using Spindle.Monitor.EarlyStopping;

namespace Spindle.Monitor.Monitoring;

/// <summary>Options of an <see cref="InteractionMonitor"/>: how often it checks, where it logs, how it stops and restores.</summary>
public sealed class MonitorOptions
{
    /// <summary>Gets or sets K: the monitor checks at epochs K, 2K, 3K, ….</summary>
    /// <value>The default value is 1 (every epoch).</value>
    [Range(1, int.MaxValue)]
    public int CheckEvery { get; set; } = MonitorDefaults.CheckEvery;

    /// <summary>
    /// Gets or sets the check budget: the largest share of the loop's own time (the wall time between
    /// <see cref="InteractionMonitor.OnEpochEnd"/> calls, outside checks) that checks may take. At a check epoch the
    /// monitor skips the check when the checks so far plus one more of the last check's duration would exceed this
    /// share, so on small data it checks less often and on large data every K epochs. The first check always runs.
    /// <see langword="null"/>: no budget, a check at every K-th epoch.
    /// </summary>
    /// <value>The default value is 0.1 (checks take at most about 10% of the loop's time).</value>
    public double? CheckBudget { get; set; } = MonitorDefaults.CheckBudget;

    /// <summary>Gets or sets the run folder the monitor writes <see cref="InteractionMonitor.LogFileName"/> into; <see langword="null"/> for no log.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RunFolder { get; set; }

    /// <summary>Gets or sets the identifier of the run, the <c>run.id</c> attribute of every metric; <see langword="null"/> for the run folder's name, or a new GUID without a folder.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RunId { get; set; }

    /// <summary>Gets or sets the options of each check; <see langword="null"/> for the defaults.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public InteractionCheckOptions? Check { get; set; }

    /// <summary>Gets or sets the early-stopping rule applied to the checks; <see langword="null"/> for its defaults, chosen by the early-stopping study (see <see cref="EarlyStoppingOptions"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public EarlyStoppingOptions? EarlyStopping { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <see cref="InteractionMonitor.OnEpochEnd"/> returns the rule's stop. When
    /// <see langword="false"/> the rule is still evaluated, logged and published (advisory), and the monitor always returns
    /// <see cref="StopDecision.Continue"/>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StopTraining { get; set; } = MonitorDefaults.StopTraining;

    /// <summary>Gets or sets whether the monitor keeps the weights of the best check.</summary>
    /// <value>The default value is <see cref="MonitorRestore.None"/>.</value>
    public MonitorRestore Restore { get; set; } = MonitorDefaults.Restore;

    /// <summary>Gets or sets a value indicating whether each check is recorded on the <c>Spindle.Monitor</c> meter (see <see cref="Metrics.MonitorMetrics"/>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PublishMetrics { get; set; } = MonitorDefaults.PublishMetrics;

    /// <summary>Throws when the options are out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckEvery, 1, nameof(CheckEvery));
        if (CheckBudget is { } budget && !(budget > 0 && double.IsFinite(budget)))
        {
            throw new ArgumentOutOfRangeException(nameof(CheckBudget), budget, "The check budget must be a positive share of the loop's time (0.1 for 10%), or null for none.");
        }

        if (!Enum.IsDefined(Restore))
        {
            throw new ArgumentOutOfRangeException(nameof(Restore), Restore, "Unknown restore mode.");
        }

        Check?.Validate();
        EarlyStopping?.Validate();
    }
}
