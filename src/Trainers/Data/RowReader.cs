using Microsoft.ML;
using Microsoft.ML.Data;

namespace Spindle.Trainers.Data;

/// <summary>Reads a feature column and a label column of an <see cref="IDataView"/> row by row, checking types and values.</summary>
/// <typeparam name="T">The feature element type.</typeparam>
internal sealed class RowReader<T> : IDisposable
    where T : unmanaged
{
    private readonly DataViewRowCursor _cursor;
    private readonly Func<int> _readLabel;
    private readonly Action _readFeatures;
    private readonly string _name;
    private readonly T[] _scalar = new T[1];
    private VBuffer<T> _vector;
    private T[] _dense = [];
    private bool _isVector;
    private long _row = -1;

    /// <summary>Initializes a new instance of the <see cref="RowReader{T}"/> class.</summary>
    /// <param name="view">The view.</param>
    /// <param name="featureColumn">The feature column's name.</param>
    /// <param name="labelColumn">The label column's name.</param>
    /// <param name="name">The name to cite in errors.</param>
    public RowReader(IDataView view, string featureColumn, string labelColumn, string name)
    {
        ArgumentNullException.ThrowIfNull(featureColumn);
        ArgumentNullException.ThrowIfNull(labelColumn);
        _name = name;
        var feature = Column(view, featureColumn);
        var label = Column(view, labelColumn);
        _cursor = view.GetRowCursor([feature, label]);
        _readFeatures = FeatureReader(feature);
        _readLabel = LabelReader(label);
    }

    /// <summary>Gets the key count of a key-typed label column, or null.</summary>
    public int? KeyCount { get; private set; }

    /// <summary>Gets the current row's features.</summary>
    public ReadOnlySpan<T> Features => _isVector ? _dense : _scalar;

    /// <summary>Gets the number of features of the current row.</summary>
    public int Size => Features.Length;

    /// <summary>Gets the current row's label.</summary>
    public int Label { get; private set; }

    /// <summary>Moves to the next row and reads it.</summary>
    /// <returns>False at the end of the view.</returns>
    public bool MoveNext()
    {
        if (!_cursor.MoveNext())
        {
            return false;
        }

        _row++;
        _readFeatures();
        Label = _readLabel();
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => _cursor.Dispose();

    private DataViewSchema.Column Column(IDataView view, string name)
    {
        var column = view.Schema.GetColumnOrNull(name);
        return column ?? throw DatasetError.Invalid(_name, $"no column '{name}'; the view has [{string.Join(", ", view.Schema.Select(c => c.Name))}].");
    }

    private Action FeatureReader(DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType vector && vector.ItemType.RawType == typeof(T))
        {
            _isVector = true;
            var getter = _cursor.GetGetter<VBuffer<T>>(column);
            var size = -1;
            return () =>
            {
                getter(ref _vector);
                if (size >= 0 && _vector.Length != size)
                {
                    throw DatasetError.Invalid(_name, $"row {_row}: feature column '{column.Name}' has {_vector.Length} values, earlier rows {size}.");
                }

                size = _vector.Length;
                if (_dense.Length != size)
                {
                    _dense = new T[size];
                }

                _vector.CopyTo(_dense);
            };
        }

        if (column.Type.RawType == typeof(T))
        {
            var getter = _cursor.GetGetter<T>(column);
            return () => getter(ref _scalar[0]);
        }

        throw DatasetError.Invalid(_name, $"feature column '{column.Name}' is {column.Type}; expected a vector or scalar of {typeof(T).Name}.");
    }

    private Func<int> LabelReader(DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is KeyDataViewType key)
        {
            KeyCount = checked((int)key.Count);
            return type.RawType switch
            {
                var t when t == typeof(byte) => Key<byte>(column, v => v),
                var t when t == typeof(ushort) => Key<ushort>(column, v => v),
                var t when t == typeof(uint) => Key<uint>(column, v => v),
                _ => Key<ulong>(column, v => v),
            };
        }

        return type.RawType switch
        {
            var t when t == typeof(bool) => Number<bool>(column, v => v ? 1 : 0),
            var t when t == typeof(int) => Number<int>(column, v => v),
            var t when t == typeof(long) => Number<long>(column, v => v),
            var t when t == typeof(uint) => Number<uint>(column, v => v),
            var t when t == typeof(byte) => Number<byte>(column, v => v),
            var t when t == typeof(float) => Number<float>(column, v => v),
            var t when t == typeof(double) => Number<double>(column, v => v),
            _ => throw DatasetError.Invalid(_name, $"label column '{column.Name}' is {type}; expected a key, Boolean, integer or floating-point column."),
        };
    }

    private Func<int> Key<TKey>(DataViewSchema.Column column, Func<TKey, ulong> toUInt64)
    {
        var getter = _cursor.GetGetter<TKey>(column);
        TKey value = default!;
        return () =>
        {
            getter(ref value);
            var k = toUInt64(value);
            if (k == 0)
            {
                throw DatasetError.Invalid(_name, $"row {_row}: label column '{column.Name}' has a missing key (value not in the key's dictionary).");
            }

            return (int)(k - 1);
        };
    }

    private Func<int> Number<TValue>(DataViewSchema.Column column, Func<TValue, double> toDouble)
    {
        var getter = _cursor.GetGetter<TValue>(column);
        TValue value = default!;
        return () =>
        {
            getter(ref value);
            var v = toDouble(value);
            if (double.IsNaN(v) || v != Math.Floor(v) || v < 0 || v > int.MaxValue)
            {
                throw DatasetError.Invalid(_name, $"row {_row}: label {v} in column '{column.Name}' is not a non-negative whole number.");
            }

            return (int)v;
        };
    }
}
