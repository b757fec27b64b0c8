using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator;

/// <summary>Counters of what the emulator saw and did (thread safe; GET /_emulator/stats serves them).</summary>
public sealed class EmulatorStats
{
    private long _invitesReceived;
    private long _invitesAccepted;
    private long _duplicateInvites;
    private long _notificationsSent;
    private long _notificationsFailed;
    private long _tokensIssued;
    private readonly ConcurrentDictionary<string, long> _faultsInjected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _requestsPerRoute = new(StringComparer.Ordinal);

    /// <summary>Invite POSTs that reached the invite handler (before validation).</summary>
    public long InvitesReceived => Interlocked.Read(ref _invitesReceived);

    /// <summary>Invite POSTs that passed validation and started an operation.</summary>
    public long InvitesAccepted => Interlocked.Read(ref _invitesAccepted);

    /// <summary>Participants invited while already ringing or joined in the same call (chaos tests assert 0).</summary>
    public long DuplicateInvites => Interlocked.Read(ref _duplicateInvites);

    public long NotificationsSent => Interlocked.Read(ref _notificationsSent);
    public long NotificationsFailed => Interlocked.Read(ref _notificationsFailed);
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);

    /// <summary>Faults injected, by kind (throttle, unavailable, ..., and throttleRate for the token bucket).</summary>
    public IReadOnlyDictionary<string, long> FaultsInjected => new Dictionary<string, long>(_faultsInjected);

    /// <summary>Requests per route pattern ("POST /v1.0/communications/calls/{id}/participants/invite").</summary>
    public IReadOnlyDictionary<string, long> RequestsPerRoute => new Dictionary<string, long>(_requestsPerRoute);

    public long TotalFaultsInjected => _faultsInjected.Values.Sum();

    internal void InviteReceived() => Interlocked.Increment(ref _invitesReceived);
    internal void InviteAccepted() => Interlocked.Increment(ref _invitesAccepted);
    internal void DuplicateInvite() => Interlocked.Increment(ref _duplicateInvites);
    internal void NotificationSent() => Interlocked.Increment(ref _notificationsSent);
    internal void NotificationFailed() => Interlocked.Increment(ref _notificationsFailed);
    internal void TokenIssued() => Interlocked.Increment(ref _tokensIssued);
    internal void FaultInjected(string kind) => _faultsInjected.AddOrUpdate(kind, 1, (_, n) => n + 1);
    internal void Request(string route) => _requestsPerRoute.AddOrUpdate(route, 1, (_, n) => n + 1);

    internal JsonObject ToJson()
    {
        var faults = new JsonObject();
        foreach (var (kind, count) in _faultsInjected.OrderBy(p => p.Key, StringComparer.Ordinal)) faults[kind] = count;
        var routes = new JsonObject();
        foreach (var (route, count) in _requestsPerRoute.OrderBy(p => p.Key, StringComparer.Ordinal)) routes[route] = count;
        return new JsonObject
        {
            ["invitesReceived"] = InvitesReceived,
            ["invitesAccepted"] = InvitesAccepted,
            ["duplicateInvites"] = DuplicateInvites,
            ["notificationsSent"] = NotificationsSent,
            ["notificationsFailed"] = NotificationsFailed,
            ["tokensIssued"] = TokensIssued,
            ["faultsInjectedTotal"] = TotalFaultsInjected,
            ["faultsInjected"] = faults,
            ["requestsPerRoute"] = routes,
        };
    }
}
