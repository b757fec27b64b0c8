using System.Net;
using System.Net.Sockets;
using CommsInvite.Core.Http;
using Xunit;

namespace CommsInvite.Core.Tests;

public sealed class RetryDecisionTests
{
    [Theory]
    [InlineData(RequestSafety.NotIdempotent, 429, false, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, 429, true, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, 503, true, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, 504, true, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, 503, false, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.NotIdempotent, 504, false, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.NotIdempotent, 500, false, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.NotIdempotent, 502, false, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.NotIdempotent, 400, false, RetryVerdict.Fail)]
    [InlineData(RequestSafety.NotIdempotent, 403, false, RetryVerdict.Fail)]
    [InlineData(RequestSafety.NotIdempotent, 404, false, RetryVerdict.Fail)]
    [InlineData(RequestSafety.Idempotent, 503, false, RetryVerdict.Retry)]
    [InlineData(RequestSafety.Idempotent, 500, false, RetryVerdict.Retry)]
    [InlineData(RequestSafety.Idempotent, 429, true, RetryVerdict.Retry)]
    [InlineData(RequestSafety.Idempotent, 404, false, RetryVerdict.Fail)]
    [InlineData(RequestSafety.Idempotent, 409, false, RetryVerdict.Fail)]
    // The rule types are internal: xunit hands them over boxed.
    public void Responses(object safety, int status, bool retryAfter, object expected) =>
        Assert.Equal((RetryVerdict)expected, RetryDecisions.Decide((RequestSafety)safety, AttemptFailure.Response, (HttpStatusCode)status, retryAfter));

    [Theory]
    [InlineData(RequestSafety.NotIdempotent, AttemptFailure.NotSent, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, AttemptFailure.AfterSending, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.Idempotent, AttemptFailure.NotSent, RetryVerdict.Retry)]
    [InlineData(RequestSafety.Idempotent, AttemptFailure.AfterSending, RetryVerdict.Retry)]
    public void Transport_failures(object safety, object failure, object expected) =>
        Assert.Equal((RetryVerdict)expected, RetryDecisions.Decide((RequestSafety)safety, (AttemptFailure)failure, null, false));

    [Fact]
    public void Connection_refused_is_not_sent_but_reset_is_ambiguous()
    {
        var refused = new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused));
        var reset = new HttpRequestException("reset", new System.IO.IOException("broken", new SocketException((int)SocketError.ConnectionReset)));
        Assert.Equal(AttemptFailure.NotSent, RetryDecisions.Classify(refused));
        Assert.Equal(AttemptFailure.AfterSending, RetryDecisions.Classify(reset));
        Assert.Equal(AttemptFailure.AfterSending, RetryDecisions.Classify(new TimeoutException("no answer")));
    }

    [Fact]
    public void Retry_after_in_seconds()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.FromSeconds(7), RetryDecisions.ParseRetryAfter("7", now));
        Assert.Equal(TimeSpan.Zero, RetryDecisions.ParseRetryAfter("0", now));
        Assert.Equal(TimeSpan.FromSeconds(120), RetryDecisions.ParseRetryAfter(" 120 ", now));
    }

    [Fact]
    public void Retry_after_as_http_date()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(30), RetryDecisions.ParseRetryAfter("Mon, 23 Nov 2026 12:00:30 GMT", now));
        Assert.Equal(TimeSpan.Zero, RetryDecisions.ParseRetryAfter("Mon, 23 Nov 2026 11:59:00 GMT", now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void Retry_after_unreadable_is_null(string? value) => Assert.Null(RetryDecisions.ParseRetryAfter(value, DateTimeOffset.UtcNow));

    [Fact]
    public void Backoff_grows_with_jitter_and_stays_capped()
    {
        var random = new Random(42);
        var baseDelay = TimeSpan.FromMilliseconds(100);
        var cap = TimeSpan.FromSeconds(1);
        for (var n = 0; n < 10; n++)
        {
            var ceiling = Math.Min(100 * Math.Pow(2, n), 1000);
            var delay = RetryDecisions.Backoff(n, baseDelay, cap, random).TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void Retry_policy_bounds_are_validated()
    {
        Assert.Equal(ErrorIds.Input.InvalidArgument, Assert.Throws<CommsValidationException>(() => (RetryPolicy.Default with { MaxRetries = -1 }).Validate()).ErrorId);
        Assert.Equal("MaxTotalTime", Assert.Throws<CommsValidationException>(() => (RetryPolicy.Default with { MaxTotalTime = TimeSpan.Zero }).Validate()).ParameterName);
        (RetryPolicy.Default with { MaxRetries = 0 }).Validate();
    }

    [Theory]
    [InlineData(404, "8522", "CallNotFound", FailureCategory.ObjectNotFound)]
    [InlineData(403, "7504", "PermissionDenied", FailureCategory.PermissionDenied)]
    [InlineData(429, null, "Throttled", FailureCategory.LimitsExceeded)]
    [InlineData(400, "BadRequest", "GraphRequestFailed", FailureCategory.InvalidArgument)]
    [InlineData(401, "InvalidAuthenticationToken", "AuthenticationFailed", FailureCategory.AuthenticationError)]
    [InlineData(503, null, "GraphRequestFailed", FailureCategory.ConnectionError)]
    public void Status_and_code_map_to_error_ids(int status, string? code, string errorId, FailureCategory category)
    {
        var (id, cat) = GraphErrors.Classify(status, code);
        Assert.Equal(errorId, id);
        Assert.Equal(category, cat);
    }

    [Fact]
    public void Graph_error_body_becomes_exception_with_ids()
    {
        var request = new GraphRequest(HttpMethod.Get, new Uri("https://graph.microsoft.com/v1.0/communications/calls/abc"), RequestSafety.Idempotent) { Target = "abc" };
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound);
        var body = System.Text.Encoding.UTF8.GetBytes("{\"error\":{\"code\":\"8522\",\"message\":\"Call not found.\",\"innerError\":{\"request-id\":\"r-1\",\"client-request-id\":\"c-1\",\"date\":\"2026-11-23T12:00:00Z\"}}}");

        var error = GraphErrors.FromResponse(request, response, body, new GraphRequestContext(RequestSafety.Idempotent, "c-1"));

        Assert.Equal("CallNotFound", error.ErrorId);
        Assert.Equal("8522", error.GraphCode);
        Assert.Equal("r-1", error.RequestId);
        Assert.Equal("c-1", error.ClientRequestId);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("abc", error.TargetObject);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), error.Date);
        Assert.Contains("r-1", error.Message);
        Assert.Contains("8522", error.Message);
        Assert.False(error.MayHaveBeenProcessed);
    }

    [Fact]
    public void Non_json_error_body_still_gives_status_and_request_id()
    {
        var request = new GraphRequest(HttpMethod.Get, new Uri("https://graph.microsoft.com/v1.0/x"), RequestSafety.Idempotent);
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway);
        response.Headers.TryAddWithoutValidation("request-id", "hdr-req");
        var error = GraphErrors.FromResponse(request, response, System.Text.Encoding.UTF8.GetBytes("<html>bad gateway</html>"), new GraphRequestContext(RequestSafety.Idempotent, "c-2"));
        Assert.Equal("hdr-req", error.RequestId);
        Assert.Equal("c-2", error.ClientRequestId);
        Assert.Null(error.GraphCode);
        Assert.Contains("502", error.Message);
    }

    [Fact]
    public void A_retry_after_and_an_ambiguous_failure_are_carried_on_the_error()
    {
        var request = new GraphRequest(HttpMethod.Post, new Uri("https://graph.microsoft.com/v1.0/x"), RequestSafety.NotIdempotent);
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", "120");
        var context = new GraphRequestContext(RequestSafety.NotIdempotent, "c-3") { MayHaveBeenProcessed = true };

        var error = GraphErrors.FromResponse(request, response, ReadOnlySpan<byte>.Empty, context);

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal("Throttled", error.ErrorId);
        Assert.True(error.MayHaveBeenProcessed);
        Assert.True(GraphErrors.FromTransport(request, new HttpRequestException("reset"), context).MayHaveBeenProcessed);
    }
}

public sealed class PipelineTests
{
    [Theory]
    [InlineData(CommsInvite.Core.CloudEnvironment.Global)]
    [InlineData(CommsInvite.Core.CloudEnvironment.USGov)]
    [InlineData(CommsInvite.Core.CloudEnvironment.USGovDoD)]
    [InlineData(CommsInvite.Core.CloudEnvironment.China)]
    public void Each_cloud_s_graph_host_is_graph_core_s_for_that_national_cloud(CommsInvite.Core.CloudEnvironment environment)
    {
        var endpoints = CommsInvite.Core.CloudEndpoints.For(environment);
        using var client = Microsoft.Graph.GraphClientFactory.Create(version: "v1.0", nationalCloud: endpoints.NationalCloud);
        Assert.Equal(client.BaseAddress!.GetLeftPart(UriPartial.Authority), endpoints.GraphEndpoint.GetLeftPart(UriPartial.Authority));
    }

    [Fact]
    public void The_chain_is_retry_then_redirect_then_bearer_then_graph_core_telemetry()
    {
        var handlers = GraphPipeline.CreateHandlers(CommsInvite.Core.CloudEndpoints.For(CommsInvite.Core.CloudEnvironment.Global), new NoTokens(), RetryPolicy.Default, TimeSpan.FromSeconds(100), new RequestStatistics(), CommsInvite.Core.NullLogSink.Instance);
        Assert.Equal(
            new[] { "ExactlyOnceRetryHandler", "RedirectHandler", "BearerAuthenticationHandler", "GraphTelemetryHandler" },
            System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(handlers, h => h.GetType().Name)));
        Assert.Equal("CommsInvite", GraphPipeline.UserAgent.Product!.Name);
        Assert.Matches(@"^\d+\.\d+\.\d+$", GraphPipeline.UserAgent.Product.Version);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/v1.0/x", true)]
    [InlineData("https://GRAPH.microsoft.com:443/beta/y", true)]
    [InlineData("http://graph.microsoft.com/v1.0/x", false)]
    [InlineData("https://graph.microsoft.com:8443/v1.0/x", false)]
    [InlineData("https://graph.microsoft.com.evil.example/v1.0/x", false)]
    [InlineData("https://login.microsoftonline.com/t/oauth2/v2.0/token", false)]
    public void Only_the_connection_s_graph_host_gets_the_token(string uri, bool same)
    {
        Assert.Equal(same, BearerAuthenticationHandler.IsSameHost(new Uri(uri), new Uri("https://graph.microsoft.com/")));
    }

    private sealed class NoTokens : CommsInvite.Core.Auth.ITokenSource
    {
        public Task<CommsInvite.Core.Auth.AccessTokenInfo> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public bool TryGetCurrent(out CommsInvite.Core.Auth.AccessTokenInfo token) => throw new InvalidOperationException();
    }
}
