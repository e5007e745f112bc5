using Spindle.Monitor.IO;

namespace Spindle.Monitor.Tests.IO;

public class AtomicFileTests
{
    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "spindle-atomic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void WriteAllText_ExistingFile_ReplacedWithoutByteOrderMarkOrLeftovers()
    {
        var path = Path.Combine(_directory, "a.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "{\"x\": 1}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo("{\"x\": 1}"u8.ToArray()).AsCollection);
            Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
        }
    }

    [Test]
    public void Write_WriterThrows_KeepsOldContentAndRemovesTemporaryFile()
    {
        var path = Path.Combine(_directory, "a.bin");
        File.WriteAllText(path, "old");

        Assert.That(
            () => AtomicFile.Write(path, stream =>
            {
                stream.Write([1, 2, 3]);
                throw new IOException("disk full");
            }),
            Throws.TypeOf<IOException>());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
            Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1));
        }
    }

    [Test]
    public void Write_MissingFolder_NamesTheFolder()
    {
        var folder = Path.Combine(_directory, "missing");
        Assert.That(
            () => AtomicFile.WriteAllBytes(Path.Combine(folder, "a.png"), [1]),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains($"the folder {folder} does not exist"));
    }
}
