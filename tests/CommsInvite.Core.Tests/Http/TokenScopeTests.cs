using System.Collections.Concurrent;
using System.Net;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Http;
using CommsInvite.Core.Tests.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CommsInvite.Core.Tests.HttpPipeline;

/// <summary>
/// The bearer token goes to the connection's Graph host only. Two real HTTPS hosts on 127.0.0.1 (same certificate,
/// pinned as a private connection pins it; different ports, so different hosts) record every Authorization header
/// they receive; the connection's whole handler chain (GraphPipeline) sends to them.
/// </summary>
public sealed class TokenScopeTests : IAsyncLifetime
{
    private RecordingHttpsServer _graph = null!;
    private RecordingHttpsServer _other = null!;

    public async Task InitializeAsync()
    {
        _graph = await RecordingHttpsServer.StartAsync();
        _other = await RecordingHttpsServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task A_link_to_another_host_is_followed_without_the_token()
    {
        using var client = Client(new CountingTokens());

        await client.SendAsync(new GraphRequest(HttpMethod.Get, new Uri(_graph.BaseUri, "v1.0/users"), RequestSafety.Idempotent), default);
        var response = await client.SendAsync(new GraphRequest(HttpMethod.Get, new Uri(_other.BaseUri, "v1.0/users?$skiptoken=2"), RequestSafety.Idempotent), default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer token-1", Assert.Single(_graph.Requests).Authorization);
        Assert.Null(Assert.Single(_other.Requests).Authorization);
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_followed_without_the_token()
    {
        _graph.Answer = context =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(_other.BaseUri, "v1.0/moved").AbsoluteUri;
            return Task.CompletedTask;
        };
        using var client = Client(new CountingTokens());

        var response = await client.SendAsync(new GraphRequest(HttpMethod.Get, new Uri(_graph.BaseUri, "v1.0/communications/calls"), RequestSafety.Idempotent), default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer token-1", Assert.Single(_graph.Requests).Authorization);
        var followed = Assert.Single(_other.Requests);
        Assert.Equal("/v1.0/moved", followed.Path);
        Assert.Null(followed.Authorization);
    }

    [Fact]
    public async Task A_redirect_within_the_graph_host_keeps_the_token()
    {
        _graph.Answer = context =>
        {
            if (context.Request.Path == "/v1.0/old")
            {
                context.Response.StatusCode = 301;
                context.Response.Headers.Location = new Uri(_graph.BaseUri, "v1.0/new").AbsoluteUri;
                return Task.CompletedTask;
            }

            return RecordingHttpsServer.EmptyCollection(context);
        };
        using var client = Client(new CountingTokens());

        await client.SendAsync(new GraphRequest(HttpMethod.Get, new Uri(_graph.BaseUri, "v1.0/old"), RequestSafety.Idempotent), default);

        Assert.Equal(new[] { "Bearer token-1", "Bearer token-1" }, _graph.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_401_renews_the_token_once_and_sends_again_with_graph_core_s_headers()
    {
        var refused = 0;
        _graph.Answer = context =>
        {
            if (Interlocked.Increment(ref refused) == 1)
            {
                context.Response.StatusCode = 401;
                return Task.CompletedTask;
            }

            return RecordingHttpsServer.EmptyCollection(context);
        };
        var tokens = new CountingTokens();
        using var client = Client(tokens);

        await client.SendAsync(new GraphRequest(HttpMethod.Get, new Uri(_graph.BaseUri, "v1.0/users"), RequestSafety.Idempotent), default);

        Assert.Equal(new[] { "Bearer token-1", "Bearer token-2" }, _graph.Requests.Select(r => r.Authorization));
        Assert.Equal(1, tokens.ForcedRefreshes);
        Assert.Equal(1, client.Statistics.ForcedTokenRefreshes);
        var headers = _graph.Requests.Last().Headers;
        Assert.StartsWith("graph-dotnet-core/", headers["SdkVersion"]);
        Assert.StartsWith("CommsInvite/", headers["User-Agent"]);
        Assert.Contains("no-store", headers["Cache-Control"]);
        Assert.True(Guid.TryParse(headers["client-request-id"], out _));
        Assert.Equal(headers["client-request-id"], _graph.Requests.First().Headers["client-request-id"]);
    }

    private GraphHttpClient Client(ITokenSource tokens)
    {
        var certificate = TestCertificates.SharedLoopbackCertificate;
        var description = EmulatorConnectionInfo.Parse($$"""
            {"graphEndpoint":"{{_graph.BaseUri}}","authorityHost":"{{_graph.BaseUri}}","tenantId":"{{Guid.NewGuid()}}","clientId":"{{Guid.NewGuid()}}","certificateThumbprint":"{{certificate.Thumbprint}}"}
            """);
        var endpoints = CloudEndpoints.ForEmulator(description);
        var statistics = new RequestStatistics();
        var policy = RetryPolicy.Default with { BaseDelay = TimeSpan.FromMilliseconds(10) };
        return new GraphHttpClient(GraphPipeline.Create(endpoints, tokens, policy, TimeSpan.FromSeconds(30), statistics, NullLogSink.Instance), statistics);
    }

    /// <summary>Hands out token-1, then token-2 after each forced refresh.</summary>
    private sealed class CountingTokens : ITokenSource
    {
        private AccessTokenInfo _current = new("token-1", DateTimeOffset.UtcNow.AddHours(1));
        private int _forced;

        public int ForcedRefreshes => Volatile.Read(ref _forced);

        public Task<AccessTokenInfo> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            if (forceRefresh)
            {
                var n = Interlocked.Increment(ref _forced);
                _current = new AccessTokenInfo($"token-{n + 1}", DateTimeOffset.UtcNow.AddHours(1));
            }

            return Task.FromResult(_current);
        }

        public bool TryGetCurrent(out AccessTokenInfo token)
        {
            token = _current;
            return true;
        }
    }
}

/// <summary>A real HTTPS host on 127.0.0.1 (Kestrel) that records each request's path, headers and Authorization.</summary>
internal sealed class RecordingHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingHttpsServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>What the host answers (after recording); an empty Graph collection unless a test says otherwise.</summary>
    public Func<HttpContext, Task> Answer { get; set; } = EmptyCollection;

    public static Task EmptyCollection(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"value\":[]}");
    }

    public static async Task<RecordingHttpsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(TestCertificates.SharedLoopbackCertificate)));
        var app = builder.Build();
        var server = new RecordingHttpsServer(app);
        app.Run(context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            server.Requests.Enqueue(new RecordedRequest(context.Request.Path.Value ?? string.Empty, headers.GetValueOrDefault("Authorization"), headers));
            return server.Answer(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record RecordedRequest(string Path, string? Authorization, IReadOnlyDictionary<string, string> Headers);
