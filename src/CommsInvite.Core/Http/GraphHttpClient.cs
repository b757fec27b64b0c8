using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Models;
using Microsoft.Graph;

namespace CommsInvite.Core.Http;

/// <summary>One logical Graph request (retries re-send the same one).</summary>
internal sealed class GraphRequest
{
    public GraphRequest(HttpMethod method, Uri uri, RequestSafety safety, object? body = null)
    {
        Method = method;
        Uri = uri;
        Safety = safety;
        Body = body;
    }

    public HttpMethod Method { get; }

    public Uri Uri { get; }

    public RequestSafety Safety { get; }

    public object? Body { get; }

    /// <summary>Object the request concerns, put on errors as TargetObject.</summary>
    public object? Target { get; set; }
}

/// <summary>A successful (2xx) response, fully read.</summary>
internal sealed class GraphResponse
{
    private string? _body;

    public HttpStatusCode StatusCode { get; init; }

    /// <summary>The body as UTF-8 bytes (without a byte-order mark): what the JSON reader reads directly.</summary>
    public byte[] Content { get; init; } = Array.Empty<byte>();

    /// <summary>The body as text, decoded only when someone asks (most callers only deserialize).</summary>
    public string Body => _body ??= Encoding.UTF8.GetString(Content);
    public Uri? Location { get; init; }
    public string? RequestId { get; init; }
    public string? ClientRequestId { get; init; }
    public Uri RequestUri { get; init; } = null!;

    /// <summary>Retry-After on a success (202 "not yet"), when the service sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public T Read<T>()
        where T : class =>
        Parse(content => JsonSerializer.Deserialize<T>(new ReadOnlySpan<byte>(content), GraphJson.Options));

    /// <summary>Reads the body with <paramref name="parse"/>; malformed JSON becomes an InvalidResponse error.</summary>
    public T Parse<T>(Func<byte[], T?> parse)
        where T : class
    {
        try
        {
            return parse(Content) ?? throw new JsonException("The body is empty.");
        }
        catch (JsonException ex)
        {
            throw new GraphServiceException(
                ErrorIds.InvalidResponse,
                FailureCategory.InvalidResult,
                $"Graph answered {(int)StatusCode} to {RequestUri.AbsolutePath} with a body that is not a valid {typeof(T).Name}: {ex.Message}",
                StatusCode,
                null,
                RequestId,
                ClientRequestId,
                null,
                innerException: ex);
        }
    }
}

/// <summary>Counters for diagnostics and the chaos tests.</summary>
public sealed class RequestStatistics
{
    private long _requests;
    private long _attempts;
    private long _retries;
    private long _ambiguous;
    private long _tokenRefreshes;

    public long Requests => Interlocked.Read(ref _requests);
    public long Attempts => Interlocked.Read(ref _attempts);
    public long Retries => Interlocked.Read(ref _retries);
    public long AmbiguousFailures => Interlocked.Read(ref _ambiguous);
    public long ForcedTokenRefreshes => Interlocked.Read(ref _tokenRefreshes);

    internal void Request() => Interlocked.Increment(ref _requests);
    internal void Attempt() => Interlocked.Increment(ref _attempts);
    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void Ambiguous() => Interlocked.Increment(ref _ambiguous);
    internal void TokenRefresh() => Interlocked.Increment(ref _tokenRefreshes);

    public override string ToString() =>
        $"requests {Requests}, attempts {Attempts}, retries {Retries}, ambiguous {AmbiguousFailures}, token refreshes {ForcedTokenRefreshes}";
}

/// <summary>
/// Sends Graph requests through Microsoft.Graph.Core's pipeline with Graph.Core's headers, and retries them by our
/// own rules rather than its RetryHandler's, because an invite POST must never be sent twice when the first one may
/// have been acted on.
/// </summary>
internal sealed class GraphHttpClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpMessageInvoker _http;
    private readonly ITokenSource _tokens;
    private readonly RetryPolicy _policy;
    private readonly ILogSink _log;
    private readonly bool _logging;
    private readonly AttemptDeadlines _deadlines;
    private readonly TimeSpan _attemptTimeout;
    private readonly Random _random = new();
    private readonly object _randomLock = new();

    public GraphHttpClient(HttpMessageInvoker http, ITokenSource tokens, RetryPolicy policy, TimeSpan attemptTimeout, ILogSink log)
    {
        _http = http;
        _tokens = tokens;
        _policy = policy;
        _attemptTimeout = attemptTimeout;
        _log = log;
        _logging = !ReferenceEquals(log, NullLogSink.Instance);
        _deadlines = new AttemptDeadlines(attemptTimeout);
    }

    public RequestStatistics Statistics { get; } = new();

    /// <summary>
    /// The sender: Graph.Core's pipeline builder over the given final handler, with no per-request middleware (its
    /// headers are added from <see cref="GraphHeaders"/>) and no HttpClient around it: HttpClient would link one more
    /// cancellation source per request and buffer the body before we copy it again.
    /// </summary>
    public static HttpMessageInvoker CreateSender(HttpMessageHandler finalHandler) =>
        new(GraphClientFactory.CreatePipeline(Array.Empty<DelegatingHandler>(), finalHandler), disposeHandler: true);

    /// <summary>
    /// The headers Graph.Core puts on every request (SdkVersion from its telemetry handler, FeatureFlag and
    /// Cache-Control from its client factory) plus our User-Agent, taken once by passing a request through Graph.Core's
    /// own HttpClient and handlers into a handler that answers locally. They never change within a process, and
    /// GraphTelemetryHandler rebuilds its header string (with reflection over an enum) on every request; capturing
    /// them once keeps Graph.Core's exact values without that cost. client-request-id is ours, so it is not taken.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> GraphHeaders => LazyGraphHeaders.Value;

    private static readonly Lazy<IReadOnlyList<KeyValuePair<string, string>>> LazyGraphHeaders = new(CaptureGraphHeaders);

    private static IReadOnlyList<KeyValuePair<string, string>> CaptureGraphHeaders()
    {
        try
        {
            return CaptureGraphHeadersOnce();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Telemetry headers are a courtesy to Graph's support, never a reason to fail every request (Lazy would
            // cache the failure): go on with our User-Agent alone.
            return new[] { new KeyValuePair<string, string>("User-Agent", UserAgent.ToString()) };
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> CaptureGraphHeadersOnce()
    {
        var capture = new HeaderCaptureHandler();
        using var client = GraphClientFactory.Create(CreateHandlers(), "v1.0", GraphClientFactory.Global_Cloud, null, capture, true);
        client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://graph.microsoft.com/v1.0/");
        request.Headers.TryAddWithoutValidation("client-request-id", "00000000-0000-0000-0000-000000000000");

        // Every handler on this path answers with a finished task (the capture never goes to the network), so on .NET
        // this returns at once; on .NET Framework HttpClient may finish on a pool thread, a one-time wait of microseconds.
        // Either way nothing here needs the caller's thread, so waiting cannot deadlock.
        using var response = client.SendAsync(request).GetAwaiter().GetResult();
        return capture.Headers
            .Where(h => !string.Equals(h.Key, "client-request-id", StringComparison.OrdinalIgnoreCase))
            .ToArray();
    }

    private sealed class HeaderCaptureHandler : HttpMessageHandler
    {
        public List<KeyValuePair<string, string>> Headers { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var header in request.Headers)
            {
                Headers.Add(new KeyValuePair<string, string>(header.Key, string.Join(", ", header.Value)));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request });
        }
    }

    /// <summary>
    /// Of Graph.Core's default middleware, the one handler whose work this client needs: GraphTelemetryHandler (the
    /// SdkVersion header Graph's support reads), run once to capture that header (see <see cref="GraphHeaders"/>).
    /// The others are left out on purpose, each being an async hop on every request: RetryHandler, because ours decides what may be re-sent (an invite must never go twice); RedirectHandler,
    /// because the calls and provisioning endpoints do not redirect (a 3xx surfaces as an error instead of being
    /// followed with the bearer token); UserAgentHandler, because the client names itself (CommsInvite/version);
    /// and the handlers that act only on request options this client never sets (header and body inspection, the
    /// "/users/TokenToReplace" rewriter, the decoder of Kiota-escaped query names).
    /// </summary>
    internal static IList<DelegatingHandler> CreateHandlers() =>
        GraphClientFactory.CreateDefaultHandlers(new GraphClientOptions())
            .Where(h => h is GraphTelemetryHandler)
            .ToList();

    /// <summary>"CommsInvite/1.2.3": how the service's logs tell this client's requests from others'.</summary>
    internal static ProductInfoHeaderValue UserAgent { get; } = new(
        "CommsInvite",
        typeof(GraphHttpClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public async Task<GraphResponse> SendAsync(GraphRequest request, CancellationToken cancellationToken)
    {
        Statistics.Request();
        var started = Stopwatch.GetTimestamp();
        var retries = 0;
        var refreshedAfter401 = false;
        var bodyBytes = request.Body switch
        {
            null => null,
            string text => Encoding.UTF8.GetBytes(text),
            byte[] utf8 => utf8,
            var body => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), GraphJson.Options),
        };

        // One client-request-id per logical request: its retries share it, so the service's logs tie them together.
        var clientRequestId = ClientRequestIds.Next();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attemptStarted = Stopwatch.GetTimestamp();
            Statistics.Attempt();

            AttemptResult attempt;
            try
            {
                if (!_tokens.TryGetCurrent(out var token))
                {
                    token = await _tokens.GetTokenAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
                }

                attempt = await SendOnceAsync(request, bodyBytes, token, clientRequestId, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var elapsed = ElapsedSince(attemptStarted);
            var succeeded = attempt.Status is { } status2xx && (int)status2xx is >= 200 and < 300;
            if (succeeded && attempt.Exception is not null && request.Safety == RequestSafety.NotIdempotent)
            {
                // The service acted (2xx) but its body was lost on the way: hand back what arrived (headers such as
                // Location included) and let the caller decide; sending it again could act twice.
                _log.Verbose($"{request.Method} {PathOf(request.Uri)} -> {(int)attempt.Status!.Value} in {elapsed.TotalMilliseconds:F0} ms with an unreadable body ({attempt.Exception.Message}) (request-id {attempt.RequestId ?? "-"}, client-request-id {clientRequestId}).");
                return new GraphResponse
                {
                    StatusCode = attempt.Status.Value,
                    Location = attempt.Location,
                    RequestId = attempt.RequestId,
                    ClientRequestId = attempt.ClientRequestId ?? clientRequestId,
                    RequestUri = request.Uri,
                };
            }

            if (attempt.Exception is null && attempt.Status is { } okStatus && (int)okStatus is >= 200 and < 300)
            {
                if (_logging)
                {
                    // Formatted only for a real sink: this line is written for every successful request.
                    _log.Verbose($"{request.Method} {PathOf(request.Uri)} -> {(int)okStatus} in {elapsed.TotalMilliseconds:F0} ms (request-id {attempt.RequestId ?? "-"}, client-request-id {clientRequestId}).");
                }

                return new GraphResponse
                {
                    StatusCode = okStatus,
                    Content = attempt.Body ?? Array.Empty<byte>(),
                    Location = attempt.Location,
                    RequestId = attempt.RequestId,
                    ClientRequestId = attempt.ClientRequestId ?? clientRequestId,
                    RequestUri = request.Uri,
                    RetryAfter = attempt.RetryAfter,
                };
            }

            if (attempt.Exception is null)
            {
                _log.Verbose($"{request.Method} {PathOf(request.Uri)} -> {(int)attempt.Status!.Value} in {elapsed.TotalMilliseconds:F0} ms (request-id {attempt.RequestId ?? "-"}, client-request-id {clientRequestId}).");
            }
            else
            {
                _log.Verbose($"{request.Method} {PathOf(request.Uri)} -> {attempt.Exception.GetType().Name} after {elapsed.TotalMilliseconds:F0} ms (client-request-id {clientRequestId}): {attempt.Exception.Message}");
            }

            if (attempt.Status == HttpStatusCode.Unauthorized && !refreshedAfter401)
            {
                // An expired or revoked token: renew it once, then the request is simply sent again (a 401 was not processed).
                refreshedAfter401 = true;
                Statistics.TokenRefresh();
                _log.Debug($"{request.Method} {PathOf(request.Uri)} was refused with 401: renewing the access token once.");
                await _tokens.GetTokenAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var failure = attempt.Exception is null ? AttemptFailure.Response : RetryDecisions.Classify(attempt.Exception);
            var verdict = RetryDecisions.Decide(request.Safety, failure, attempt.Status, attempt.RetryAfter is not null);
            var error = ToException(request, attempt, clientRequestId);
            if (verdict == RetryVerdict.Ambiguous)
            {
                Statistics.Ambiguous();
                error.MayHaveBeenProcessed = true;
                _log.Debug($"{request.Method} {PathOf(request.Uri)} failed after it may have been processed; not re-sending it blindly.");
                throw error;
            }

            if (verdict == RetryVerdict.Fail)
            {
                throw error;
            }

            if (retries >= _policy.MaxRetries)
            {
                _log.Debug($"{request.Method} {PathOf(request.Uri)}: giving up after {retries} retries.");
                throw error;
            }

            TimeSpan delay;
            if (attempt.RetryAfter is { } retryAfter)
            {
                if (retryAfter > _policy.MaxRetryDelay)
                {
                    _log.Debug($"{request.Method} {PathOf(request.Uri)}: Retry-After {retryAfter.TotalSeconds:F0} s exceeds MaxRetryDelay {_policy.MaxRetryDelay.TotalSeconds:F0} s; giving up.");
                    throw error;
                }

                delay = retryAfter;
            }
            else
            {
                lock (_randomLock)
                {
                    delay = RetryDecisions.Backoff(retries, _policy.BaseDelay, _policy.MaxRetryDelay, _random);
                }
            }

            if (ElapsedSince(started) + delay > _policy.MaxTotalTime)
            {
                _log.Debug($"{request.Method} {PathOf(request.Uri)}: waiting {delay.TotalSeconds:F1} s more would pass MaxTotalTime {_policy.MaxTotalTime}; giving up.");
                throw error;
            }

            retries++;
            Statistics.Retry();
            _log.Debug($"{request.Method} {PathOf(request.Uri)}: retry {retries} of {_policy.MaxRetries} in {delay.TotalMilliseconds:F0} ms ({(attempt.Status is null ? failure.ToString() : ((int)attempt.Status).ToString(CultureInfo.InvariantCulture))}{(attempt.RetryAfter is null ? string.Empty : ", Retry-After")}).");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    private static TimeSpan ElapsedSince(long timestamp) =>
        TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - timestamp) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));

    private async Task<AttemptResult> SendOnceAsync(GraphRequest request, byte[]? bodyBytes, AccessTokenInfo token, string clientRequestId, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        message.Headers.Authorization = token.AuthorizationHeader;
        message.Headers.TryAddWithoutValidation("client-request-id", clientRequestId);
        message.Headers.TryAddWithoutValidation("return-client-request-id", "true");
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        foreach (var header in GraphHeaders)
        {
            message.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (bodyBytes is not null)
        {
            message.Content = new ByteArrayContent(bodyBytes);
            message.Content.Headers.ContentType = JsonType;
        }

        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadlines.Current());
        var attemptToken = attemptTimeout.Token;
        try
        {
            using var response = await _http.SendAsync(message, attemptToken).ConfigureAwait(false);
            byte[]? body = null;
            Exception? bodyError = null;
            try
            {
                body = response.Content is null ? Array.Empty<byte>() : WithoutByteOrderMark(await ReadBodyAsync(response.Content, attemptToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (RetryDecisions.IsTransportFailure(ex))
            {
                bodyError = ex;
            }

            var success = (int)response.StatusCode is >= 200 and < 300;
            var result = new AttemptResult
            {
                Status = response.StatusCode,
                Body = body,
                RequestId = Header(response, "request-id"),
                ClientRequestId = Header(response, "client-request-id"),
                Location = response.Headers.Location is { } location
                    ? (location.IsAbsoluteUri ? location : new Uri(request.Uri, location))
                    : null,

                // The Date header only goes into error reports; parsing it on every success is wasted work.
                Date = success ? null : response.Headers.Date,
                // Retry-After matters on 202 ("not yet"), 429 and 5xx; a 200 or 201 carrying one would change nothing.
                RetryAfter = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent ? null : ReadRetryAfter(response),
            };

            if (bodyError is not null)
            {
                // The status line arrived, so the service saw the request; a broken body is a failed read, not a lost request.
                result.Exception = bodyError;
            }
            else if (success && request.Safety == RequestSafety.Idempotent && HasContent(body) && !IsJson(body!))
            {
                // A truncated or non-JSON success body is as good as no answer: GETs are read again. (A POST's body
                // is not re-read whatever it holds, so its check is left to the caller's parse of it.)
                result.Exception = new System.IO.InvalidDataException($"The {(int)response.StatusCode} response body is not valid JSON ({body!.Length} bytes).");
            }

            return result;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult { Exception = new TimeoutException($"No response within {_attemptTimeout.TotalSeconds:F0} s.", ex) };
        }
        catch (Exception ex) when (RetryDecisions.IsTransportFailure(ex))
        {
            return new AttemptResult { Exception = ex };
        }
    }

    /// <summary>
    /// Reads the whole body. netstandard2.0 has no ReadAsByteArrayAsync(CancellationToken), so a timeout or Ctrl+C
    /// disposes the content, which ends a stalled read, and the failure is reported as the cancellation it was.
    /// </summary>
    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static state => ((HttpContent)state!).Dispose(), content))
        {
            try
            {
                return await content.ReadAsByteArrayAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                throw new OperationCanceledException("The response body was not read in time.", ex, cancellationToken);
            }
        }
    }

    /// <summary>Whether the body is one complete JSON value: a forward-only scan, no document built.</summary>
    internal static bool IsJson(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Anything but JSON whitespace.</summary>
    internal static bool HasContent(byte[]? body)
    {
        if (body is null)
        {
            return false;
        }

        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] WithoutByteOrderMark(byte[] body) =>
        body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? body.Skip(3).ToArray() : body;

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter is null)
        {
            return RetryDecisions.ParseRetryAfter(Header(response, "Retry-After"), DateTimeOffset.UtcNow);
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? DateTimeOffset.UtcNow);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string PathOf(Uri uri) => uri.PathAndQuery;

    internal static GraphServiceException ToException(GraphRequest request, AttemptResult attempt, string clientRequestId)
    {
        var what = $"{request.Method} {PathOf(request.Uri)}";
        if (attempt.Status is null)
        {
            return new GraphServiceException(
                ErrorIds.GraphRequestFailed,
                FailureCategory.ConnectionError,
                $"{what} failed: {attempt.Exception?.Message} (client-request-id {clientRequestId}).",
                null,
                null,
                null,
                clientRequestId,
                null,
                null,
                request.Target,
                attempt.Exception);
        }

        var status = attempt.Status.Value;
        GraphErrorBody? error = null;
        if (HasContent(attempt.Body))
        {
            try
            {
                error = JsonSerializer.Deserialize<GraphErrorEnvelope>(new ReadOnlySpan<byte>(attempt.Body), GraphJson.Options)?.Error;
            }
            catch (JsonException)
            {
                // A proxy's HTML page or a truncated body: report the status alone.
            }
        }

        var requestId = error?.InnerError?.RequestId ?? attempt.RequestId;
        var echoedClientRequestId = error?.InnerError?.ClientRequestId ?? attempt.ClientRequestId ?? clientRequestId;
        DateTimeOffset? date = attempt.Date;
        if (error?.InnerError?.Date is { } dateText && DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = parsed;
        }

        var code = (int)status;
        var (errorId, category) = Classify(code, error?.Code);
        var message = new StringBuilder()
            .Append(what).Append(" failed with HTTP ").Append(code).Append(' ').Append(ReasonOf(status));
        if (error?.Code is not null)
        {
            message.Append(", code ").Append(error.Code);
        }

        if (!string.IsNullOrWhiteSpace(error?.Message))
        {
            message.Append(": ").Append(error!.Message!.Trim().TrimEnd('.')).Append('.');
        }
        else if (attempt.Exception is not null)
        {
            message.Append(": the response body could not be read (").Append(attempt.Exception.Message).Append(").");
        }
        else
        {
            message.Append('.');
        }

        message.Append(" request-id ").Append(requestId ?? "-").Append(", client-request-id ").Append(echoedClientRequestId).Append('.');
        if (attempt.RetryAfter is { } retryAfter)
        {
            message.Append(" Retry-After ").Append(retryAfter.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)).Append(" s.");
        }

        return new GraphServiceException(errorId, category, message.ToString(), status, error?.Code, requestId, echoedClientRequestId, date, attempt.RetryAfter, request.Target, attempt.Exception);
    }

    internal static (string ErrorId, FailureCategory Category) Classify(int status, string? graphCode)
    {
        if (graphCode == "8522")
        {
            return (ErrorIds.CallNotFound, FailureCategory.ObjectNotFound);
        }

        return status switch
        {
            400 => (ErrorIds.GraphRequestFailed, FailureCategory.InvalidArgument),
            401 => (ErrorIds.AuthenticationFailed, FailureCategory.AuthenticationError),
            403 => (ErrorIds.PermissionDenied, FailureCategory.PermissionDenied),
            404 => (ErrorIds.GraphRequestFailed, FailureCategory.ObjectNotFound),
            409 => (ErrorIds.GraphRequestFailed, FailureCategory.ResourceExists),
            429 => (ErrorIds.Throttled, FailureCategory.LimitsExceeded),
            502 or 503 or 504 => (ErrorIds.GraphRequestFailed, FailureCategory.ConnectionError),
            _ => (ErrorIds.GraphRequestFailed, FailureCategory.InvalidResult),
        };
    }

    private static string ReasonOf(HttpStatusCode status) => status switch
    {
        (HttpStatusCode)429 => "Too Many Requests",
        _ => status.ToString(),
    };

    internal sealed class AttemptResult
    {
        public HttpStatusCode? Status { get; set; }
        public byte[]? Body { get; set; }
        public string? RequestId { get; set; }
        public string? ClientRequestId { get; set; }
        public Uri? Location { get; set; }
        public DateTimeOffset? Date { get; set; }
        public TimeSpan? RetryAfter { get; set; }
        public Exception? Exception { get; set; }
    }
}
