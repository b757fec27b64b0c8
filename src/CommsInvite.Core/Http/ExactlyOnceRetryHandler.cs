using System;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Http;

/// <summary>
/// Retries by <see cref="RetryDecisions"/> rather than Graph.Core's RetryHandler, because an invite POST must never
/// be sent twice when the first one may have been acted on: such a failure is handed up marked
/// <see cref="GraphRequestContext.MayHaveBeenProcessed"/> and the caller settles it (CallsClient reads the roster).
/// Each attempt gets its own deadline for the whole answer, body included, which it reads into memory here so that
/// a stalled or broken body is an attempt's failure, not the caller's.
/// </summary>
internal sealed class ExactlyOnceRetryHandler : DelegatingHandler
{
    private readonly RetryPolicy _policy;
    private readonly TimeSpan _attemptTimeout;
    private readonly RequestStatistics _statistics;
    private readonly ILogSink _log;
    private readonly bool _logging;
    private readonly Random _random = new();

    public ExactlyOnceRetryHandler(RetryPolicy policy, TimeSpan attemptTimeout, RequestStatistics statistics, ILogSink log)
    {
        _policy = policy;
        _attemptTimeout = attemptTimeout;
        _statistics = statistics;
        _log = log;
        _logging = !ReferenceEquals(log, NullLogSink.Instance);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = GraphRequestContext.Of(request);
        _statistics.Request();
        var started = Stopwatch.StartNew();
        var retries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _statistics.Attempt();
            var attemptStarted = started.Elapsed;
            var (response, failure) = await AttemptAsync(request, context, cancellationToken).ConfigureAwait(false);
            var elapsedMs = (started.Elapsed - attemptStarted).TotalMilliseconds;
            var status = response?.StatusCode;
            if (failure is null && status is { } ok && IsSuccess(ok))
            {
                if (_logging)
                {
                    // Formatted only for a real sink: this line is written for every successful request.
                    _log.Verbose($"{Describe(request)} -> {(int)ok} in {elapsedMs:F0} ms (request-id {Header(response!, "request-id") ?? "-"}, client-request-id {context.ClientRequestId}).");
                }

                return response!;
            }

            var what = Describe(request);

            if (failure is not null && status is { } acted && IsSuccess(acted) && context.Safety == RequestSafety.NotIdempotent)
            {
                // The service acted (2xx) but its body was lost on the way: hand back what arrived (headers such as
                // Location included) and let the caller decide; sending it again could act twice.
                _log.Verbose($"{what} -> {(int)acted} in {elapsedMs:F0} ms with an unreadable body ({failure.Message}) (client-request-id {context.ClientRequestId}).");
                context.BodyFailure = failure;
                response!.Content = new ByteArrayContent(Array.Empty<byte>());
                return response;
            }

            _log.Verbose(failure is null
                ? $"{what} -> {(int)status!.Value} in {elapsedMs:F0} ms (request-id {Header(response!, "request-id") ?? "-"}, client-request-id {context.ClientRequestId})."
                : $"{what} -> {failure.GetType().Name} after {elapsedMs:F0} ms (client-request-id {context.ClientRequestId}): {failure.Message}");

            var retryAfter = response is null ? null : RetryDecisions.RetryAfterOf(response);
            var kind = failure is null ? AttemptFailure.Response : RetryDecisions.Classify(failure);
            var verdict = RetryDecisions.Decide(context.Safety, kind, status, retryAfter is not null);
            if (verdict == RetryVerdict.Ambiguous)
            {
                _statistics.Ambiguous();
                context.MayHaveBeenProcessed = true;
                _log.Debug($"{what} failed after it may have been processed; not re-sending it blindly.");
            }

            var delay = verdict == RetryVerdict.Retry ? NextDelay(what, retries, retryAfter, started.Elapsed) : null;
            if (delay is null)
            {
                if (response is not null)
                {
                    context.BodyFailure ??= failure;
                    return response;
                }

                throw failure!;
            }

            response?.Dispose();
            retries++;
            _statistics.Retry();
            _log.Debug($"{what}: retry {retries} of {_policy.MaxRetries} in {delay.Value.TotalMilliseconds:F0} ms ({(status is null ? kind.ToString() : ((int)status).ToString(CultureInfo.InvariantCulture))}{(retryAfter is null ? string.Empty : ", Retry-After")}).");
            await Task.Delay(delay.Value, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How long to wait before the next retry, or null when the policy's bounds say to give up.</summary>
    private TimeSpan? NextDelay(string what, int retries, TimeSpan? retryAfter, TimeSpan elapsed)
    {
        if (retries >= _policy.MaxRetries)
        {
            _log.Debug($"{what}: giving up after {retries} retries.");
            return null;
        }

        TimeSpan delay;
        if (retryAfter is { } wait)
        {
            if (wait > _policy.MaxRetryDelay)
            {
                _log.Debug($"{what}: Retry-After {wait.TotalSeconds:F0} s exceeds MaxRetryDelay {_policy.MaxRetryDelay.TotalSeconds:F0} s; giving up.");
                return null;
            }

            delay = wait;
        }
        else
        {
            lock (_random)
            {
                delay = RetryDecisions.Backoff(retries, _policy.BaseDelay, _policy.MaxRetryDelay, _random);
            }
        }

        if (elapsed + delay > _policy.MaxTotalTime)
        {
            _log.Debug($"{what}: waiting {delay.TotalSeconds:F1} s more would pass MaxTotalTime {_policy.MaxTotalTime}; giving up.");
            return null;
        }

        return delay;
    }

    /// <summary>One attempt: the answer with its body in memory, or why there is none (a response may come with a failure to read its body).</summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure)> AttemptAsync(HttpRequestMessage request, GraphRequestContext context, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_attemptTimeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, deadline.Token).ConfigureAwait(false);
            await BufferAsync(response.Content, deadline.Token).ConfigureAwait(false);
            if (context.Safety == RequestSafety.Idempotent && IsSuccess(response.StatusCode) && !await IsJsonOrEmptyAsync(response.Content).ConfigureAwait(false))
            {
                // A truncated or non-JSON success body is as good as no answer: reads are simply read again. (A POST's
                // body is never re-read whatever it holds; its check is left to the caller's parse of it.)
                return (response, new System.IO.InvalidDataException($"The {(int)response.StatusCode} response body is not valid JSON."));
            }

            return (response, null);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            return (null, new TimeoutException($"No response within {_attemptTimeout.TotalSeconds:F0} s.", ex));
        }
        catch (Exception ex) when (RetryDecisions.IsTransportFailure(ex))
        {
            // When the status line arrived the service saw the request: a broken body is a failed read, not a lost request.
            return (response, ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the body into memory. netstandard2.0 has no LoadIntoBufferAsync(CancellationToken), so the deadline
    /// disposes the content, which ends a stalled read, and the failure is reported as the cancellation it was.
    /// </summary>
    private static async Task BufferAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return;
        }

        using (cancellationToken.Register(static state => ((HttpContent)state!).Dispose(), content))
        {
            try
            {
                await content.LoadIntoBufferAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                throw new OperationCanceledException("The response body was not read in time.", ex, cancellationToken);
            }
        }
    }

    private static async Task<bool> IsJsonOrEmptyAsync(HttpContent? content)
    {
        if (content is null)
        {
            return true;
        }

        var body = await content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (Array.TrueForAll(body, b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(HttpRequestMessage request) => $"{request.Method} {request.RequestUri!.PathAndQuery}";

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
