using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// Microsoft's Graph SDK pointed at an emulator: Graph.Core's default middleware (retry, redirect, headers
/// inspection...) over a transport pinned to the emulator's certificate, and a bearer token from its token endpoint.
/// </summary>
internal static class GraphSdk
{
    public static async Task<(GraphServiceClient Graph, HttpClient Http)> CreateAsync(EmulatorServer emulator)
    {
        using var tokenHttp = TestHttp.PinnedClient(emulator);
        var token = await TestHttp.GetTokenAsync(tokenHttp, emulator);
        var http = GraphClientFactory.Create(
            GraphClientFactory.CreateDefaultHandlers(), "v1.0", GraphClientFactory.Global_Cloud, null, TestHttp.PinnedHandler(emulator.Connection.CertificateThumbprint), true);
        var graph = new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new FixedToken(token)), new Uri(emulator.BaseUri, "v1.0").AbsoluteUri);
        return (graph, http);
    }

    private sealed class FixedToken : IAccessTokenProvider
    {
        private readonly string _token;

        public FixedToken(string token) => _token = token;

        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(_token);
    }
}
