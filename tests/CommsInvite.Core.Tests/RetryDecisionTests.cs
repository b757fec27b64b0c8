using System;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
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
    public void Responses(RequestSafety safety, int status, bool retryAfter, RetryVerdict expected) =>
        Assert.Equal(expected, RetryDecisions.Decide(safety, AttemptFailure.Response, (HttpStatusCode)status, retryAfter));

    [Theory]
    [InlineData(RequestSafety.NotIdempotent, AttemptFailure.NotSent, RetryVerdict.Retry)]
    [InlineData(RequestSafety.NotIdempotent, AttemptFailure.AfterSending, RetryVerdict.Ambiguous)]
    [InlineData(RequestSafety.Idempotent, AttemptFailure.NotSent, RetryVerdict.Retry)]
    [InlineData(RequestSafety.Idempotent, AttemptFailure.AfterSending, RetryVerdict.Retry)]
    public void Transport_failures(RequestSafety safety, AttemptFailure failure, RetryVerdict expected) =>
        Assert.Equal(expected, RetryDecisions.Decide(safety, failure, null, false));

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
        Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<CommsValidationException>(() => (RetryPolicy.Default with { MaxRetries = -1 }).Validate()).ErrorId);
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
        var (id, cat) = GraphHttpClient.Classify(status, code);
        Assert.Equal(errorId, id);
        Assert.Equal(category, cat);
    }

    [Fact]
    public void Graph_error_body_becomes_exception_with_ids()
    {
        var request = new GraphRequest(HttpMethod.Get, new Uri("https://graph.microsoft.com/v1.0/communications/calls/abc"), RequestSafety.Idempotent);
        var attempt = new GraphHttpClient.AttemptResult
        {
            Status = HttpStatusCode.NotFound,
            Body = System.Text.Encoding.UTF8.GetBytes("{\"error\":{\"code\":\"8522\",\"message\":\"Call not found.\",\"innerError\":{\"request-id\":\"r-1\",\"client-request-id\":\"c-1\",\"date\":\"2026-11-23T12:00:00Z\"}}}"),
        };

        var error = GraphHttpClient.ToException(request, attempt, "c-1");

        Assert.Equal("CallNotFound", error.ErrorId);
        Assert.Equal("8522", error.GraphCode);
        Assert.Equal("r-1", error.RequestId);
        Assert.Equal("c-1", error.ClientRequestId);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), error.Date);
        Assert.Contains("r-1", error.Message);
        Assert.Contains("8522", error.Message);
    }

    [Fact]
    public void Non_json_error_body_still_gives_status_and_request_id()
    {
        var request = new GraphRequest(HttpMethod.Get, new Uri("https://graph.microsoft.com/v1.0/x"), RequestSafety.Idempotent);
        var attempt = new GraphHttpClient.AttemptResult { Status = HttpStatusCode.BadGateway, Body = System.Text.Encoding.UTF8.GetBytes("<html>bad gateway</html>"), RequestId = "hdr-req" };
        var error = GraphHttpClient.ToException(request, attempt, "c-2");
        Assert.Equal("hdr-req", error.RequestId);
        Assert.Null(error.GraphCode);
        Assert.Contains("502", error.Message);
    }
}

public sealed class PipelineTests
{
    [Fact]
    public void Graph_core_pipeline_keeps_its_telemetry_handler_only()
    {
        var handlers = GraphHttpClient.CreateHandlers();
        var names = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(handlers, h => h.GetType().Name));
        Assert.Equal(new[] { "GraphTelemetryHandler" }, names);
        Assert.Equal("CommsInvite", GraphHttpClient.UserAgent.Product!.Name);
        Assert.Matches(@"^\d+\.\d+\.\d+$", GraphHttpClient.UserAgent.Product.Version);
    }

    [Fact]
    public void Graph_core_headers_are_captured_once_from_its_own_handlers()
    {
        var headers = System.Linq.Enumerable.ToDictionary(GraphHttpClient.GraphHeaders, h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Assert.StartsWith("graph-dotnet-core/", headers["SdkVersion"].Trim());
        Assert.Contains("featureUsage=", headers["SdkVersion"]);
        Assert.True(headers.ContainsKey("FeatureFlag"));
        Assert.Contains("no-store", headers["Cache-Control"]);
        Assert.StartsWith("CommsInvite/", headers["User-Agent"]);
        Assert.False(headers.ContainsKey("client-request-id"));
        Assert.Same(GraphHttpClient.GraphHeaders, GraphHttpClient.GraphHeaders);
    }

    [Theory]
    [InlineData("{\"id\":\"a\"}", true)]
    [InlineData("  [1, 2, {\"x\": null}]\n", true)]
    [InlineData("{\"id\":\"a\"", false)]
    [InlineData("{\"id\":\"a\"} trailing", false)]
    [InlineData("<html>bad gateway</html>", false)]
    public void Success_bodies_are_checked_as_one_complete_json_value(string body, bool valid)
    {
        Assert.Equal(valid, GraphHttpClient.IsJson(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(" \r\n\t", false)]
    [InlineData(" {}", true)]
    public void Whitespace_only_bodies_count_as_empty(string body, bool hasContent)
    {
        Assert.Equal(hasContent, GraphHttpClient.HasContent(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Client_request_ids_are_distinct_version_4_guids()
    {
        var ids = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(System.Linq.Enumerable.Range(0, 10_000), _ => ClientRequestIds.Next()));
        Assert.Equal(ids.Count, new System.Collections.Generic.HashSet<string>(ids).Count);
        foreach (var id in ids)
        {
            Assert.True(Guid.TryParseExact(id, "D", out var parsed), id);
            Assert.Equal('4', id[14]);
            Assert.NotEqual(Guid.Empty, parsed);
        }
    }
}

public sealed class AttemptDeadlineTests
{
    [Fact]
    public async Task Attempts_in_one_window_share_a_token_that_fires_after_the_timeout_and_not_before()
    {
        var deadlines = new AttemptDeadlines(TimeSpan.FromMilliseconds(320));
        Assert.Equal(TimeSpan.FromMilliseconds(20), deadlines.WindowLength);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var token = deadlines.Current();
        Assert.True(token.CanBeCanceled);
        var fired = new TaskCompletionSource<TimeSpan>();
        using var registration = token.Register(() => fired.TrySetResult(started.Elapsed));

        var elapsed = await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(320), $"fired after {elapsed.TotalMilliseconds} ms");

        // A later window gets a fresh token, not the cancelled one.
        Assert.False(deadlines.Current().IsCancellationRequested);
    }

    [Fact]
    public void Tokens_are_shared_within_a_window_and_renewed_after_it()
    {
        var deadlines = new AttemptDeadlines(TimeSpan.FromSeconds(100));
        Assert.Equal(TimeSpan.FromSeconds(1), deadlines.WindowLength);
        var first = deadlines.Current();
        var again = deadlines.Current();
        Assert.Equal(first, again);
        Thread.Sleep(1100);
        Assert.NotEqual(first, deadlines.Current());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(30L * 24 * 3600 * 1000)]
    public void Infinite_or_unrepresentable_timeouts_never_cancel(long milliseconds)
    {
        var deadlines = new AttemptDeadlines(TimeSpan.FromMilliseconds(milliseconds));
        Assert.False(deadlines.Current().CanBeCanceled);
    }
}
