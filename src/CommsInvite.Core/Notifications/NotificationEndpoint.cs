using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// What the notification listener answers: POST on its one path with a valid bearer token, then the body parsed;
/// 202 as soon as a commsNotifications body is read (entries that cannot be understood are delivered as
/// <see cref="InvalidNotification"/>s, because Graph does not retry a 4xx and the good entries would be lost).
/// </summary>
/// <remarks>
/// Answers: 202 accepted, 401 bad token, 503 with Retry-After when no signing keys can be had (Graph retries),
/// 400 a body that is not commsNotifications JSON, 404 other paths, 405 other methods, 413 too large.
/// </remarks>
internal sealed class NotificationEndpoint : IHttpRequestHandler
{
    private static readonly KeyValuePair<string, string>[] RetryLater = { new("Retry-After", "5") };

    private readonly string _path;
    private readonly NotificationTokenValidator _validator;
    private readonly NotificationInbox _inbox;
    private readonly OperationCompletionRegistry _operations;
    private readonly ListenerCounters _counters;
    private readonly ILogSink _log;

    public NotificationEndpoint(
        string path, NotificationTokenValidator validator, NotificationInbox inbox, OperationCompletionRegistry operations, ListenerCounters counters, ILogSink log)
    {
        _path = path;
        _validator = validator;
        _inbox = inbox;
        _operations = operations;
        _counters = counters;
        _log = log;
    }

    public async Task<HttpAnswer> HandleAsync(HttpRequestHead head, byte[] body, string? remoteAddress, CancellationToken cancellationToken)
    {
        if (!string.Equals(NormalizePath(head.Path), _path, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(ListenerRejectionReason.NotFound, 404, $"Notifications are accepted on {_path} only.", remoteAddress);
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            return Refuse(ListenerRejectionReason.MethodNotAllowed, 405, "Notifications are POSTed.", remoteAddress,
                new[] { new KeyValuePair<string, string>("Allow", "POST") });
        }

        NotificationTokenValidationResult token;
        try
        {
            token = await _validator.ValidateAuthorizationHeaderAsync(head.Header("Authorization"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong on our side, the sender gets an answer it retries on.
            return Refuse(ListenerRejectionReason.KeysUnavailable, 503, $"The token could not be checked ({ex.GetType().Name}).", remoteAddress, RetryLater);
        }

        if (!token.IsValid)
        {
            var reason = ToListenerReason(token.Reason);
            if (reason == ListenerRejectionReason.KeysUnavailable)
            {
                return Refuse(reason, 503, token.Message, remoteAddress, RetryLater);
            }

            var challenge = token.Reason == TokenRejectionReason.Missing ? "Bearer" : "Bearer error=\"invalid_token\"";
            return Refuse(reason, 401, token.Message, remoteAddress, new[] { new KeyValuePair<string, string>("WWW-Authenticate", challenge) });
        }

        var parsed = CommsNotificationParser.Parse(body);
        if (!parsed.Success)
        {
            return Refuse(ListenerRejectionReason.MalformedBody, 400, parsed.Error, remoteAddress);
        }

        Accept(parsed, remoteAddress);
        return new HttpAnswer(202);
    }

    public HttpAnswer RefuseMalformed(int statusCode, string message, string? remoteAddress)
    {
        var reason = statusCode == 413 ? ListenerRejectionReason.BodyTooLarge : ListenerRejectionReason.BadHttpRequest;
        var answer = Refuse(reason, statusCode, message, remoteAddress);
        return new HttpAnswer(answer.StatusCode, answer.Headers, answer.Body, close: true);
    }

    internal static string NormalizePath(string path)
    {
        var trimmed = path.Trim();
        return trimmed.Length > 1 ? trimmed.TrimEnd('/') : trimmed;
    }

    private void Accept(NotificationParseResult parsed, string? remoteAddress)
    {
        var now = DateTimeOffset.UtcNow;
        var notifications = parsed.Notifications;
        foreach (var notification in notifications)
        {
            notification.ReceivedAt = now;
        }

        // Operations first: a waiter completes from the registry, a reader from the inbox; neither misses one.
        _operations.Observe(notifications);
        _inbox.Add(notifications);
        _counters.Accepted(notifications.Count, parsed.InvalidCount);
        if (parsed.InvalidCount > 0)
        {
            var reasons = new StringBuilder();
            foreach (var notification in notifications)
            {
                if (notification is InvalidNotification invalid)
                {
                    reasons.Append(reasons.Length == 0 ? string.Empty : "; ").Append(SafeText.Escape(invalid.Reason, ListenerCounters.MaxMessageLength));
                }
            }

            _log.Verbose($"Notification POST from {remoteAddress} accepted with {parsed.InvalidCount} of {notifications.Count} entries not understood: {reasons}");
        }

        // Kinds and counts only: resource paths are the sender's text.
        _log.Debug($"Notification POST from {remoteAddress} accepted: {notifications.Count} notification(s) ({Kinds(notifications)}).");
    }

    private HttpAnswer Refuse(
        ListenerRejectionReason reason, int statusCode, string? message, string? remoteAddress, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        var stored = _counters.Rejected(reason, statusCode, message, remoteAddress);
        var line = $"Notification from {remoteAddress ?? "(unknown)"} refused with {statusCode} ({reason}): {stored}";
        if (reason == ListenerRejectionReason.KeysUnavailable)
        {
            _log.Warning(line);
        }
        else
        {
            _log.Verbose(line);
        }

        // The answer names the reason only; details (issuer, audience) stay in the local statistics.
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, string> { ["code"] = reason.ToString(), ["message"] = PublicMessage(statusCode) },
        });
        return new HttpAnswer(statusCode, headers, body);
    }

    private static string Kinds(IReadOnlyList<CommsNotification> notifications)
    {
        var counts = new SortedDictionary<NotificationKind, int>();
        foreach (var notification in notifications)
        {
            counts[notification.Kind] = (counts.TryGetValue(notification.Kind, out var count) ? count : 0) + 1;
        }

        var text = new StringBuilder();
        foreach (var pair in counts)
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(pair.Value).Append(' ').Append(pair.Key);
        }

        return text.ToString();
    }

    private static string PublicMessage(int statusCode) => statusCode switch
    {
        401 => "The notification's bearer token was rejected.",
        503 => "The token signing keys are unavailable; retry later.",
        404 => "Not found.",
        405 => "Method not allowed.",
        413 => "The body is too large.",
        _ => "The request was rejected.",
    };

    private static ListenerRejectionReason ToListenerReason(TokenRejectionReason reason) => reason switch
    {
        TokenRejectionReason.Missing => ListenerRejectionReason.Missing,
        TokenRejectionReason.Malformed => ListenerRejectionReason.Malformed,
        TokenRejectionReason.Unsigned => ListenerRejectionReason.Unsigned,
        TokenRejectionReason.BadSignature => ListenerRejectionReason.BadSignature,
        TokenRejectionReason.WrongIssuer => ListenerRejectionReason.WrongIssuer,
        TokenRejectionReason.WrongAudience => ListenerRejectionReason.WrongAudience,
        TokenRejectionReason.Expired => ListenerRejectionReason.Expired,
        TokenRejectionReason.NotYetValid => ListenerRejectionReason.NotYetValid,
        TokenRejectionReason.KeysUnavailable => ListenerRejectionReason.KeysUnavailable,
        _ => ListenerRejectionReason.Malformed,
    };
}
