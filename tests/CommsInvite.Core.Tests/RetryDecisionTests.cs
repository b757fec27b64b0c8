using System;
using System.Net;
using System.Net.Http;
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
            Body = "{\"error\":{\"code\":\"8522\",\"message\":\"Call not found.\",\"innerError\":{\"request-id\":\"r-1\",\"client-request-id\":\"c-1\",\"date\":\"2026-11-23T12:00:00Z\"}}}",
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
        var attempt = new GraphHttpClient.AttemptResult { Status = HttpStatusCode.BadGateway, Body = "<html>bad gateway</html>", RequestId = "hdr-req" };
        var error = GraphHttpClient.ToException(request, attempt, "c-2");
        Assert.Equal("hdr-req", error.RequestId);
        Assert.Null(error.GraphCode);
        Assert.Contains("502", error.Message);
    }
}

public sealed class PipelineTests
{
    [Fact]
    public void Graph_core_pipeline_keeps_its_middleware_but_not_its_retry_handler()
    {
        var handlers = GraphHttpClient.CreateHandlers();
        var names = System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(handlers, h => h.GetType().Name));
        Assert.DoesNotContain("RetryHandler", names);
        Assert.Contains("RedirectHandler", names);
        Assert.True(names.Count >= 3, string.Join(", ", names));
    }
}
