using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using CommsInvite.Core.Auth;
using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace CommsInvite.Core.Http;

/// <summary>
/// The connection's HttpClient: Microsoft.Graph.Core's <see cref="GraphClientFactory"/> over this chain, outermost first:
/// <list type="number">
/// <item><see cref="ExactlyOnceRetryHandler"/>: per-attempt deadline, retries by RetryDecisions (never an ambiguous POST).</item>
/// <item>Graph.Core's RedirectHandler: follows 3xx (each hop goes through the next handler again).</item>
/// <item><see cref="BearerAuthenticationHandler"/>: the token for the connection's Graph host only; renew once on 401.</item>
/// <item>Graph.Core's GraphTelemetryHandler: the SdkVersion header Graph's support reads.</item>
/// <item>The connection's transport (<see cref="CloudEndpoints.CreateTransport"/>): TLS trust, decompression.</item>
/// </list>
/// Graph.Core's other default handlers stay out on purpose: its RetryHandler would re-send an invite whose answer
/// was lost; its user-agent, header/body inspection, URI-replacement and parameter-name handlers act on options
/// this client never sets. The client's own User-Agent names CommsInvite; FeatureFlag and Cache-Control come from
/// the factory.
/// </summary>
internal static class GraphPipeline
{
    /// <summary>"CommsInvite/1.2.3": how the service's logs tell this client's requests from others'.</summary>
    internal static ProductInfoHeaderValue UserAgent { get; } = new(
        "CommsInvite",
        typeof(GraphPipeline).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static HttpClient Create(CloudEndpoints endpoints, ITokenSource tokens, RetryPolicy policy, TimeSpan attemptTimeout, RequestStatistics statistics, ILogSink log)
    {
        var handlers = CreateHandlers(endpoints, tokens, policy, attemptTimeout, statistics, log);
        var client = GraphClientFactory.Create(handlers, "v1.0", endpoints.NationalCloud, null, endpoints.CreateTransport(), true);

        // Deadlines are per attempt (the retry handler's); the whole request is bounded by RetryPolicy.MaxTotalTime.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        client.DefaultRequestHeaders.TryAddWithoutValidation("return-client-request-id", "true");
        return client;
    }

    /// <summary>The delegating handlers, outermost first.</summary>
    internal static IReadOnlyList<DelegatingHandler> CreateHandlers(CloudEndpoints endpoints, ITokenSource tokens, RetryPolicy policy, TimeSpan attemptTimeout, RequestStatistics statistics, ILogSink log)
    {
        var graphCore = GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions());
        var handlers = new List<DelegatingHandler>
        {
            new ExactlyOnceRetryHandler(policy, attemptTimeout, statistics, log),
            graphCore.OfType<RedirectHandler>().Single(),
            new BearerAuthenticationHandler(tokens, endpoints.GraphEndpoint, statistics, log),
            graphCore.OfType<GraphTelemetryHandler>().Single(),
        };
        foreach (var unused in graphCore.Except(handlers))
        {
            unused.Dispose();
        }

        return handlers;
    }
}
