namespace Spindle.Regularizer;

/// <summary>What a detached extraction fixes for one step of the term: γ, δ, the masks of penalised interactions, τ and counts.</summary>
/// <param name="length">m · 2^n.</param>
internal sealed class TermPlan(int length)
{
    /// <summary>Gets γ of each sample, one block of 2^n after another.</summary>
    public double[] Gamma { get; } = new double[length];

    /// <summary>Gets δ of each sample.</summary>
    public double[] Delta { get; } = new double[length];

    /// <summary>Gets 1 where I_AND(S) is penalised, else 0.</summary>
    public double[] AndMask { get; } = new double[length];

    /// <summary>Gets 1 where I_OR(S) is penalised, else 0.</summary>
    public double[] OrMask { get; } = new double[length];

    /// <summary>Gets or sets τ.</summary>
    public double Tau { get; set; }

    /// <summary>Gets the number of salient interactions.</summary>
    public int SalientCount { get; private set; }

    /// <summary>Gets the number of salient, generalizable interactions.</summary>
    public int GeneralizableCount { get; private set; }

    /// <summary>Gets Σ |I| over salient interactions.</summary>
    public double SalientStrength { get; private set; }

    /// <summary>Gets Σ |I| over salient, generalizable interactions.</summary>
    public double GeneralizableStrength { get; private set; }

    /// <summary>Counts one interaction.</summary>
    /// <param name="value">I_S.</param>
    /// <param name="penalised">Whether it is penalised (salient and not generalizable).</param>
    public void Count(double value, bool penalised)
    {
        if (!(Math.Abs(value) > Tau))
        {
            return;
        }

        SalientCount++;
        SalientStrength += Math.Abs(value);
        if (!penalised)
        {
            GeneralizableCount++;
            GeneralizableStrength += Math.Abs(value);
        }
    }
}
