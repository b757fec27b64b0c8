using System;
using System.Collections.Generic;
using System.Threading;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// The listener's counters and its latest refusals. Refusal messages are stored escaped and cut short
/// (<see cref="SafeText"/>): they may quote a token's claims, and a peer must not be able to write raw text here.
/// </summary>
internal sealed class ListenerCounters
{
    /// <summary>Longest refusal message kept.</summary>
    public const int MaxMessageLength = 200;

    private readonly object _gate = new();
    private readonly int _recentCapacity;
    private readonly Dictionary<ListenerRejectionReason, long> _rejected = new();
    private readonly Queue<NotificationRejection> _recent = new();
    private long _requestsAccepted;
    private long _notificationsReceived;
    private long _notificationsInvalid;

    public ListenerCounters(int recentCapacity)
    {
        _recentCapacity = recentCapacity;
    }

    public void Accepted(int notifications, int invalid)
    {
        Interlocked.Increment(ref _requestsAccepted);
        Interlocked.Add(ref _notificationsReceived, notifications);
        Interlocked.Add(ref _notificationsInvalid, invalid);
    }

    /// <summary>Records one refusal; returns the message as stored (escaped, shortened).</summary>
    public string Rejected(ListenerRejectionReason reason, int statusCode, string? message, string? remoteAddress)
    {
        var safe = SafeText.Escape(message ?? string.Empty, MaxMessageLength);
        lock (_gate)
        {
            _rejected[reason] = (_rejected.TryGetValue(reason, out var count) ? count : 0) + 1;
            _recent.Enqueue(new NotificationRejection(DateTimeOffset.UtcNow, reason, statusCode, safe, remoteAddress));
            while (_recent.Count > _recentCapacity)
            {
                _recent.Dequeue();
            }
        }

        return safe;
    }

    public NotificationListenerStatistics Snapshot(long dropped, int queued, long headTimeouts, long evicted)
    {
        lock (_gate)
        {
            return new NotificationListenerStatistics(
                Interlocked.Read(ref _requestsAccepted),
                Interlocked.Read(ref _notificationsReceived),
                dropped,
                queued,
                new Dictionary<ListenerRejectionReason, long>(_rejected),
                _recent.ToArray())
            {
                NotificationsInvalid = Interlocked.Read(ref _notificationsInvalid),
                ConnectionsTimedOut = headTimeouts,
                ConnectionsEvicted = evicted,
            };
        }
    }
}
