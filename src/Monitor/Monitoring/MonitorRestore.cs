namespace Spindle.Monitor.Monitoring;

/// <summary>Whether an <see cref="InteractionMonitor"/> keeps the weights of the best check so they can be loaded back.</summary>
public enum MonitorRestore
{
    /// <summary>Keeps no weights; <see cref="InteractionMonitor.RestoreBest"/> restores nothing.</summary>
    None = 0,

    /// <summary>
    /// Keeps a CPU copy of the model's <c>state_dict</c> (parameters and buffers) at the best check of the early-stopping
    /// rule, replaced whenever a better check comes; <see cref="InteractionMonitor.RestoreBest"/> loads it back. The copy
    /// lives in memory only (it is not in <see cref="MonitorState"/>).
    /// </summary>
    BestInMemory,
}
