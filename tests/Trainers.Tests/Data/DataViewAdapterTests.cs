using Microsoft.ML;
using Microsoft.ML.Data;
using Spindle.Trainers.Data;

namespace Spindle.Trainers.Tests.Data;

[TestFixture]
public sealed class DataViewAdapterTests
{
    private static readonly int[] Shape2x2 = [2, 2];
    private static readonly long[] BatchShape = [2, 2, 2];
    private static readonly int[] KeyLabels = [0, 1, 0, 2, 1];
    private static readonly int[] VectorShape = [4];
    private static readonly float[] Row3 = [3f, 3.25f, 3.5f, 3.75f];
    private readonly MLContext _ml = new(seed: 1);

    [Test]
    public void ToLabeledData_VectorAndIntLabel_CopiesRowsInOrder()
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(5, i => i % 3));

        var data = DataViewAdapter.ToLabeledData<float>(view, "Features", "Label", "rows", Shape2x2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.Count, Is.EqualTo(5));
            Assert.That(data.SampleShape, Is.EqualTo(Shape2x2));
            Assert.That(data.ClassCount, Is.EqualTo(3), "largest label + 1");
            Assert.That(data.Labels, Is.EqualTo(Enumerable.Range(0, 5).Select(i => i % 3)));

            // Values are small integers divided by 4: exact in float.
            Assert.That(data.Sample(3).ToArray(), Is.EqualTo(Row3));
        }
    }

    [Test]
    public void ToLabeledData_KeyLabel_MapsKeysToZeroBasedClasses()
    {
        var names = new[] { "cat", "dog", "cat", "eel", "dog" };
        var view = _ml.Data.LoadFromEnumerable(names.Select((n, i) => new TextRow { Features = Vector(i), Name = n }));
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label", "Name").Fit(view).Transform(view);

        var data = DataViewAdapter.ToLabeledData<float>(keyed, "Features", "Label", "keyed");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(data.ClassCount, Is.EqualTo(3), "key count");
            Assert.That(data.Labels, Is.EqualTo(KeyLabels), "keys in order of first appearance");
            Assert.That(data.SampleShape, Is.EqualTo(VectorShape));
        }
    }

    [Test]
    public void ToBatches_SevenRowsBatchThree_YieldsThreeThreeOne()
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(7, i => i % 2));
        var sizes = new List<long>();
        var labels = new List<long>();
        float lastFirst = -1;

        foreach (var (inputs, targets) in DataViewAdapter.ToBatches<float>(view, "Features", "Label", batchSize: 3, Shape2x2))
        {
            using (inputs)
            using (targets)
            {
                sizes.Add(inputs.shape[0]);
                labels.AddRange(targets.data<long>().ToArray());
                lastFirst = inputs[0, 0, 0].item<float>();
                Assert.That(inputs.shape[1..], Is.EqualTo(BatchShape[1..]));
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sizes, Is.EqualTo(new long[] { 3, 3, 1 }));
            Assert.That(labels, Is.EqualTo(Enumerable.Range(0, 7).Select(i => (long)(i % 2))));

            // Row 6's first feature is 6 exactly.
            Assert.That(lastFirst, Is.EqualTo(6f));
        }
    }

    [Test]
    public void ToLabeledData_FractionalLabel_ThrowsWithRow()
    {
        var view = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(i => new FloatLabelRow { Features = Vector(i), Label = i == 2 ? 1.5f : i }));

        var e = Assert.Throws<InvalidDataException>(() => DataViewAdapter.ToLabeledData<float>(view, "Features", "Label", "f"));

        Assert.That(e!.Message, Does.Contain("row 2: label 1.5 in column 'Label' is not a non-negative whole number"));
    }

    [Test]
    public void ToLabeledData_WrongFeatureType_NamesTheType()
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(2, i => i));

        var e = Assert.Throws<InvalidDataException>(() => DataViewAdapter.ToLabeledData<long>(view, "Features", "Label", "f"));

        Assert.That(e!.Message, Does.Contain("feature column 'Features' is Vector<Single, 4>; expected a vector or scalar of Int64"));
    }

    [Test]
    public void ToLabeledData_MissingColumn_ListsColumns()
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(2, i => i));

        var e = Assert.Throws<InvalidDataException>(() => DataViewAdapter.ToLabeledData<float>(view, "Pixels", "Label", "f"));

        Assert.That(e!.Message, Does.Contain("no column 'Pixels'; the view has [Features, Label]"));
    }

    [Test]
    public void ToLabeledData_ShapeMismatch_Throws()
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(2, i => i));

        var e = Assert.Throws<InvalidDataException>(() => DataViewAdapter.ToLabeledData<float>(view, "Features", "Label", "f", [3, 3]));

        Assert.That(e!.Message, Does.Contain("sample shape [3, 3] holds 9 values; the feature vectors have 4"));
    }

    private static float[] Vector(int i) => [i, i + 0.25f, i + 0.5f, i + 0.75f];

    private static IntRow[] Rows(int n, Func<int, int> label) =>
        Enumerable.Range(0, n).Select(i => new IntRow { Features = Vector(i), Label = label(i) }).ToArray();

    private sealed class IntRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public int Label { get; set; }
    }

    private sealed class TextRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public string Name { get; set; } = string.Empty;
    }

    private sealed class FloatLabelRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
