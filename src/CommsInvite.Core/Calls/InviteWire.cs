using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>
/// The invite POST's body and answer, written and read directly with Utf8JsonWriter / Utf8JsonReader.
/// </summary>
/// <remarks>
/// Invites are the one request sent thousands of times in a row (bulk runbooks, -SplitIntoBatches). Going through
/// the general serializer costs little in a tight loop but touches a lot of code and metadata between two requests;
/// measured against a pre-serialised POST (tests/CommsInvite.Benchmarks), that footprint slowed not only the
/// client's own work but the HTTP stack's next request too. This codec writes exactly the bytes the serializer
/// writes with <see cref="GraphJson.Options"/> (a test compares them for every identity kind and optional field) and
/// reads only the operation's head: the service's echo of the participants is skipped, and the operation reports
/// the invitees as they were sent.
/// </remarks>
internal static class InviteWire
{
    // One writer and buffer per thread, reset for each body: a fresh Utf8JsonWriter rents a 4 KB scratch buffer
    // every time, which is most of what writing a 300-byte body would allocate.
    [ThreadStatic]
    private static Scratch? _scratch;

    public static byte[] WriteBody(IList<InvitationParticipantInfo> participants, string clientContext)
    {
        var scratch = _scratch ??= new Scratch();
        var buffer = scratch.Buffer;
        var writer = scratch.Writer;
        buffer.SetLength(0);
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteStartArray("participants");
            foreach (var participant in participants)
            {
                WriteParticipant(writer, participant);
            }

            writer.WriteEndArray();
            writer.WriteString("clientContext", clientContext);
            writer.WriteEndObject();
            writer.Flush();
            return buffer.ToArray();
        }
        finally
        {
            if (buffer.Capacity > 64 * 1024)
            {
                // A 20-participant invite is a few kilobytes; do not keep a freak one's buffer for the thread's life.
                _scratch = null;
            }
        }
    }

    /// <summary>The operation's id, status, clientContext and resultInfo; everything else is skipped.</summary>
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static InviteParticipantsOperation ReadOperationHead(ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadHead(body);
        }
        catch (InvalidOperationException ex)
        {
            // A value of the wrong type ("code": "x"): the reader's own exception, reported as malformed JSON.
            throw new JsonException(ex.Message, ex);
        }
    }

    private static InviteParticipantsOperation ReadHead(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The invite answer is not a JSON object.");
        }

        var operation = new InviteParticipantsOperation();
        ReadProperties(ref reader, operation, ReadOperationProperty);
        if (reader.Read())
        {
            throw new JsonException("The invite answer has more than one JSON value.");
        }

        return operation;
    }

    private delegate bool PropertyReader<in T>(T target, string name, ref Utf8JsonReader reader);

    /// <summary>
    /// Walks the properties of the object the reader is at, handing each to <paramref name="readProperty"/> (names
    /// compare case-insensitively, as GraphJson.Options reads them) and skipping those it does not take.
    /// </summary>
    private static void ReadProperties<T>(ref Utf8JsonReader reader, T target, PropertyReader<T> readProperty)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!.ToLowerInvariant();
            reader.Read();
            if (!readProperty(target, name, ref reader))
            {
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("The invite answer ends before its object does.");
        }
    }

    private static bool ReadOperationProperty(InviteParticipantsOperation operation, string name, ref Utf8JsonReader reader)
    {
        switch (name)
        {
            case "id":
                operation.Id = StringOrNull(ref reader);
                return true;
            case "status":
                operation.Status = reader.TokenType == JsonTokenType.Null ? OperationStatus.Unknown : OperationStatusConverter.Parse(reader.GetString());
                return true;
            case "clientcontext":
                operation.ClientContext = StringOrNull(ref reader);
                return true;
            case "@odata.type":
                operation.ODataType = StringOrNull(ref reader);
                return true;
            case "resultinfo":
                operation.ResultInfo = ReadResultInfo(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static bool ReadResultInfoProperty(ResultInfo result, string name, ref Utf8JsonReader reader)
    {
        switch (name)
        {
            case "code":
                result.Code = reader.GetInt32();
                return true;
            case "subcode":
                result.Subcode = reader.GetInt32();
                return true;
            case "message":
                result.Message = StringOrNull(ref reader);
                return true;
            case "@odata.type":
                result.ODataType = StringOrNull(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static void WriteParticipant(Utf8JsonWriter writer, InvitationParticipantInfo participant)
    {
        writer.WriteStartObject();
        WriteIfNotNull(writer, "@odata.type", participant.ODataType);
        if (participant.Identity is { } identity)
        {
            writer.WritePropertyName("identity");
            WriteIdentitySet(writer, identity);
        }

        WriteIfNotNull(writer, "replacesCallId", participant.ReplacesCallId);
        WriteIfNotNull(writer, "endpointType", participant.EndpointType);
        WriteIfNotNull(writer, "id", participant.Id);
        if (participant.Hidden is { } hidden)
        {
            writer.WriteBoolean("hidden", hidden);
        }

        WriteIfNotNull(writer, "participantId", participant.ParticipantId);
        if (participant.RemoveFromDefaultAudioRoutingGroup is { } remove)
        {
            writer.WriteBoolean("removeFromDefaultAudioRoutingGroup", remove);
        }

        writer.WriteEndObject();
    }

    private static void WriteIdentitySet(Utf8JsonWriter writer, IdentitySet identity)
    {
        writer.WriteStartObject();
        WriteIfNotNull(writer, "@odata.type", identity.ODataType);
        WriteIdentity(writer, "user", identity.User);
        WriteIdentity(writer, "application", identity.Application);
        WriteIdentity(writer, "applicationInstance", identity.ApplicationInstance);
        WriteIdentity(writer, "phone", identity.Phone);
        WriteIdentity(writer, "guest", identity.Guest);
        WriteIdentity(writer, "device", identity.Device);
        WriteIdentity(writer, "encrypted", identity.Encrypted);
        WriteIdentity(writer, "onPremises", identity.OnPremises);
        writer.WriteEndObject();
    }

    private static void WriteIdentity(Utf8JsonWriter writer, string name, GraphIdentity? identity)
    {
        if (identity is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        WriteIfNotNull(writer, "@odata.type", identity.ODataType);
        WriteIfNotNull(writer, "id", identity.Id);
        WriteIfNotNull(writer, "displayName", identity.DisplayName);
        WriteIfNotNull(writer, "identityProvider", identity.IdentityProvider);
        WriteIfNotNull(writer, "tenantId", identity.TenantId);
        writer.WriteEndObject();
    }

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static ResultInfo? ReadResultInfo(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("resultInfo is not an object.");
        }

        var result = new ResultInfo();
        ReadProperties(ref reader, result, ReadResultInfoProperty);
        return result;
    }

    private static string? StringOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetString();

    private sealed class Scratch
    {
        public MemoryStream Buffer { get; } = new(512);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null);
    }
}
