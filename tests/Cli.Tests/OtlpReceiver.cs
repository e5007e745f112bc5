using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spindle.Cli.Tests;

/// <summary>
/// A minimal OTLP/HTTP metrics receiver on loopback: accepts <c>POST /v1/metrics</c> with a protobuf
/// <c>ExportMetricsServiceRequest</c>, answers 200 with an empty <c>ExportMetricsServiceResponse</c>, and decodes each
/// request's gauge and histogram points (the opentelemetry-proto metrics schema, read field by field from the wire format).
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _requests = new();
    private readonly Task _loop;

    public OtlpReceiver()
    {
        // A port the system says is free now; the listener takes it right after.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}");

    public IReadOnlyList<(string Path, string? ContentType, byte[] Body)> Requests => [.. _requests];

    /// <summary>Every data point of every request, in arrival order.</summary>
    public IReadOnlyList<OtlpPoint> Points() => [.. Requests.Where(r => r.Path == "/v1/metrics").SelectMany(r => Decode(r.Body))];

    /// <summary>The resource attributes of every request (string values only).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Resources() => [.. Requests.SelectMany(r => DecodeResources(r.Body))];

    /// <summary>The resource attributes of one request (string values only).</summary>
    internal static IEnumerable<IReadOnlyDictionary<string, string>> DecodeResources(byte[] request) =>
        Fields(request).Where(f => f.Field == 1).Select(f => (IReadOnlyDictionary<string, string>)Attributes(Fields(f.Bytes).FirstOrDefault(x => x.Field == 1).Bytes, 1));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener's pending GetContext ends with an exception when it stops.
        }
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            context.Request.InputStream.CopyTo(body);
            _requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = context.Request.HttpMethod == "POST" ? 200 : 405;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    // ExportMetricsServiceRequest { 1: ResourceMetrics } ; ResourceMetrics { 1: Resource, 2: ScopeMetrics } ;
    // ScopeMetrics { 1: InstrumentationScope, 2: Metric } ; Metric { 1: name, 3: unit, 5: Gauge, 7: Sum, 9: Histogram } ;
    // Gauge/Sum { 1: NumberDataPoint } ; NumberDataPoint { 4: as_double, 6: as_int, 7: KeyValue } ;
    // HistogramDataPoint { 4: count, 5: sum, 9: KeyValue }.
    internal static IEnumerable<OtlpPoint> Decode(byte[] request)
    {
        foreach (var resource in Fields(request).Where(f => f.Field == 1))
        {
            foreach (var scope in Fields(resource.Bytes).Where(f => f.Field == 2))
            {
                var scopeName = Fields(Fields(scope.Bytes).FirstOrDefault(f => f.Field == 1).Bytes).Where(f => f.Field == 1).Select(f => Text(f.Bytes)).FirstOrDefault() ?? string.Empty;
                foreach (var metric in Fields(scope.Bytes).Where(f => f.Field == 2))
                {
                    var fields = Fields(metric.Bytes).ToList();
                    var name = Text(fields.First(f => f.Field == 1).Bytes);
                    var unit = fields.Where(f => f.Field == 3).Select(f => Text(f.Bytes)).FirstOrDefault() ?? string.Empty;
                    foreach (var data in fields.Where(f => f.Field is 5 or 7))
                    {
                        foreach (var point in Fields(data.Bytes).Where(f => f.Field == 1))
                        {
                            var p = Fields(point.Bytes).ToList();
                            var value = p.Where(f => f.Field == 4).Select(f => BitConverter.Int64BitsToDouble((long)f.Varint)).Concat(p.Where(f => f.Field == 6).Select(f => (double)(long)f.Varint)).First();
                            yield return new OtlpPoint(scopeName, name, unit, value, Attributes(point.Bytes, 7));
                        }
                    }

                    foreach (var data in fields.Where(f => f.Field == 9))
                    {
                        foreach (var point in Fields(data.Bytes).Where(f => f.Field == 1))
                        {
                            var p = Fields(point.Bytes).ToList();
                            yield return new OtlpPoint(scopeName, name, unit, BitConverter.Int64BitsToDouble((long)p.First(f => f.Field == 5).Varint), Attributes(point.Bytes, 9), (long)p.First(f => f.Field == 4).Varint);
                        }
                    }
                }
            }
        }
    }

    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var pair in Fields(message).Where(f => f.Field == field))
        {
            var kv = Fields(pair.Bytes).ToList();
            var key = Text(kv.First(f => f.Field == 1).Bytes);
            var value = kv.Where(f => f.Field == 2).Select(f => Fields(f.Bytes).FirstOrDefault(v => v.Field == 1)).FirstOrDefault();
            attributes[key] = value.Field == 1 ? Text(value.Bytes) : string.Empty;
        }

        return attributes;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>The fields of a protobuf message: number, and the payload (bytes for length-delimited, the raw 64 bits for varint and fixed64).</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Bytes, ulong Varint)> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    yield return (field, default, ReadVarint(message.Span, ref position));
                    break;
                case 1:
                    yield return (field, default, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return (field, message.Slice(position, length), 0);
                    position += length;
                    break;
                case 5:
                    yield return (field, default, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[position..]));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type in tag {tag}.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

/// <summary>One data point an OTLP request carried.</summary>
/// <param name="Scope">The instrumentation scope (the meter's name).</param>
/// <param name="Name">The metric's name.</param>
/// <param name="Unit">The metric's unit.</param>
/// <param name="Value">The gauge or sum value; for a histogram, the sum of the recorded values.</param>
/// <param name="Attributes">The point's string attributes.</param>
/// <param name="Count">For a histogram, the number of recorded values.</param>
internal sealed record OtlpPoint(string Scope, string Name, string Unit, double Value, IReadOnlyDictionary<string, string> Attributes, long? Count = null);
