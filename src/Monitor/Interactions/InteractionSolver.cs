namespace Spindle.Monitor.Interactions;

/// <summary>Selects the optimiser that chooses the AND-OR split and the noise term (paper appendix F).</summary>
public enum InteractionSolver
{
    /// <summary>
    /// ADMM on the exact linear program, stopped by a certified duality gap: the objective it reports
    /// is within <see cref="InteractionAnalysisOptions.RelativeGap"/> of the true optimum.
    /// </summary>
    Exact = 0,

    /// <summary>
    /// The published procedure: SGD with momentum 0.9 on the L1 loss, learning rate decaying
    /// log-uniformly from its start value to a tenth of it, noise clamped every step. Paper-compatible, slow.
    /// </summary>
    Reference = 1,
}
