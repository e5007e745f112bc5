using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Spindle.Cli.Tests;

/// <summary>
/// A minimal OTLP/gRPC metrics receiver on loopback: Kestrel over HTTP/2 without TLS, the unary method
/// <c>opentelemetry.proto.collector.metrics.v1.MetricsService/Export</c> with gRPC's length-prefixed framing, answered
/// with an empty response message and <c>grpc-status: 0</c>.
/// </summary>
internal sealed class OtlpGrpcReceiver : IDisposable
{
    public const string ExportPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string? ContentType, string Protocol, byte[] Message)> _requests = new();

    public OtlpGrpcReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapPost(ExportPath, Export);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<(string Path, string? ContentType, string Protocol, byte[] Message)> Requests => [.. _requests];

    public IReadOnlyList<OtlpPoint> Points() => [.. Requests.SelectMany(r => OtlpReceiver.Decode(r.Message))];

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Resources() => [.. Requests.SelectMany(r => OtlpReceiver.DecodeResources(r.Message))];

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }

    private async Task Export(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        var frame = body.ToArray();

        // gRPC framing: 1 byte compressed flag, 4 bytes big-endian length, the protobuf message.
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(1));
        _requests.Enqueue((context.Request.Path, context.Request.ContentType, context.Request.Protocol, frame.AsSpan(5, length).ToArray()));
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]).ConfigureAwait(false);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
