using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Spindle.Monitor.Masking;

/// <content>One evaluation: the chunking loop.</content>
public sealed partial class MaskedOutputEvaluator
{
    /// <summary>The state of one <see cref="Evaluate(nn.Module{Tensor, Tensor}, InputVariables, IReadOnlyList{Tensor}, IReadOnlyList{long}, IProgress{MaskingProgress}?, CancellationToken)"/> call.</summary>
    private sealed class Run
    {
        private readonly MaskedOutputEvaluator _owner;
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly InputVariables _variables;
        private readonly IReadOnlyList<Tensor> _samples;
        private readonly IReadOnlyList<long> _labels;
        private readonly IProgress<MaskingProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly int _n;
        private readonly long _masksPerSample;
        private readonly double[][] _results;
        private readonly List<Segment> _pending = [];
        private long _pendingBytes;
        private int _pendingRows;
        private long _completedRows;
        private int _completedSamples;
        private MaskedSample? _current;

        public Run(
            MaskedOutputEvaluator owner,
            nn.Module<Tensor, Tensor> model,
            InputVariables variables,
            IReadOnlyList<Tensor> samples,
            IReadOnlyList<long> labels,
            IProgress<MaskingProgress>? progress,
            CancellationToken cancellationToken)
        {
            _owner = owner;
            _model = model;
            _variables = variables;
            _samples = samples;
            _labels = labels;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _n = variables.Count;
            _masksPerSample = _n <= MaskingDefaults.VariableCountHardLimit ? 1L << _n : 0;
            _results = new double[samples.Count][];
        }

        private long TotalRows => _masksPerSample * _samples.Count;

        public double[][] Execute()
        {
            var device = DeviceOf(_model);
            using var noGrad = torch.no_grad();
            using var modes = new EvaluationModeScope(_model);
            using var runScope = torch.NewDisposeScope();
            try
            {
                PrepareAndChunk(device);
                Flush();
                return _results;
            }
            finally
            {
                // Prepared samples own their tensors outside any scope; free those an exception left behind.
                foreach (var segment in _pending)
                {
                    segment.Prepared.Dispose();
                }

                _current?.Dispose();
            }
        }

        private void PrepareAndChunk(Device device)
        {
            for (int s = 0; s < _samples.Count; s++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                ArgumentNullException.ThrowIfNull(_samples[s], $"samples[{s}]");
                var onDevice = _samples[s].to(device);
                var prepared = _variables.Prepare(_model, onDevice, s);
                _current = prepared;
                if (!ReferenceEquals(onDevice, _samples[s]))
                {
                    onDevice.Dispose();
                }

                if (s == 0)
                {
                    CheckVariableCount(prepared.RowBytes);
                }

                _results[s] = new double[_masksPerSample];
                long rowBytes = prepared.RowBytes;
                long mask = 0;
                while (mask < _masksPerSample)
                {
                    if (_pending.Count > 0
                        && (!Fits(prepared) || _pendingBytes + rowBytes > _owner.MaxChunkBytes || _pendingRows == _owner.MaxChunkRows))
                    {
                        Flush();
                    }

                    long room = Math.Min(Math.Max(1, (_owner.MaxChunkBytes - _pendingBytes) / rowBytes), _owner.MaxChunkRows - _pendingRows);
                    int take = (int)Math.Min(_masksPerSample - mask, room);
                    _pending.Add(new Segment(prepared, s, mask, take, mask + take == _masksPerSample));
                    _pendingBytes += take * rowBytes;
                    _pendingRows += take;
                    mask += take;
                }

                _current = null;
            }
        }

        private void CheckVariableCount(long rowBytes)
        {
            if (_n <= _owner.MaxVariableCount)
            {
                return;
            }

            double perSample = Math.Pow(2, _n) * rowBytes;
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_n} input variables need 2^{_n} = {Math.Pow(2, _n):N0} masked forward rows per sample: {perSample:N0} bytes ({perSample / (1 << 20):N1} MiB) of masked input per sample, {perSample * _samples.Count:N0} bytes for {_samples.Count} samples. The limit (MaskingOptions.MaxVariableCount) is {_owner.MaxVariableCount}."));
        }

        private bool Fits(MaskedSample prepared)
        {
            var first = _pending[0].Prepared;
            return ReferenceEquals(first, prepared)
                || (first.DType == prepared.DType && first.RowShape.AsSpan().SequenceEqual(prepared.RowShape));
        }

        private void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _cancellationToken.ThrowIfCancellationRequested();
            int rows = _pendingRows;
            using (var chunkScope = torch.NewDisposeScope())
            {
                var device = _pending[0].Prepared.Device;
                Tensor batch;
                if (_pending.Count == 1)
                {
                    batch = _pending[0].Prepared.BuildBatch(_pending[0].FirstMask, _pending[0].Count);
                }
                else
                {
                    var parts = _pending.Select(p => p.Prepared.BuildBatch(p.FirstMask, p.Count)).ToList();
                    batch = torch.cat(parts, 0);
                    parts.ForEach(p => p.Dispose());
                }

                long[] rowLabels = new long[rows];
                int offset = 0;
                foreach (var segment in _pending)
                {
                    Array.Fill(rowLabels, _labels[segment.Sample], offset, segment.Count);
                    offset += segment.Count;
                }

                var logits = _variables.Forward(_model, batch);
                batch.Dispose();
                if (logits.dim() < 1 || logits.shape[0] != rows)
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"The model returned {MaskedSample.FormatShape(logits.shape)} for a batch of {rows} masked rows; it must return one row of logits per input row."));
                }

                if (_owner._isLogOdds)
                {
                    CheckLabels(logits);
                }

                var output = _owner._outputFunction(logits, torch.tensor(rowLabels, device: logits.device));
                if (output.numel() != rows || output.dim() != 1)
                {
                    throw new InvalidOperationException(
                        string.Create(CultureInfo.InvariantCulture, $"The output function returned {MaskedSample.FormatShape(output.shape)} for {rows} rows; it must return [{rows}]."));
                }

                double[] values = output.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                Store(values);
            }

            foreach (var segment in _pending.Where(p => p.IsLast))
            {
                segment.Prepared.Dispose();
                _completedSamples++;
            }

            _completedRows += rows;
            _pending.Clear();
            _pendingBytes = 0;
            _pendingRows = 0;
            _progress?.Report(new MaskingProgress(_completedRows, TotalRows, _completedSamples, _samples.Count));
        }

        private void CheckLabels(Tensor logits)
        {
            long classes = logits.dim() == 2 ? logits.shape[1] : 0;
            long labelLimit = classes == 1 ? 2 : classes;
            foreach (var segment in _pending)
            {
                long label = _labels[segment.Sample];
                if (label >= labelLimit)
                {
                    throw new ArgumentException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Sample {segment.Sample} has label {label}, but the model's logits {MaskedSample.FormatShape(logits.shape)} allow labels 0..{labelLimit - 1}."));
                }
            }
        }

        private void Store(double[] values)
        {
            int offset = 0;
            foreach (var segment in _pending)
            {
                for (int j = 0; j < segment.Count; j++)
                {
                    double value = values[offset + j];
                    if (!double.IsFinite(value))
                    {
                        throw new InvalidOperationException(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"Sample {segment.Sample}, {DescribeMask(segment.FirstMask + j, _n)}: the output is {value}. Check the model's logits for that masked input."));
                    }
                }

                Array.Copy(values, offset, _results[segment.Sample], segment.FirstMask, segment.Count);
                offset += segment.Count;
            }
        }
    }

    /// <summary>Consecutive masks of one sample inside a chunk.</summary>
    private readonly record struct Segment(MaskedSample Prepared, int Sample, long FirstMask, int Count, bool IsLast);
}
