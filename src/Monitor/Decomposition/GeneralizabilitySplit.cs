namespace Spindle.Monitor.Decomposition;

/// <summary>The distributions of a target model's interactions split by generalizability (paper Section 2.2).</summary>
/// <param name="All">A^(m),± of the target model (Eq. 6).</param>
/// <param name="Generalizable">A_gen^(m),±: salient interactions that at least one baseline model shares with the same sign.</param>
/// <param name="NonGeneralizable">A_non^(m),± = A^(m),± - A_gen^(m),±.</param>
public sealed record GeneralizabilitySplit(OrderDistribution All, OrderDistribution Generalizable, OrderDistribution NonGeneralizable);
