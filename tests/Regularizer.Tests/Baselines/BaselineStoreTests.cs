using Spindle.Regularizer.Baselines;

namespace Spindle.Regularizer.Tests.Baselines;

public class BaselineStoreTests
{
    private static BaselineProvenance Provenance(int seed = 7) => new()
    {
        Model = "tiny-mlp",
        Dataset = "synthetic",
        Split = "held-out 3",
        SampleCount = 3,
        SampleIndicesSha256 = BaselineStore.HashIndices([4, 5, 6]),
        Seed = seed,
        Epochs = 2,
        Training = new Dictionary<string, string> { ["lr"] = "0.001", ["optimizer"] = "adam" },
    };

    [Test]
    public void SaveThenTryLoad_SameProvenance_RestoresTheWeights()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-baselines-").FullName;
        try
        {
            var store = new BaselineStore(folder);
            using var trained = TinyModels.Mlp(seed: 1);
            store.Save(trained, Provenance(), trainAccuracy: 0.75);
            using var fresh = TinyModels.Mlp(seed: 2);

            // The same provenance with its training settings in another order finds the same file.
            var reordered = Provenance() with { Training = new Dictionary<string, string> { ["optimizer"] = "adam", ["lr"] = "0.001" } };
            var record = store.TryLoad(fresh, reordered);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(record, Is.Not.Null);
                Assert.That(record!.TrainAccuracy, Is.EqualTo(0.75));
                Assert.That(record.Provenance.Seed, Is.EqualTo(7));
                foreach (var (a, b) in trained.parameters().Zip(fresh.parameters()))
                {
                    Assert.That(a.eq(b).all().item<bool>(), Is.True);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TryLoad_OtherProvenance_FindsNothing()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-baselines-").FullName;
        try
        {
            var store = new BaselineStore(folder);
            using var trained = TinyModels.Mlp(seed: 1);
            store.Save(trained, Provenance());
            using var fresh = TinyModels.Mlp(seed: 2);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(store.TryLoad(fresh, Provenance(seed: 8)), Is.Null);
                Assert.That(store.TryLoad(fresh, Provenance() with { SampleIndicesSha256 = BaselineStore.HashIndices([4, 5, 7]) }), Is.Null);
                Assert.That(store.Contains(Provenance()), Is.True);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void TryLoad_RecordOfAnotherProvenanceUnderItsName_Throws()
    {
        var folder = Directory.CreateTempSubdirectory("spindle-baselines-").FullName;
        try
        {
            var store = new BaselineStore(folder);
            using var trained = TinyModels.Mlp(seed: 1);
            store.Save(trained, Provenance());
            var path = store.RecordPath(Provenance());
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"seed\": 7", "\"seed\": 9", StringComparison.Ordinal));
            Assert.That(() => store.TryLoad(trained, Provenance()), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("delete it to retrain"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void HashIndices_DependsOnOrderAndValues() =>
        Assert.That(new[] { BaselineStore.HashIndices([1, 2]), BaselineStore.HashIndices([2, 1]), BaselineStore.HashIndices([1, 3]), BaselineStore.HashIndices([12]) }, Is.Unique);
}
