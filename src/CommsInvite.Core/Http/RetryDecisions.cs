using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace CommsInvite.Core.Http;

/// <summary>Whether a request may be sent twice without harm.</summary>
internal enum RequestSafety
{
    /// <summary>GET, DELETE, PATCH of a value, PUT: repeating them changes nothing more.</summary>
    Idempotent,

    /// <summary>POSTs that create something (invite, create call, assign): re-sent only if the service cannot have acted.</summary>
    NotIdempotent,
}

/// <summary>What went wrong on one attempt.</summary>
internal enum AttemptFailure
{
    /// <summary>A response came back (see the status code).</summary>
    Response,

    /// <summary>The connection was never made (refused, DNS, unreachable): nothing reached the service.</summary>
    NotSent,

    /// <summary>The connection broke or timed out after the request may have been sent.</summary>
    AfterSending,
}

/// <summary>What to do after an attempt.</summary>
internal enum RetryVerdict
{
    /// <summary>Give up: report the failure.</summary>
    Fail,

    /// <summary>Send again after a delay.</summary>
    Retry,

    /// <summary>A non-idempotent request may or may not have been acted on: the caller must look before re-sending.</summary>
    Ambiguous,
}

/// <summary>The retry rules as pure functions, so they can be tested without a network.</summary>
internal static class RetryDecisions
{
    public static RetryVerdict Decide(RequestSafety safety, AttemptFailure failure, HttpStatusCode? status, bool hasRetryAfter)
    {
        switch (failure)
        {
            case AttemptFailure.NotSent:
                return RetryVerdict.Retry;
            case AttemptFailure.AfterSending:
                return safety == RequestSafety.Idempotent ? RetryVerdict.Retry : RetryVerdict.Ambiguous;
        }

        var code = (int)(status ?? 0);
        if (code == 429)
        {
            // Throttled requests are rejected before processing.
            return RetryVerdict.Retry;
        }

        if (code is 503 or 504 && hasRetryAfter)
        {
            // Graph answers 503/504 with Retry-After when it refused the request outright.
            return RetryVerdict.Retry;
        }

        if (code is 500 or 502 or 503 or 504)
        {
            return safety == RequestSafety.Idempotent ? RetryVerdict.Retry : RetryVerdict.Ambiguous;
        }

        return RetryVerdict.Fail;
    }

    /// <summary>
    /// Retry-After as seconds ("120") or an HTTP date; null when absent or unreadable. Negative results
    /// (a date in the past) become zero.
    /// </summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value!.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86400));
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var date)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var delay = date - now;
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        return null;
    }

    /// <summary>
    /// The Retry-After a response carries, as a wait from now. It matters on 202 ("not yet"), 429 and 5xx; on 200, 201
    /// and 204 it would change nothing, so it is not read there.
    /// </summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent)
        {
            return null;
        }

        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter is null)
        {
            // A value the typed header refused (an unusual date form): parse it ourselves.
            return response.Headers.TryGetValues("Retry-After", out var values)
                ? ParseRetryAfter(string.Join(",", values), DateTimeOffset.UtcNow)
                : null;
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

    /// <summary>Full-jitter exponential backoff: a random delay in [base*2^n / 2, base*2^n], capped.</summary>
    public static TimeSpan Backoff(int retryNumber, TimeSpan baseDelay, TimeSpan maxDelay, Random random)
    {
        var exponent = Math.Min(Math.Max(retryNumber, 0), 20);
        var ceiling = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        var delay = ceiling / 2 + (random.NextDouble() * ceiling / 2);
        return TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Sorts a transport exception: was the request possibly seen by the service?</summary>
    public static AttemptFailure Classify(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                        or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable or SocketError.TryAgain
                        or SocketError.NoData => AttemptFailure.NotSent,
                    _ => AttemptFailure.AfterSending,
                };
            }
        }

        return AttemptFailure.AfterSending;
    }

    /// <summary>Transport failures worth classifying (anything else is a bug and propagates).</summary>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or WebException or InvalidDataException;
}
