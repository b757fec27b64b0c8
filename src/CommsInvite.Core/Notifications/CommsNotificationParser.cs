using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// The outcome of parsing a commsNotifications body: its notifications (entries that could not be understood are
/// <see cref="InvalidNotification"/>s among them), or why the body as a whole is not a commsNotifications body.
/// </summary>
internal sealed class NotificationParseResult
{
    /// <summary>The stable error id a malformed body reports.</summary>
    public const string InvalidBodyErrorId = ErrorIds.Notifications.InvalidNotificationBody;

    private NotificationParseResult(IReadOnlyList<CommsNotification> notifications, string? error)
    {
        Notifications = notifications;
        Error = error;
        foreach (var notification in notifications)
        {
            if (notification is InvalidNotification)
            {
                InvalidCount++;
            }
        }
    }

    /// <summary>True when the body is a commsNotifications body (some entries may still be invalid: see <see cref="InvalidCount"/>).</summary>
    public bool Success => Error is null;

    /// <summary>Every entry of the body in order, invalid ones as <see cref="InvalidNotification"/>; empty when <see cref="Success"/> is false.</summary>
    public IReadOnlyList<CommsNotification> Notifications { get; }

    /// <summary>How many of <see cref="Notifications"/> are <see cref="InvalidNotification"/>s.</summary>
    public int InvalidCount { get; }

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
/// Unknown resource kinds become <see cref="GenericNotification"/>; an entry that cannot be understood becomes an
/// <see cref="InvalidNotification"/> without costing the body's other entries; only a body that is not a
/// commsNotifications body at all is a failed result. Parsing never throws on content.
/// </summary>
/// <remarks>
/// Accepted roots: the documented <c>{"value":[...]}</c>, a single notification object (has <c>resource</c> or
/// <c>resourceUrl</c>), or a bare array of notifications (what a caller gets after saving <c>value</c> to a file).
/// An entry may name its resource by <c>resource</c> (the examples), <c>resourceUrl</c> (the v1.0 resource type)
/// or both (the service's traffic); enum values are read in any case.
/// </remarks>
internal static class CommsNotificationParser
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
        catch (Exception ex) when (IsContentError(ex))
        {
            return NotInJson(ex);
        }

        using (document)
        {
            return ParseRoot(document.RootElement);
        }
    }

    /// <summary>Parses the document and reads it; text that is not JSON is a failed result, not an exception.</summary>
    private static NotificationParseResult ParseDocument(Func<JsonDocument> parse)
    {
        JsonDocument document;
        try
        {
            document = parse();
        }
        catch (Exception ex) when (IsContentError(ex))
        {
            return NotInJson(ex);
        }

        using (document)
        {
            return ParseRoot(document.RootElement);
        }
    }

    /// <summary>Exceptions System.Text.Json raises for bad content (as opposed to I/O or cancellation).</summary>
    private static bool IsContentError(Exception ex) =>
        ex is JsonException || ex is InvalidOperationException || ex is ArgumentException || ex is FormatException;

    // Positions only: JsonException messages may quote a character of the body.
    private static NotificationParseResult NotInJson(Exception ex) => NotificationParseResult.Fail(
        ex is JsonException { LineNumber: { } line, BytePositionInLine: { } position }
            ? $"The notification body is not valid JSON (line {line + 1}, byte {position + 1})."
            : "The notification body is not valid JSON or not valid Unicode text.");

    private static NotificationParseResult ParseRoot(JsonElement root)
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
            case JsonValueKind.Object when root.TryGetProperty("resource", out _) || root.TryGetProperty("resourceUrl", out _):
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
            notifications.Add(ParseEntry(entries[i], i));
        }

        return NotificationParseResult.Ok(notifications);
    }

    /// <summary>One entry as a typed notification, or an <see cref="InvalidNotification"/> saying why it is not one.</summary>
    private static CommsNotification ParseEntry(JsonElement entry, int index)
    {
        var fields = new NotificationFields();
        var kind = CommsResourceKind.Unknown;
        try
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return new InvalidNotification(fields, index, $"value[{index}] is not an object.");
            }

            fields.Json = RawText(entry);
            fields.ODataType = GetString(entry, "@odata.type");
            fields.ChangeTypeText = GetString(entry, "changeType");
            fields.ChangeType = ParseChangeType(fields.ChangeTypeText);
            var resource = GetString(entry, "resource");
            var resourceUrl = GetString(entry, "resourceUrl");
            fields.ResourceUrl = resourceUrl;
            if (string.IsNullOrWhiteSpace(resource) && string.IsNullOrWhiteSpace(resourceUrl))
            {
                return new InvalidNotification(fields, index, $"value[{index}] names neither 'resource' nor 'resourceUrl'.");
            }

            fields.Resource = string.IsNullOrWhiteSpace(resource) ? resourceUrl! : resource!;
            var path = ResourcePath(resource, resourceUrl);
            kind = path.Kind;
            fields.CallId = path.CallId;
            var hasData = TryGetProperty(entry, "resourceData", out var data) && data.ValueKind != JsonValueKind.Null;
            fields.ResourceDataJson = hasData ? data.GetRawText() : null;
            return path.Kind switch
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
            // ex.Path is a JSON path ($.resultInfo.code): field names, not the entry's values.
            var where = string.IsNullOrEmpty(ex.Path) ? string.Empty : $" (at {SafeText.Escape(ex.Path)})";
            return new InvalidNotification(fields, index,
                $"value[{index}]: resourceData does not match the {kind} resource it names: a value has the wrong type or is not valid Unicode text{where}.");
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is ArgumentException || ex is FormatException || ex is OverflowException)
        {
            var what = ex is ShapeException
                ? ex.Message.TrimEnd('.')
                : "it holds a value of the wrong type or text that is not valid Unicode";
            return new InvalidNotification(fields, index, $"value[{index}]: resourceData does not match the {kind} resource it names: {what}.");
        }
    }

    /// <summary>resource and resourceUrl name the same thing; the first that names a part of a call decides.</summary>
    private static CommsResourcePath ResourcePath(string? resource, string? resourceUrl)
    {
        var fromResource = string.IsNullOrWhiteSpace(resource) ? null : CommsResourcePath.Parse(resource!);
        if (fromResource is { Kind: not CommsResourceKind.Unknown })
        {
            return fromResource;
        }

        var fromUrl = string.IsNullOrWhiteSpace(resourceUrl) ? null : CommsResourcePath.Parse(resourceUrl!);
        if (fromUrl is { Kind: not CommsResourceKind.Unknown })
        {
            return fromUrl;
        }

        return fromResource?.CallId is not null ? fromResource : fromUrl ?? fromResource!;
    }

    private static string RawText(JsonElement element)
    {
        try
        {
            return element.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    /// <summary>resourceData of a shape the resource kind does not allow; its message is ours, never the entry's text.</summary>
    private sealed class ShapeException : InvalidOperationException
    {
        public ShapeException(string message)
            : base(message)
        {
        }
    }

    private static OperationNotification Operation(NotificationFields fields, JsonElement? data, string? pathOperationId)
    {
        InviteParticipantsOperation operation;
        string? operationType = null;
        if (data is { } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ShapeException("an operation's resourceData must be an object.");
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
                    throw new ShapeException("a roster's resourceData must be a participant or an array of participants.");
            }
        }

        return new RosterNotification(fields, participants, participantId);
    }

    private static Participant ReadParticipant(JsonElement element, string? callId)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ShapeException("a roster entry is not an object.");
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

    private static string? GetString(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Property names on the wire are camelCase, but bodies written by hand are not always.</summary>
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
