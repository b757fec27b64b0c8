using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CommsInvite.Core.Notifications;

/// <summary>Settings for <see cref="NotificationListener"/>.</summary>
internal sealed class NotificationListenerOptions
{
    public const string DefaultPath = "/api/calls";

    /// <summary>The address to listen on; loopback by default (the listener sits behind the bot's public endpoint or a reverse proxy).</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 picks a free one (read it back from <see cref="NotificationListener.Port"/>).</summary>
    public int Port { get; set; }

    /// <summary>The path notifications are POSTed to (the path of the call's callbackUri).</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>When set, the listener speaks HTTPS with this certificate (it must have its private key).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Fetch the token issuer's keys at start, so an unreachable OpenID configuration fails the start, not the first notification.</summary>
    public bool FetchKeysOnStart { get; set; } = true;

    /// <summary>Notifications kept for <see cref="NotificationListener.Drain"/>; beyond it the oldest are dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Final operations remembered for <c>NotificationListener.WaitForOperationAsync</c>; beyond it the oldest are forgotten.</summary>
    public int OperationHistoryCapacity { get; set; } = 1000;

    /// <summary>Largest accepted body. Graph's notifications are a few kilobytes; a large roster stays well under this.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    public int MaxHeaderBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Connections open at once. At the limit a new connection closes the longest-idle one (one that has not sent a
    /// complete request head), so idle peers never keep notifications out; when every connection is serving a
    /// request, the new one is answered 503.
    /// </summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Time a connection has to send a complete request head (and finish the TLS handshake): from being accepted,
    /// or from the first byte of a later request on a kept-alive connection. Longer, and it is closed.
    /// </summary>
    public TimeSpan HeadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for a request's body to arrive and for its answer to be written.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an idle kept-alive connection stays open.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Rejections remembered in <see cref="NotificationListenerStatistics.RecentRejections"/>.</summary>
    public int RecentRejectionCapacity { get; set; } = 50;

    internal void Validate()
    {
        if (Address is null)
        {
            throw new ArgumentException("An address to listen on is required.", nameof(Address));
        }

        if (Port < 0 || Port > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be between 0 and 65535.");
        }

        if (string.IsNullOrWhiteSpace(Path) || Path[0] != '/')
        {
            throw new ArgumentException("The path must start with '/'.", nameof(Path));
        }

        if (Certificate is not null && !Certificate.HasPrivateKey)
        {
            throw new ArgumentException("The listener's certificate has no private key.", nameof(Certificate));
        }

        Positive(QueueCapacity, nameof(QueueCapacity));
        Positive(OperationHistoryCapacity, nameof(OperationHistoryCapacity));
        Positive(MaxBodyBytes, nameof(MaxBodyBytes));
        Positive(MaxHeaderBytes, nameof(MaxHeaderBytes));
        Positive(MaxConnections, nameof(MaxConnections));
        Positive(RecentRejectionCapacity, nameof(RecentRejectionCapacity));
        if (RequestTimeout <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero || HeadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "Timeouts must be positive.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}

/// <summary>Why the listener refused a request.</summary>
public enum ListenerRejectionReason
{
    // Token problems (answered 401, KeysUnavailable 503); same names as TokenRejectionReason.
    Missing,
    Malformed,
    Unsigned,
    BadSignature,
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    KeysUnavailable,

    /// <summary>A valid token, but the body is not a commsNotifications body at all (400); bad entries in a good body are counted in <see cref="NotificationListenerStatistics.NotificationsInvalid"/>.</summary>
    MalformedBody,
    /// <summary>The body exceeds <see cref="NotificationListenerOptions.MaxBodyBytes"/> (413).</summary>
    BodyTooLarge,
    /// <summary>Not the notification path (404).</summary>
    NotFound,
    /// <summary>The notification path, but not POST (405).</summary>
    MethodNotAllowed,
    /// <summary>Not valid HTTP/1.1 (400/431/501), e.g. Content-Length with Transfer-Encoding, or a bad field line.</summary>
    BadHttpRequest,
}

/// <summary>One refused request, kept for diagnostics. Holds no token or body content.</summary>
public sealed class NotificationRejection
{
    internal NotificationRejection(DateTimeOffset time, ListenerRejectionReason reason, int statusCode, string? message, string? remoteAddress)
    {
        Time = time;
        Reason = reason;
        StatusCode = statusCode;
        Message = message;
        RemoteAddress = remoteAddress;
    }

    public DateTimeOffset Time { get; }

    public ListenerRejectionReason Reason { get; }

    public int StatusCode { get; }

    public string? Message { get; }

    public string? RemoteAddress { get; }

    public override string ToString() => $"{Time:u} {StatusCode} {Reason}: {Message}";
}

/// <summary>A snapshot of a listener's counters.</summary>
public sealed class NotificationListenerStatistics
{
    internal NotificationListenerStatistics(
        long requestsAccepted,
        long notificationsReceived,
        long notificationsDropped,
        int queued,
        IReadOnlyDictionary<ListenerRejectionReason, long> rejectedByReason,
        IReadOnlyList<NotificationRejection> recentRejections)
    {
        RequestsAccepted = requestsAccepted;
        NotificationsReceived = notificationsReceived;
        NotificationsDropped = notificationsDropped;
        Queued = queued;
        RejectedByReason = rejectedByReason;
        RecentRejections = recentRejections;
        long total = 0;
        foreach (var count in rejectedByReason.Values)
        {
            total += count;
        }

        RequestsRejected = total;
    }

    /// <summary>POSTs answered 202.</summary>
    public long RequestsAccepted { get; }

    /// <summary>Notifications in accepted POSTs (one POST may carry several).</summary>
    public long NotificationsReceived { get; }

    /// <summary>Entries of accepted POSTs that could not be understood (delivered as <see cref="InvalidNotification"/>s; included in <see cref="NotificationsReceived"/>).</summary>
    public long NotificationsInvalid { get; internal set; }

    /// <summary>Connections closed because they sent no complete request head within <see cref="NotificationListenerOptions.HeadTimeout"/>.</summary>
    public long ConnectionsTimedOut { get; internal set; }

    /// <summary>Idle connections closed to make room for new ones (see <see cref="NotificationListenerOptions.MaxConnections"/>).</summary>
    public long ConnectionsEvicted { get; internal set; }

    /// <summary>Notifications pushed out of the full queue before anyone drained them.</summary>
    public long NotificationsDropped { get; }

    /// <summary>Notifications waiting in the queue now.</summary>
    public int Queued { get; }

    public long RequestsRejected { get; }

    /// <summary>Refused requests per reason (reasons never seen are absent).</summary>
    public IReadOnlyDictionary<ListenerRejectionReason, long> RejectedByReason { get; }

    /// <summary>The latest refusals, oldest first.</summary>
    public IReadOnlyList<NotificationRejection> RecentRejections { get; }

    public long Rejected(ListenerRejectionReason reason) => RejectedByReason.TryGetValue(reason, out var count) ? count : 0;

    public override string ToString() =>
        $"{RequestsAccepted} accepted ({NotificationsReceived} notifications, {NotificationsDropped} dropped), {RequestsRejected} rejected";
}
