
namespace Spindle.Cli.Tests;

public class BenchSolverCommandTests
{
    [TestCase("--lr", "-1")]
    [TestCase("--reference-iterations", "0")]
    public void Create_BadReferenceSetting_ExitsWithOneBeforeRunning(string option, string value)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        int code;
        try
        {
            code = BenchSolverCommand.Create().Parse(["--variables", "4", option, value]).Invoke();
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.StartWith("spindle bench solver: --lr must be ≥ 0 and --reference-iterations at least 1"));
            Assert.That(output.ToString(), Is.Empty);
        }
    }
}
