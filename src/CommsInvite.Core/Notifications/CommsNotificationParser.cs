using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>The outcome of parsing a commsNotifications body: notifications, or why the body is malformed.</summary>
public sealed class NotificationParseResult
{
    /// <summary>The stable error id a malformed body reports.</summary>
    public const string InvalidBodyErrorId = NotificationErrorIds.InvalidNotificationBody;

    private NotificationParseResult(IReadOnlyList<CommsNotification> notifications, string? error)
    {
        Notifications = notifications;
        Error = error;
    }

    public bool Success => Error is null;

    /// <summary>Every notification of the body in order; empty when <see cref="Success"/> is false.</summary>
    public IReadOnlyList<CommsNotification> Notifications { get; }

    /// <summary>Why the body is malformed (never echoes the body), or null.</summary>
    public string? Error { get; }

    /// <summary><see cref="InvalidBodyErrorId"/> when malformed, else null.</summary>
    public string? ErrorId => Error is null ? null : InvalidBodyErrorId;

    /// <summary>The notifications, or a <see cref="CommsInviteException"/> (InvalidNotificationBody, InvalidData) for a malformed body.</summary>
    public IReadOnlyList<CommsNotification> GetNotificationsOrThrow(object? targetObject = null) =>
        Error is null
            ? Notifications
            : throw new CommsInviteException(InvalidBodyErrorId, FailureCategory.InvalidData, Error, targetObject);

    internal static NotificationParseResult Ok(IReadOnlyList<CommsNotification> notifications) => new(notifications, null);

    internal static NotificationParseResult Fail(string error) => new(Array.Empty<CommsNotification>(), error);
}

/// <summary>
/// Parses commsNotifications bodies (what Graph POSTs to a call's callbackUri) into typed notifications.
/// Unknown resource kinds become <see cref="GenericNotification"/>; only a malformed body is an error.
/// </summary>
/// <remarks>
/// Accepted roots: the documented <c>{"value":[...]}</c>, a single notification object (has <c>resource</c>),
/// or a bare array of notifications (what a caller gets after saving <c>value</c> to a file).
/// </remarks>
public static class CommsNotificationParser
{
    /// <summary>Parses a body, throwing <see cref="CommsInviteException"/> (InvalidNotificationBody) when it is malformed.</summary>
    public static IReadOnlyList<CommsNotification> ParseOrThrow(string? body) => Parse(body).GetNotificationsOrThrow();

    public static NotificationParseResult Parse(string? body)
    {
        if (body is null || body.Trim().Length == 0)
        {
            return NotificationParseResult.Fail("The notification body is empty.");
        }

        return ParseDocument(() => JsonDocument.Parse(body));
    }

    /// <summary>Parses the document and reads it; text that is not JSON is a failed result, not an exception.</summary>
    private static NotificationParseResult ParseDocument(Func<JsonDocument> parse)
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (JsonException ex)
        {
            return NotInJson(ex);
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    public static NotificationParseResult Parse(byte[] utf8Body)
    {
        if (utf8Body is null)
        {
            throw new ArgumentNullException(nameof(utf8Body));
        }

        if (utf8Body.Length == 0)
        {
            return NotificationParseResult.Fail("The notification body is empty.");
        }

        return ParseDocument(() => JsonDocument.Parse(utf8Body));
    }

    public static async Task<NotificationParseResult> ParseAsync(Stream body, CancellationToken cancellationToken = default)
    {
        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return NotInJson(ex);
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    private static NotificationParseResult NotInJson(JsonException ex) =>
        // JsonException's message names position, not content, so it is safe to pass on.
        NotificationParseResult.Fail($"The notification body is not valid JSON: {ex.Message}");

    private static NotificationParseResult Parse(JsonElement root)
    {
        var entries = new List<JsonElement>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Object when root.TryGetProperty("value", out var value):
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return NotificationParseResult.Fail("The notification body's 'value' is not an array.");
                }

                foreach (var entry in value.EnumerateArray())
                {
                    entries.Add(entry);
                }

                break;
            case JsonValueKind.Object when root.TryGetProperty("resource", out _):
                entries.Add(root);
                break;
            case JsonValueKind.Array:
                foreach (var entry in root.EnumerateArray())
                {
                    entries.Add(entry);
                }

                break;
            default:
                return NotificationParseResult.Fail(
                    "The notification body is not a commsNotifications object: expected {\"value\":[...]} with commsNotification entries.");
        }

        var notifications = new List<CommsNotification>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var error = TryParseEntry(entries[i], out var notification);
            if (error is not null)
            {
                return NotificationParseResult.Fail($"Notification value[{i}]: {error}");
            }

            notifications.Add(notification!);
        }

        return NotificationParseResult.Ok(notifications);
    }

    private static string? TryParseEntry(JsonElement entry, out CommsNotification? notification)
    {
        notification = null;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return "is not an object.";
        }

        var resource = GetString(entry, "resource");
        if (string.IsNullOrWhiteSpace(resource))
        {
            return "has no 'resource'.";
        }

        var changeTypeText = GetString(entry, "changeType");
        var hasData = entry.TryGetProperty("resourceData", out var data) && data.ValueKind != JsonValueKind.Null;
        var path = CommsResourcePath.Parse(resource!);
        var fields = new NotificationFields
        {
            ODataType = GetString(entry, "@odata.type"),
            ChangeTypeText = changeTypeText,
            ChangeType = ParseChangeType(changeTypeText),
            Resource = resource!,
            ResourceUrl = GetString(entry, "resourceUrl"),
            CallId = path.CallId,
            Json = entry.GetRawText(),
            ResourceDataJson = hasData ? data.GetRawText() : null,
        };

        try
        {
            notification = path.Kind switch
            {
                // The seeds' multi-invite example sends its roster on ".../operations/participants": the
                // shape of resourceData, not the path, says it is a roster.
                CommsResourceKind.Operation when hasData && data.ValueKind == JsonValueKind.Array =>
                    Roster(fields, data, participantId: null),
                CommsResourceKind.Operation => Operation(fields, hasData ? data : (JsonElement?)null, path.ChildId),
                CommsResourceKind.Participants or CommsResourceKind.Participant =>
                    Roster(fields, hasData ? data : (JsonElement?)null, path.ChildId),
                CommsResourceKind.Call when !hasData || data.ValueKind == JsonValueKind.Object =>
                    CallChange(fields, hasData ? data : (JsonElement?)null),
                _ => new GenericNotification(fields, hasData && data.ValueKind == JsonValueKind.Object ? GetString(data, "@odata.type") : null),
            };
        }
        catch (JsonException ex)
        {
            return $"resourceData does not match the {path.Kind} resource it names: {ex.Message}";
        }
        catch (InvalidOperationException ex)
        {
            return $"resourceData does not match the {path.Kind} resource it names: {ex.Message}";
        }

        return null;
    }

    private static OperationNotification Operation(NotificationFields fields, JsonElement? data, string? pathOperationId)
    {
        InviteParticipantsOperation operation;
        string? operationType = null;
        if (data is { } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException("an operation's resourceData must be an object.");
            }

            operation = JsonSerializer.Deserialize<InviteParticipantsOperation>(element.GetRawText(), GraphJson.Options)
                ?? new InviteParticipantsOperation();
            operationType = GetString(element, "@odata.type");
        }
        else
        {
            operation = new InviteParticipantsOperation();
        }

        // "participants" in ".../operations/participants" is not an operation id (seed example 2).
        if (operation.Id is null && pathOperationId is not null &&
            !string.Equals(pathOperationId, "participants", StringComparison.OrdinalIgnoreCase))
        {
            operation.Id = pathOperationId;
        }

        operation.CallId = fields.CallId;
        operation.Participants ??= new List<InvitationParticipantInfo>();
        foreach (var participant in operation.Participants)
        {
            participant.Identity ??= new IdentitySet();
        }

        return new OperationNotification(fields, operation, operationType);
    }

    private static RosterNotification Roster(NotificationFields fields, JsonElement? data, string? participantId)
    {
        var participants = new List<Participant>();
        if (data is { } element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        participants.Add(ReadParticipant(item, fields.CallId));
                    }

                    break;
                case JsonValueKind.Object:
                    participants.Add(ReadParticipant(element, fields.CallId));
                    break;
                default:
                    throw new InvalidOperationException("a roster's resourceData must be a participant or an array of participants.");
            }
        }

        return new RosterNotification(fields, participants, participantId);
    }

    private static Participant ReadParticipant(JsonElement element, string? callId)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("a roster entry is not an object.");
        }

        var participant = JsonSerializer.Deserialize<Participant>(element.GetRawText(), GraphJson.Options) ?? new Participant();

        // The wire may send explicit nulls; the model promises non-null members.
        participant.Info ??= new ParticipantInfo();
        participant.Info.Identity ??= new IdentitySet();
        participant.MediaStreams ??= new List<MediaStream>();
        participant.CallId = callId;
        return participant;
    }

    private static CallNotification CallChange(NotificationFields fields, JsonElement? data)
    {
        if (data is not { } element)
        {
            return new CallNotification(fields, null, null);
        }

        var call = JsonSerializer.Deserialize<Call>(element.GetRawText(), GraphJson.Options);
        if (call is not null && call.Id is null)
        {
            call.Id = fields.CallId;
        }

        ResultInfo? resultInfo = null;
        if (element.TryGetProperty("resultInfo", out var resultElement) && resultElement.ValueKind == JsonValueKind.Object)
        {
            resultInfo = JsonSerializer.Deserialize<ResultInfo>(resultElement.GetRawText(), GraphJson.Options);
        }

        return new CallNotification(fields, call, resultInfo);
    }

    private static NotificationChangeType ParseChangeType(string? text) =>
        text?.Trim().ToLowerInvariant() switch
        {
            "created" => NotificationChangeType.Created,
            "updated" => NotificationChangeType.Updated,
            "deleted" => NotificationChangeType.Deleted,
            _ => NotificationChangeType.Unknown,
        };

    private static string? GetString(JsonElement element, string name)
    {
        // Property names on the wire are camelCase, but bodies written by hand are not always.
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
        }

        return null;
    }
}
