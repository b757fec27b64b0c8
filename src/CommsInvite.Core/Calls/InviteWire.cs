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
/// writes with <see cref="GraphJson.Options"/>, and reads the answer into the same objects the serializer would
/// build (tests compare both ways for every identity kind and optional field); unknown properties are skipped.
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

    /// <summary>The inviteParticipantsOperation in the invite's answer; properties the model does not have are skipped.</summary>
    /// <exception cref="JsonException">The body is not a JSON object of that shape.</exception>
    public static InviteParticipantsOperation ReadOperation(ReadOnlySpan<byte> body) => Read(body, new OperationRead(deferParticipants: false));

    /// <summary>
    /// Reads the operation now but its participants only when they are first looked at: the echo of the invitees is
    /// most of the answer, and a caller that only needs the operation's id never pays for it. <paramref name="settle"/>
    /// gets the echo (null when the answer has none, or one that cannot be read: the invite was accepted all the
    /// same) and returns the participants the operation reports.
    /// </summary>
    /// <exception cref="JsonException">The body is not a JSON object of that shape.</exception>
    public static InviteParticipantsOperation ReadOperation(byte[] body, Func<IList<InvitationParticipantInfo>?, IList<InvitationParticipantInfo>> settle)
    {
        var read = new OperationRead(deferParticipants: true);
        var operation = Read(body, read);
        var (start, length) = (read.ParticipantsStart, read.ParticipantsLength);
        operation.SetParticipantsSource(() => settle(length > 0 ? TryReadParticipants(new ReadOnlySpan<byte>(body, start, length)) : null));
        return operation;
    }

    private static InviteParticipantsOperation Read(ReadOnlySpan<byte> body, OperationRead read)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("The invite answer is not a JSON object.");
            }

            ReadProperties(ref reader, read, ReadOperationProperty);
            if (reader.Read())
            {
                throw new JsonException("The invite answer has more than one JSON value.");
            }

            return read.Operation;
        }
        catch (InvalidOperationException ex)
        {
            // A value of the wrong type ("code": "x"): the reader's own exception, reported as malformed JSON.
            throw new JsonException(ex.Message, ex);
        }
    }

    private static List<InvitationParticipantInfo>? TryReadParticipants(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            return ReadParticipants(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The operation being read, and where its participants' echo lies when reading it is deferred.</summary>
    private sealed class OperationRead
    {
        public OperationRead(bool deferParticipants) => DeferParticipants = deferParticipants;

        public InviteParticipantsOperation Operation { get; } = new();

        public bool DeferParticipants { get; }

        public int ParticipantsStart { get; set; }

        public int ParticipantsLength { get; set; }
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

    private static bool ReadOperationProperty(OperationRead read, string name, ref Utf8JsonReader reader)
    {
        var operation = read.Operation;
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
            case "participants" when read.DeferParticipants:
                // Only find where the array lies (Skip checks it is well-formed JSON); it is read when asked for.
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    read.ParticipantsStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    read.ParticipantsLength = (int)reader.BytesConsumed - read.ParticipantsStart;
                    return true;
                }

                return false;
            case "participants":
                operation.Participants = ReadParticipants(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static List<InvitationParticipantInfo> ReadParticipants(ref Utf8JsonReader reader)
    {
        var participants = new List<InvitationParticipantInfo>();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return participants;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("participants is not an array.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            RequireObject(ref reader, "a participant");

            // The model's defaults (its @odata.type) are replaced only by what the answer says, as the serializer does.
            var participant = new InvitationParticipantInfo();
            ReadProperties(ref reader, participant, ReadParticipantProperty);
            participants.Add(participant);
        }

        return participants;
    }

    private static bool ReadParticipantProperty(InvitationParticipantInfo participant, string name, ref Utf8JsonReader reader)
    {
        switch (name)
        {
            case "@odata.type":
                participant.ODataType = StringOrNull(ref reader);
                return true;
            case "identity":
                participant.Identity = ReadIdentitySet(ref reader)!;
                return true;
            case "replacescallid":
                participant.ReplacesCallId = StringOrNull(ref reader);
                return true;
            case "endpointtype":
                participant.EndpointType = StringOrNull(ref reader);
                return true;
            case "id":
                participant.Id = StringOrNull(ref reader);
                return true;
            case "hidden":
                participant.Hidden = BooleanOrNull(ref reader);
                return true;
            case "participantid":
                participant.ParticipantId = StringOrNull(ref reader);
                return true;
            case "removefromdefaultaudioroutinggroup":
                participant.RemoveFromDefaultAudioRoutingGroup = BooleanOrNull(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static IdentitySet? ReadIdentitySet(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        RequireObject(ref reader, "identity");
        var identity = new IdentitySet();
        ReadProperties(ref reader, identity, ReadIdentitySetProperty);
        return identity;
    }

    private static bool ReadIdentitySetProperty(IdentitySet identity, string name, ref Utf8JsonReader reader)
    {
        switch (name)
        {
            case "@odata.type":
                identity.ODataType = StringOrNull(ref reader);
                return true;
            case "user":
                identity.User = ReadIdentity(ref reader);
                return true;
            case "application":
                identity.Application = ReadIdentity(ref reader);
                return true;
            case "applicationinstance":
                identity.ApplicationInstance = ReadIdentity(ref reader);
                return true;
            case "phone":
                identity.Phone = ReadIdentity(ref reader);
                return true;
            case "guest":
                identity.Guest = ReadIdentity(ref reader);
                return true;
            case "device":
                identity.Device = ReadIdentity(ref reader);
                return true;
            case "encrypted":
                identity.Encrypted = ReadIdentity(ref reader);
                return true;
            case "onpremises":
                identity.OnPremises = ReadIdentity(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static GraphIdentity? ReadIdentity(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        RequireObject(ref reader, "an identity");
        var identity = new GraphIdentity();
        ReadProperties(ref reader, identity, ReadIdentityProperty);
        return identity;
    }

    private static bool ReadIdentityProperty(GraphIdentity identity, string name, ref Utf8JsonReader reader)
    {
        switch (name)
        {
            case "@odata.type":
                identity.ODataType = StringOrNull(ref reader);
                return true;
            case "id":
                identity.Id = StringOrNull(ref reader);
                return true;
            case "displayname":
                identity.DisplayName = StringOrNull(ref reader);
                return true;
            case "identityprovider":
                identity.IdentityProvider = StringOrNull(ref reader);
                return true;
            case "tenantid":
                identity.TenantId = StringOrNull(ref reader);
                return true;
            default:
                return false;
        }
    }

    private static void RequireObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{what} is not an object.");
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

    private static bool? BooleanOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetBoolean();

    private sealed class Scratch
    {
        public MemoryStream Buffer { get; } = new(512);

        public Utf8JsonWriter Writer { get; } = new(Stream.Null);
    }
}
