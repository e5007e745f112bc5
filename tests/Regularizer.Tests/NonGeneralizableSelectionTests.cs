namespace Spindle.Regularizer.Tests;

public class NonGeneralizableSelectionTests
{
    private static readonly bool[] Expected0 = [false, false, true, false, true, false, true, true];
    private static readonly bool[] Expected1 = [false, false, false, false, false, true, true, true];
    private static readonly bool[] Expected2 = [false, false, true];

    private const double Tau = 0.1;

    // Index: 0 = ∅ (never), then subsets 1..7 of n = 3.
    private static readonly double[] Target = [5.0, 0.5, -0.5, 0.05, 0.3, -0.3, 0.2, 1.0];

    [Test]
    public void Select_OneBaseline_MatchesHandComputedCases()
    {
        double[] baseline = [5.0, 0.4, 0.4, 0.5, 0.05, -0.2, -0.2, 0.0];

        // S=1: salient, baseline salient same sign -> generalizable. S=2: opposite sign -> penalised.
        // S=3: not salient in the target -> not penalised. S=4: baseline below τ -> penalised.
        // S=5: both negative and salient -> generalizable. S=6: opposite sign -> penalised. S=7: baseline 0 -> penalised.
        var selected = NonGeneralizableSelection.Select(Target, [baseline], Tau);
        Assert.That(selected, Is.EqualTo(Expected0));
    }

    [Test]
    public void Select_TwoBaselines_GeneralizableWhenEitherAgrees()
    {
        double[] first = [0, 0.4, 0.0, 0, 0.0, 0, 0.0, -1.0];
        double[] second = [0, -0.4, -0.4, 0, 0.3, 0, 0.0, 0.0];

        // S=1: the first agrees. S=2: the second agrees (both negative). S=4: the second agrees. S=7: neither (opposite, zero).
        var selected = NonGeneralizableSelection.Select(Target, [first, second], Tau);
        Assert.That(selected, Is.EqualTo(Expected1));
    }

    [Test]
    public void Select_ValueExactlyAtTau_IsNotSalient()
    {
        var selected = NonGeneralizableSelection.Select([0, 0.1, -0.1000001], [[0, 0, 0]], Tau);
        Assert.That(selected, Is.EqualTo(Expected2));
    }

    [Test]
    public void Select_NoBaselines_Throws() =>
        Assert.That(() => NonGeneralizableSelection.Select(Target, [], Tau), Throws.ArgumentException);
}
