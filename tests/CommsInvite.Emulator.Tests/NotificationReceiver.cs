using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommsInvite.Emulator.Tests;

/// <summary>A bot's callback endpoint on http://127.0.0.1:0 that records every notification POST.</summary>
internal sealed class NotificationReceiver : IAsyncDisposable
{
    public sealed record Received(string? Authorization, JsonNode Body);

    private readonly WebApplication _app;
    private readonly Channel<Received> _channel = Channel.CreateUnbounded<Received>();

    private NotificationReceiver(WebApplication app) => _app = app;

    public Uri CallbackUri { get; private set; } = null!;

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.MapPost("/api/calls", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            await receiver._channel.Writer.WriteAsync(new Received(http.Request.Headers.Authorization.ToString(), body!));
            return Results.Accepted();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.CallbackUri = new Uri(new Uri(address), "/api/calls");
        return receiver;
    }

    /// <summary>Waits for the next notification (fails the test after the timeout).</summary>
    public async Task<Received> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _channel.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
