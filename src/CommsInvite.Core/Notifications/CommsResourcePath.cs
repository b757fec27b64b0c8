using System;
using System.Collections.Generic;

namespace CommsInvite.Core.Notifications;

/// <summary>What part of a call a notification's resource path names.</summary>
internal enum CommsResourceKind
{
    Unknown,
    Call,
    Participants,
    Participant,
    Operation,
}

/// <summary>
/// Reads a commsNotification resource: <c>/app/calls/{id}/...</c> (the deprecated beta alias),
/// <c>/communications/calls/{id}/...</c>, with or without a version prefix or a host.
/// </summary>
internal sealed class CommsResourcePath
{
    private CommsResourcePath(CommsResourceKind kind, string? callId, string? childId)
    {
        Kind = kind;
        CallId = callId;
        ChildId = childId;
    }

    public CommsResourceKind Kind { get; }

    public string? CallId { get; }

    /// <summary>The operation id or participant id after the call's collection segment.</summary>
    public string? ChildId { get; }

    public static CommsResourcePath Parse(string resource)
    {
        var path = resource.Trim();

        // resourceUrl may be absolute; only the path matters.
        var schemeEnd = path.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            var pathStart = path.IndexOf('/', schemeEnd + 3);
            path = pathStart < 0 ? string.Empty : path.Substring(pathStart);
        }

        var queryStart = path.IndexOfAny(new[] { '?', '#' });
        if (queryStart >= 0)
        {
            path = path.Substring(0, queryStart);
        }

        var segments = new List<string>();
        foreach (var segment in path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
        {
            segments.Add(Uri.UnescapeDataString(segment));
        }

        // Find "calls" preceded by "communications" or "app"; anything before (v1.0, beta) is ignored.
        for (var i = 1; i < segments.Count; i++)
        {
            if (!Is(segments[i], "calls") || !(Is(segments[i - 1], "communications") || Is(segments[i - 1], "app")))
            {
                continue;
            }

            if (i + 1 >= segments.Count)
            {
                return new CommsResourcePath(CommsResourceKind.Unknown, null, null);
            }

            var callId = segments[i + 1];
            var rest = segments.Count - (i + 2);
            if (rest == 0)
            {
                return new CommsResourcePath(CommsResourceKind.Call, callId, null);
            }

            var collection = segments[i + 2];
            var child = rest >= 2 ? segments[i + 3] : null;
            if (rest <= 2 && Is(collection, "participants"))
            {
                return new CommsResourcePath(
                    child is null ? CommsResourceKind.Participants : CommsResourceKind.Participant, callId, child);
            }

            if (rest <= 2 && Is(collection, "operations"))
            {
                return new CommsResourcePath(CommsResourceKind.Operation, callId, child);
            }

            return new CommsResourcePath(CommsResourceKind.Unknown, callId, null);
        }

        return new CommsResourcePath(CommsResourceKind.Unknown, null, null);
    }

    private static bool Is(string segment, string expected) =>
        string.Equals(segment, expected, StringComparison.OrdinalIgnoreCase);
}
