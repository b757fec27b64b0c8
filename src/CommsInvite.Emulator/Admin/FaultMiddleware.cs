using System.Globalization;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Admin;

/// <summary>Applies fault rules to requests (see FaultKind).</summary>
internal static class FaultMiddleware
{
    public static Func<HttpContext, RequestDelegate, Task> Create(EmulatorContext context) => async (http, next) =>
    {
        var (latencyMs, fault) = context.Faults.Match(http.Request.Method, http.Request.Path.Value ?? "/");
        var stats = context.State.Stats;
        if (latencyMs > 0)
        {
            stats.FaultInjected("latency");
            try { await Task.Delay(latencyMs, http.RequestAborted).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
        if (fault is null)
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        var kind = JsonNamingPolicyName(fault.Kind);
        stats.FaultInjected(kind);
        switch (fault.Kind)
        {
            case FaultKind.Throttle:
                SetRetryAfter(http, fault, defaultSeconds: 1);
                await GraphErrors.WriteAsync(http, 429, "TooManyRequests", "Too many requests: the request was throttled. Retry after the time in Retry-After.").ConfigureAwait(false);
                break;
            case FaultKind.Unavailable:
                SetRetryAfter(http, fault, defaultSeconds: null);
                await GraphErrors.WriteAsync(http, 503, "ServiceUnavailable", "The service is temporarily unavailable. Retry later.").ConfigureAwait(false);
                break;
            case FaultKind.GatewayTimeout:
                await GraphErrors.WriteAsync(http, 504, "GatewayTimeout", "The gateway did not receive a response from the backend in time.").ConfigureAwait(false);
                break;
            case FaultKind.ExpiredToken:
                http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The access token has expired\"";
                await GraphErrors.WriteAsync(http, 401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.").ConfigureAwait(false);
                break;
            case FaultKind.NonJson:
                http.Response.StatusCode = fault.Status ?? 502;
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy received an invalid response from an upstream server.</p></body></html>", http.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.ResetBefore:
                http.Abort();
                break;
            case FaultKind.ResetAfter:
            case FaultKind.Truncate:
            case FaultKind.StallBody:
                var original = http.Response.Body;
                using (var buffer = new MemoryStream())
                {
                    // The request is fully processed (state changes apply); only the response is lost or damaged.
                    http.Response.Body = buffer;
                    try
                    {
                        await next(http).ConfigureAwait(false);
                    }
                    finally
                    {
                        http.Response.Body = original;
                    }
                    if (fault.Kind == FaultKind.ResetAfter)
                    {
                        http.Abort();
                        break;
                    }
                    var bytes = buffer.ToArray();
                    if (fault.Kind == FaultKind.StallBody)
                    {
                        http.Response.ContentLength = bytes.Length;
                        await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), http.RequestAborted).ConfigureAwait(false);
                        await original.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                        using var stall = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, context.Stopping.Token);
                        try { await Task.Delay(Timeout.Infinite, stall.Token).ConfigureAwait(false); }
                        catch (OperationCanceledException) { }
                        http.Abort();
                        break;
                    }

                    var length = bytes.Length <= 1 ? 0 : bytes.Length / 2;
                    http.Response.ContentLength = length;
                    await original.WriteAsync(bytes.AsMemory(0, length), http.RequestAborted).ConfigureAwait(false);
                }
                break;
        }
    };

    internal static string JsonNamingPolicyName(FaultKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static void SetRetryAfter(HttpContext http, FaultRule fault, int? defaultSeconds)
    {
        var seconds = fault.RetryAfterSeconds ?? defaultSeconds;
        if (seconds is null) return;
        http.Response.Headers.RetryAfter = fault.RetryAfterDate
            ? DateTimeOffset.UtcNow.AddSeconds(seconds.Value).ToString("R", CultureInfo.InvariantCulture)
            : seconds.Value.ToString(CultureInfo.InvariantCulture);
    }
}
