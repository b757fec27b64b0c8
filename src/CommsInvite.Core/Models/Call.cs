using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>microsoft.graph.chatInfo: a group call needs one for multi-participant invites.</summary>
public sealed class ChatInfo
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("threadId")] public string? ThreadId { get; set; }
    [JsonPropertyName("messageId")] public string? MessageId { get; set; }
    [JsonPropertyName("replyChainMessageId")] public string? ReplyChainMessageId { get; set; }
}

/// <summary>microsoft.graph.participantInfo.</summary>
public sealed class ParticipantInfo
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("identity")] public IdentitySet Identity { get; set; } = new();
    [JsonPropertyName("endpointType")] public string? EndpointType { get; set; }
    [JsonPropertyName("participantId")] public string? ParticipantId { get; set; }
    [JsonPropertyName("languageId")] public string? LanguageId { get; set; }
    [JsonPropertyName("region")] public string? Region { get; set; }
}

/// <summary>microsoft.graph.mediaStream.</summary>
public sealed class MediaStream
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("mediaType")] public string? MediaType { get; set; }
    [JsonPropertyName("sourceId")] public string? SourceId { get; set; }
    [JsonPropertyName("direction")] public string? Direction { get; set; }
    [JsonPropertyName("serverMuted")] public bool ServerMuted { get; set; }
    [JsonPropertyName("label")] public string? Label { get; set; }
}

/// <summary>microsoft.graph.participant: one roster entry.</summary>
public sealed class Participant
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("info")] public ParticipantInfo Info { get; set; } = new();
    [JsonPropertyName("mediaStreams")] public IList<MediaStream> MediaStreams { get; set; } = new List<MediaStream>();
    [JsonPropertyName("isMuted")] public bool IsMuted { get; set; }
    [JsonPropertyName("isInLobby")] public bool IsInLobby { get; set; }

    /// <summary>The call this roster entry was read from (not on the wire).</summary>
    [JsonIgnore] public string? CallId { get; set; }

    public override string ToString() => Info.Identity.ToString();
}

/// <summary>microsoft.graph.mediaConfig (service-hosted media is what a calling bot uses here).</summary>
public sealed class MediaConfig
{
    [JsonPropertyName("@odata.type")] public string ODataType { get; set; } = "#microsoft.graph.serviceHostedMediaConfig";
    [JsonPropertyName("preFetchMedia")] public IList<object>? PreFetchMedia { get; set; }
}

/// <summary>microsoft.graph.call (the members this module reads and writes).</summary>
public sealed class Call
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; } = "#microsoft.graph.call";
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("state")] public string? State { get; set; }
    [JsonPropertyName("direction")] public string? Direction { get; set; }
    [JsonPropertyName("callbackUri")] public string? CallbackUri { get; set; }
    [JsonPropertyName("subject")] public string? Subject { get; set; }
    [JsonPropertyName("source")] public ParticipantInfo? Source { get; set; }
    [JsonPropertyName("targets")] public IList<InvitationParticipantInfo>? Targets { get; set; }
    [JsonPropertyName("requestedModalities")] public IList<string>? RequestedModalities { get; set; }
    [JsonPropertyName("mediaConfig")] public MediaConfig? MediaConfig { get; set; }
    [JsonPropertyName("chatInfo")] public ChatInfo? ChatInfo { get; set; }
    [JsonPropertyName("meetingInfo")] public MeetingInfo? MeetingInfo { get; set; }
    [JsonPropertyName("tenantId")] public string? TenantId { get; set; }
    [JsonPropertyName("myParticipantId")] public string? MyParticipantId { get; set; }
    [JsonPropertyName("callChainId")] public string? CallChainId { get; set; }

    /// <summary>Why a call ended (on a terminated call and its deleted notification).</summary>
    [JsonPropertyName("resultInfo")] public ResultInfo? ResultInfo { get; set; }

    public override string ToString() => Id ?? string.Empty;
}
