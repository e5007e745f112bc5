
namespace Spindle.Cli.Tests;

public class DataCommandTests
{
    [Test]
    public void Info_TrainDatasetName_LoadsTheEmbeddedSubset()
    {
        var (code, output, _) = Invoke(["info", "--dataset", "fashion-mnist"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.Zero);
            Assert.That(output, Does.Contain("4000 samples"));
        }
    }

    [Test]
    public void Info_DataDirectoryThatDoesNotExist_ExitsWithOneInsteadOfIgnoringIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"spindle-missing-{Guid.NewGuid():N}");

        var (code, _, error) = Invoke(["info", "--data", missing]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain(missing));
        }
    }

    private static (int Code, string Output, string Error) Invoke(string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (DataCommand.Create().Parse(arguments).Invoke(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
