using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace CommsInvite.Emulator;

/// <summary>What a fault rule does to a matching request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
public enum FaultKind
{
    /// <summary>429 TooManyRequests with Retry-After (seconds, or an HTTP date); not processed.</summary>
    [JsonStringEnumMemberName("throttle")]
    Throttle,
    /// <summary>503 ServiceUnavailable (Retry-After when retryAfterSeconds is given); not processed.</summary>
    [JsonStringEnumMemberName("unavailable")]
    Unavailable,
    /// <summary>504 GatewayTimeout; not processed.</summary>
    [JsonStringEnumMemberName("gatewayTimeout")]
    GatewayTimeout,
    /// <summary>Adds latencyMs before the request is processed normally.</summary>
    [JsonStringEnumMemberName("latency")]
    Latency,
    /// <summary>Aborts the connection before the request is processed.</summary>
    [JsonStringEnumMemberName("resetBefore")]
    ResetBefore,
    /// <summary>Processes the request (state changes apply), then aborts the connection without a response.</summary>
    [JsonStringEnumMemberName("resetAfter")]
    ResetAfter,
    /// <summary>Processes the request, then sends its status and headers with the body cut in half.</summary>
    [JsonStringEnumMemberName("truncate")]
    Truncate,
    /// <summary>Answers with an HTML page (status 502 unless given); not processed.</summary>
    [JsonStringEnumMemberName("nonJson")]
    NonJson,
    /// <summary>401 InvalidAuthenticationToken as if the access token had expired; not processed.</summary>
    [JsonStringEnumMemberName("expiredToken")]
    ExpiredToken,
    /// <summary>
    /// Processes the request, then sends its status, headers (with the full Content-Length) and half the body, and
    /// holds the connection open without the rest until the client gives up: a response that stalls mid-body.
    /// </summary>
    [JsonStringEnumMemberName("stallBody")]
    StallBody,
}

/// <summary>A fault rule (the body of POST /_emulator/faults).</summary>
public sealed record FaultRule
{
    /// <summary>Regex on the request path; null matches every Graph route (/v1.0, /beta) but not identity or admin routes.</summary>
    public string? Route { get; init; }

    /// <summary>HTTP method to match; null matches any.</summary>
    public string? Method { get; init; }

    public FaultKind Kind { get; init; }

    public int? RetryAfterSeconds { get; init; }

    /// <summary>Send Retry-After as an HTTP date instead of seconds.</summary>
    public bool RetryAfterDate { get; init; }

    public int LatencyMs { get; init; }

    /// <summary>Chance (0..1) that a matching request gets the fault.</summary>
    public double Probability { get; init; } = 1;

    /// <summary>How many times the fault fires at most; null = unlimited.</summary>
    public int? Count { get; init; }

    /// <summary>Status code for nonJson (default 502).</summary>
    public int? Status { get; init; }
}

/// <summary>An active rule as listed by GET /_emulator/faults.</summary>
public sealed record FaultRuleStatus(string Id, FaultRule Rule, long Fired, int? Remaining);

/// <summary>Fault rules applied by the fault middleware to every request but /_emulator ones. Thread safe.</summary>
public sealed class FaultInjector
{
    private sealed class ActiveRule
    {
        public required string Id { get; init; }
        public required FaultRule Rule { get; init; }
        public Regex? Route { get; init; }
        public int Remaining = int.MaxValue;
        public long Fired;
    }

    private readonly object _sync = new();
    private List<ActiveRule> _rules = new();

    /// <summary>Adds a rule; returns its id. Throws ArgumentException for an invalid rule.</summary>
    public string Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Probability is < 0 or > 1 || double.IsNaN(rule.Probability)) throw new ArgumentException("probability must be between 0 and 1.");
        if (rule.Count is < 0) throw new ArgumentException("count must not be negative.");
        if (rule.LatencyMs < 0) throw new ArgumentException("latencyMs must not be negative.");
        if (rule.RetryAfterSeconds is < 0) throw new ArgumentException("retryAfterSeconds must not be negative.");
        if (rule.Status is < 100 or > 599) throw new ArgumentException("status must be an HTTP status code.");
        if (!Enum.IsDefined(rule.Kind)) throw new ArgumentException("kind is not a known fault kind.");
        Regex? route = null;
        if (!string.IsNullOrEmpty(rule.Route))
        {
            try { route = new Regex(rule.Route, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
            catch (ArgumentException e) { throw new ArgumentException($"route is not a valid regular expression: {e.Message}"); }
        }
        var active = new ActiveRule { Id = Guid.NewGuid().ToString(), Rule = rule, Route = route, Remaining = rule.Count ?? int.MaxValue };
        lock (_sync) _rules = new List<ActiveRule>(_rules) { active };
        return active.Id;
    }

    public bool Remove(string id)
    {
        lock (_sync)
        {
            var next = _rules.Where(r => r.Id != id).ToList();
            var removed = next.Count != _rules.Count;
            _rules = next;
            return removed;
        }
    }

    public void Clear()
    {
        lock (_sync) _rules = new List<ActiveRule>();
    }

    public IReadOnlyList<FaultRuleStatus> Rules => Volatile.Read(ref _rules)
        .Select(r => new FaultRuleStatus(r.Id, r.Rule, Interlocked.Read(ref r.Fired), r.Rule.Count is null ? null : Math.Max(0, Volatile.Read(ref r.Remaining))))
        .ToArray();

    /// <summary>The faults to apply to a request: the latencies of every firing latency rule and the first other firing rule.</summary>
    internal (int LatencyMs, FaultRule? Fault) Match(string method, string path)
    {
        if (path.StartsWith("/_emulator", StringComparison.OrdinalIgnoreCase)) return (0, null);
        var isGraph = path.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/beta/", StringComparison.OrdinalIgnoreCase);
        var latency = 0;
        foreach (var rule in Volatile.Read(ref _rules))
        {
            if (rule.Route is null ? !isGraph : !SafeIsMatch(rule.Route, path)) continue;
            if (rule.Rule.Method is not null && !string.Equals(rule.Rule.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
            if (rule.Rule.Probability < 1 && Random.Shared.NextDouble() >= rule.Rule.Probability) continue;
            if (rule.Rule.Kind == FaultKind.Latency)
            {
                if (!TryConsume(rule)) continue;
                latency += rule.Rule.LatencyMs;
                continue;
            }
            if (!TryConsume(rule)) continue;
            return (latency, rule.Rule);
        }
        return (latency, null);
    }

    private static bool TryConsume(ActiveRule rule)
    {
        if (rule.Rule.Count is not null && Interlocked.Decrement(ref rule.Remaining) < 0) return false;
        Interlocked.Increment(ref rule.Fired);
        return true;
    }

    private static bool SafeIsMatch(Regex regex, string path)
    {
        try { return regex.IsMatch(path); }
        catch (RegexMatchTimeoutException) { return false; }
    }
}
