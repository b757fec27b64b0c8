using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>microsoft.graph.invitationParticipantInfo.</summary>
public sealed class InvitationParticipantInfo
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; } = "#microsoft.graph.invitationParticipantInfo";
    [JsonPropertyName("identity")] public IdentitySet Identity { get; set; } = new();
    [JsonPropertyName("replacesCallId")] public string? ReplacesCallId { get; set; }
    [JsonPropertyName("endpointType")] public string? EndpointType { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("hidden")] public bool? Hidden { get; set; }
    [JsonPropertyName("participantId")] public string? ParticipantId { get; set; }
    [JsonPropertyName("removeFromDefaultAudioRoutingGroup")] public bool? RemoveFromDefaultAudioRoutingGroup { get; set; }

    public override string ToString() => Identity.ToString();
}

/// <summary>The request body of POST .../participants/invite.</summary>
internal sealed class InviteParticipantsBody
{
    [JsonPropertyName("participants")] public IList<InvitationParticipantInfo> Participants { get; set; } = new List<InvitationParticipantInfo>();
    [JsonPropertyName("clientContext")] public string? ClientContext { get; set; }
}

/// <summary>microsoft.graph.resultInfo.</summary>
public sealed class ResultInfo
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("code")] public int Code { get; set; }
    [JsonPropertyName("subcode")] public int Subcode { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }

    public override string ToString() => $"{Code}/{Subcode}: {Message}";
}

/// <summary>commsOperation status. The service mixes case ("Running", "completed"); parsing ignores case.</summary>
[JsonConverter(typeof(OperationStatusConverter))]
public enum OperationStatus
{
    Unknown,
    NotStarted,
    Running,
    Completed,
    Failed,
}

/// <summary>microsoft.graph.inviteParticipantsOperation, plus where it came from (not on the wire).</summary>
public sealed class InviteParticipantsOperation
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("status")] public OperationStatus Status { get; set; }
    [JsonPropertyName("clientContext")] public string? ClientContext { get; set; }
    [JsonPropertyName("resultInfo")] public ResultInfo? ResultInfo { get; set; }
    private IList<InvitationParticipantInfo> _participants = new List<InvitationParticipantInfo>();

    /// <summary>The invitees the operation concerns; never null (a JSON null reads as none).</summary>
    [JsonPropertyName("participants")]
    public IList<InvitationParticipantInfo> Participants
    {
        get => _participants;
        set => _participants = value ?? new List<InvitationParticipantInfo>();
    }

    /// <summary>The call the invite was sent to (from the request, not the body).</summary>
    [JsonIgnore] public string? CallId { get; set; }

    /// <summary>The Location header of the invite response, naming the operation.</summary>
    [JsonIgnore] public string? Location { get; set; }

    /// <summary>v1.0 or beta: the version the invite was sent with, so waiting polls the same one.</summary>
    [JsonIgnore] public string ApiVersion { get; set; } = "v1.0";

    /// <summary>
    /// True when the invite POST's answer was lost (connection reset, 5xx) and the invitees were found ringing or
    /// joined in the roster instead: the operation id may then be unknown, and waiting relies on the roster.
    /// </summary>
    [JsonIgnore] public bool RecoveredFromRoster { get; set; }

    public override string ToString() => $"{Id} ({Status})";
}
