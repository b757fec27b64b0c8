using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Calls;

/// <summary>What a call needs to join a Teams meeting: the meeting's chat (when known) and its meetingInfo.</summary>
internal sealed class MeetingJoinTarget
{
    /// <summary>From a join link: the meeting's thread (chatInfo.threadId, messageId, replyChainMessageId). Null for a meeting id.</summary>
    public ChatInfo? ChatInfo { get; init; }

    public MeetingInfo MeetingInfo { get; init; } = new();

    /// <summary>The organizer's tenant (the link's Tid), when the link names one.</summary>
    public string? TenantId { get; init; }

    public override string ToString() => ChatInfo?.ThreadId ?? MeetingInfo.ToString();
}

/// <summary>
/// Reads Teams meeting join links and meeting ids into a <see cref="MeetingJoinTarget"/>, with InvalidJoinWebUrl /
/// InvalidJoinMeetingId / InvalidMeetingPasscode before anything is sent. Hand-written: no maintained library
/// parses Teams links, and the shapes are few (docs/meetings.md lists them).
/// </summary>
internal static class MeetingJoinLinks
{
    public const int MaxJoinWebUrlLength = 4096;
    public const int MaxPasscodeLength = 64;

    /// <summary>Hosts of Teams for work or school in each cloud (Graph bots can join only these meetings).</summary>
    private static readonly string[] TeamsHosts =
    {
        "teams.microsoft.com", "teams.cloud.microsoft", "teams.microsoft.us", "gov.teams.microsoft.us",
        "dod.teams.microsoft.us", "teams.microsoftonline.cn",
    };

    private static readonly string[] ThreadSuffixes = { "@thread.v2", "@thread.tacv2", "@thread.skype" };

    /// <summary>Parses a join link: .../l/meetup-join/{thread}/{messageId}?context={"Tid","Oid"}, its launcher and Safe Links wrappings, or .../meet/{id}?p={passcode}.</summary>
    public static MeetingJoinTarget ParseJoinWebUrl(string? value, string parameterName = "JoinWebUrl")
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw Invalid(value, parameterName, "The join link is empty.");
        }

        if (text!.Length > MaxJoinWebUrlLength)
        {
            throw Invalid(text.Length, parameterName, $"The join link is {text.Length} characters long; Teams links are far shorter (at most {MaxJoinWebUrlLength} are read).");
        }

        return Parse(text, value, parameterName, depth: 0);
    }

    /// <summary>The numeric meeting id Teams shows ("Meeting ID: 123 456 789 012"); spaces are dropped.</summary>
    public static string RequireJoinMeetingId(string? value, string parameterName = "JoinMeetingId")
    {
        var digits = new string((value ?? string.Empty).Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (digits.Length < 6 || digits.Length > 20 || !digits.All(c => c is >= '0' and <= '9'))
        {
            throw new CommsValidationException(ErrorIds.Meetings.InvalidJoinMeetingId, parameterName,
                $"'{value}' is not a Teams meeting id: expected the 6 to 20 digits Teams shows as 'Meeting ID' (spaces allowed).", value);
        }

        return digits;
    }

    /// <summary>A meeting passcode: null stays null (a meeting without one); otherwise 1 to 64 characters, no spaces.</summary>
    public static string? OptionalPasscode(string? value, string parameterName = "Passcode")
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Length > MaxPasscodeLength || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            // The passcode itself is a secret of sorts: the error names its length, never its text.
            throw new CommsValidationException(ErrorIds.Meetings.InvalidMeetingPasscode, parameterName,
                $"The passcode ({value.Length} characters) is not a Teams meeting passcode: expected 1 to {MaxPasscodeLength} characters without spaces.", value.Length);
        }

        return trimmed;
    }

    public static MeetingJoinTarget FromJoinMeetingId(string? joinMeetingId, string? passcode) => new()
    {
        MeetingInfo = new MeetingInfo
        {
            ODataType = MeetingInfo.JoinMeetingIdType,
            JoinMeetingId = RequireJoinMeetingId(joinMeetingId),
            Passcode = OptionalPasscode(passcode),
        },
    };

    private static MeetingJoinTarget Parse(string text, string? original, string parameterName, int depth)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid(original, parameterName, "The join link is not an absolute https:// address.");
        }

        var host = uri.Host.ToLowerInvariant();
        var query = ParseQuery(uri.Query);

        // Outlook's Safe Links wrap the real link in ?url=.
        if (host.EndsWith(".safelinks.protection.outlook.com", StringComparison.Ordinal) && depth < 2)
        {
            return query.TryGetValue("url", out var wrapped) && !string.IsNullOrEmpty(wrapped)
                ? Parse(wrapped, original, parameterName, depth + 1)
                : throw Invalid(original, parameterName, "The Safe Links address carries no url= to unwrap.");
        }

        if (host == "teams.live.com")
        {
            throw Invalid(original, parameterName, "The link is a Teams (free) meeting on teams.live.com; Graph calling bots can join only Teams meetings of a work or school tenant.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps || !TeamsHosts.Contains(host))
        {
            throw Invalid(original, parameterName, $"'{uri.Host}' is not a Teams meeting host: expected https:// and one of {string.Join(", ", TeamsHosts)}.");
        }

        var segments = uri.AbsolutePath.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();

        // The launcher page: /dl/launcher/launcher.html?url=/_#/l/meetup-join/...
        if (segments.Count >= 1 && segments[segments.Count - 1].Equals("launcher.html", StringComparison.OrdinalIgnoreCase) && depth < 2)
        {
            if (!query.TryGetValue("url", out var inner) || string.IsNullOrEmpty(inner))
            {
                throw Invalid(original, parameterName, "The Teams launcher link carries no url= naming the meeting.");
            }

            return Parse("https://" + uri.Authority + "/" + inner.TrimStart('/'), original, parameterName, depth + 1);
        }

        // The web client's form: /_#/l/meetup-join/... (the meeting is in the fragment).
        if (uri.Fragment.StartsWith("#/", StringComparison.Ordinal) && depth < 2)
        {
            return Parse("https://" + uri.Authority + uri.Fragment.Substring(1), original, parameterName, depth + 1);
        }

        if (segments.Count >= 2 && segments[0].Equals("meet", StringComparison.OrdinalIgnoreCase))
        {
            // The short form: /meet/{joinMeetingId}?p={passcode}.
            query.TryGetValue("p", out var passcode);
            try
            {
                return new MeetingJoinTarget
                {
                    MeetingInfo = new MeetingInfo
                    {
                        ODataType = MeetingInfo.JoinMeetingIdType,
                        JoinMeetingId = RequireJoinMeetingId(segments[1], parameterName),
                        Passcode = string.IsNullOrEmpty(passcode) ? null : OptionalPasscode(passcode, parameterName),
                    },
                };
            }
            catch (CommsValidationException ex)
            {
                throw Invalid(original, parameterName, "The short meeting link's id or passcode is malformed: " + ex.Message);
            }
        }

        var join = segments.FindIndex(s => s.Equals("meetup-join", StringComparison.OrdinalIgnoreCase));
        if (join < 0 || join + 1 >= segments.Count)
        {
            throw Invalid(original, parameterName, "The link is not a Teams meeting join link: expected .../l/meetup-join/19:meeting_...@thread.v2/0?context=... or .../meet/<id>?p=<passcode>.");
        }

        var threadId = segments[join + 1].Trim();
        if (!IsThreadId(threadId))
        {
            throw Invalid(original, parameterName, $"'{threadId}' is not a Teams chat thread id (expected 19:...@thread.v2).");
        }

        var messageId = join + 2 < segments.Count ? segments[join + 2].Trim() : "0";
        if (messageId.Length == 0)
        {
            messageId = "0";
        }

        if (messageId.Length > 20 || !messageId.All(c => c is >= '0' and <= '9'))
        {
            throw Invalid(original, parameterName, $"'{messageId}' is not a message id (digits, 0 for a meeting's own chat).");
        }

        var context = ReadContext(query, original, parameterName);
        var chat = new ChatInfo { ODataType = "#microsoft.graph.chatInfo", ThreadId = threadId, MessageId = messageId };
        if (context.MessageId is { Length: > 0 } replyChain && replyChain != "0")
        {
            // A channel meeting: the context names the message its reply chain hangs off.
            chat.ReplyChainMessageId = replyChain;
        }

        return new MeetingJoinTarget
        {
            ChatInfo = chat,
            TenantId = context.TenantId,
            MeetingInfo = new MeetingInfo
            {
                ODataType = MeetingInfo.OrganizerType,
                Organizer = new IdentitySet
                {
                    ODataType = "#microsoft.graph.identitySet",
                    User = new GraphIdentity { ODataType = "#microsoft.graph.identity", Id = context.OrganizerId, TenantId = context.TenantId },
                },
            },
        };
    }

    private static (string TenantId, string OrganizerId, string? MessageId) ReadContext(Dictionary<string, string> query, string? original, string parameterName)
    {
        if (!query.TryGetValue("context", out var json) || string.IsNullOrWhiteSpace(json))
        {
            throw Invalid(original, parameterName, "The link has no context= (the organizer's Oid and tenant Tid); copy the whole link from the meeting invitation.");
        }

        // Some mail clients encode the link twice.
        for (var i = 0; i < 2 && json.TrimStart().StartsWith("%7", StringComparison.OrdinalIgnoreCase); i++)
        {
            json = Unescape(json);
        }

        string? tid = null, oid = null, messageId = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(original, parameterName, "The link's context is not a JSON object.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => null,
                };
                switch (property.Name.ToLowerInvariant())
                {
                    case "tid": tid = text; break;
                    case "oid": oid = text; break;
                    case "messageid": messageId = text; break;
                }
            }
        }
        catch (JsonException)
        {
            throw Invalid(original, parameterName, "The link's context is not valid JSON; copy the whole link from the meeting invitation.");
        }

        if (!InputRules.IsGuid(tid))
        {
            throw Invalid(original, parameterName, "The link's context has no tenant id (Tid) that is a GUID.");
        }

        if (!InputRules.IsGuid(oid))
        {
            throw Invalid(original, parameterName, "The link's context has no organizer object id (Oid) that is a GUID; a bot can join by link only with the organizer. Use -JoinMeetingId and -Passcode instead.");
        }

        return (tid!.Trim(), oid!.Trim(), messageId);
    }

    private static bool IsThreadId(string value) =>
        value.StartsWith("19:", StringComparison.Ordinal) && value.Length <= 256
        && ThreadSuffixes.Any(s => value.EndsWith(s, StringComparison.OrdinalIgnoreCase) && value.Length > 3 + s.Length)
        && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#' or '"' or '\\');

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = Unescape(equals < 0 ? pair : pair.Substring(0, equals));
            var value = equals < 0 ? string.Empty : Unescape(pair.Substring(equals + 1).Replace('+', ' '));
            if (!result.ContainsKey(name))
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static CommsValidationException Invalid(object? given, string parameterName, string message) =>
        new(ErrorIds.Meetings.InvalidJoinWebUrl, parameterName, message, given);
}
