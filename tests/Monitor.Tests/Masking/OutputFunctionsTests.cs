using Spindle.Monitor.Masking;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Tests.Masking;

public class OutputFunctionsTests
{
    [Test]
    public void LogOdds_ModerateLogits_EqualsNaiveFormula()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(10);
        var logits = torch.randn(32, 5, dtype: ScalarType.Float64).mul(3);
        long[] labels = [.. Enumerable.Range(0, 32).Select(i => (long)(i % 5))];

        double[] actual = OutputFunctions.LogOdds(logits, torch.tensor(labels)).data<double>().ToArray();

        double[] z = logits.data<double>().ToArray();
        using (Assert.EnterMultipleScope())
        {
            for (int b = 0; b < 32; b++)
            {
                double sum = Enumerable.Range(0, 5).Sum(c => Math.Exp(z[(b * 5) + c]));
                double p = Math.Exp(z[(b * 5) + labels[b]]) / sum;
                double naive = Math.Log(p / (1 - p));

                // |z| <= ~10: p stays well inside (0, 1), so the naive formula loses at most ~1e-13 to rounding.
                Assert.That(actual[b], Is.EqualTo(naive).Within(1e-11), $"row {b}");
            }
        }
    }

    [Test]
    public void LogOdds_ConfidentLogits_FiniteWhereNaiveFormulaOverflows()
    {
        using var scope = torch.NewDisposeScope();
        float[] values = [0, 50, -3, 0, -800, 1];
        var logits = torch.tensor(values, [2, 3]);

        long[] labels = [1, 1];
        double[] actual = OutputFunctions.LogOdds(logits, torch.tensor(labels)).data<double>().ToArray();

        double naiveConfident = NaiveLogOdds([0, 50, -3], 1);
        double naiveHopeless = NaiveLogOdds([0, -800, 1], 1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(naiveConfident, Is.EqualTo(double.PositiveInfinity), "p_y rounds to 1");
            Assert.That(naiveHopeless, Is.EqualTo(double.NegativeInfinity), "p_y rounds to 0");

            // Closed forms z_y - log(sum of the others' exp), evaluated in double: agree to rounding (1e-12).
            Assert.That(actual[0], Is.EqualTo(50 - Math.Log(1 + Math.Exp(-3))).Within(1e-12));
            Assert.That(actual[1], Is.EqualTo(-800 - (1 + Math.Log(1 + Math.Exp(-1)))).Within(1e-12));
        }
    }

    [Test]
    public void LogOdds_NearlyEqualLargeLogits_ComputedInDoubleWithoutCancellation()
    {
        using var scope = torch.NewDisposeScope();

        // Two classes at 1000 and 1000.5 (exact in float32): log-odds of class 1 = 0.5 exactly.
        float[] values = [1000f, 1000.5f];
        long[] labels = [1];
        var logits = torch.tensor(values, [1, 2]);

        double actual = OutputFunctions.LogOdds(logits, torch.tensor(labels)).item<double>();

        // With two classes logsumexp over the other class is that logit itself: exact.
        Assert.That(actual, Is.EqualTo(0.5));
    }

    [Test]
    public void LogOdds_SingleLogit_IsTheLogitSignedByLabel()
    {
        using var scope = torch.NewDisposeScope();
        float[] values = [2.5f, 2.5f];
        long[] labels = [1, 0];
        double[] expected = [2.5, -2.5];
        var logits = torch.tensor(values, [2, 1]);

        double[] actual = OutputFunctions.LogOdds(logits, torch.tensor(labels)).data<double>().ToArray();

        // sigmoid(z) is p(1): log-odds z for label 1, -z for label 0; exact.
        Assert.That(actual, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void LogOdds_NotTwoDimensional_Throws()
    {
        using var scope = torch.NewDisposeScope();

        Assert.Throws<ArgumentException>(() => OutputFunctions.LogOdds(torch.zeros(3), torch.zeros(3, dtype: ScalarType.Int64)));
    }

    private static double NaiveLogOdds(double[] z, int y)
    {
        double sum = z.Sum(Math.Exp);
        double p = Math.Exp(z[y]) / sum;
        return Math.Log(p / (1 - p));
    }
}
