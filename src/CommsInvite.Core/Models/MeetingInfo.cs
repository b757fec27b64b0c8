using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>
/// microsoft.graph.meetingInfo as a call carries it: organizerMeetingInfo (organizer, with the meeting's chatInfo)
/// or joinMeetingIdMeetingInfo (joinMeetingId, passcode). One class for both: the unused members stay null and
/// are not written.
/// </summary>
public sealed class MeetingInfo
{
    public const string OrganizerType = "#microsoft.graph.organizerMeetingInfo";
    public const string JoinMeetingIdType = "#microsoft.graph.joinMeetingIdMeetingInfo";

    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }

    /// <summary>organizerMeetingInfo: the organizer (a user with id and tenantId).</summary>
    [JsonPropertyName("organizer")] public IdentitySet? Organizer { get; set; }

    [JsonPropertyName("allowConversationWithoutHost")] public bool? AllowConversationWithoutHost { get; set; }

    /// <summary>joinMeetingIdMeetingInfo: the numeric meeting id Teams shows ("Meeting ID").</summary>
    [JsonPropertyName("joinMeetingId")] public string? JoinMeetingId { get; set; }

    [JsonPropertyName("passcode")] public string? Passcode { get; set; }

    public override string ToString() =>
        JoinMeetingId is not null ? "meeting id " + JoinMeetingId
        : Organizer?.User?.Id is { } organizer ? "meeting of " + organizer
        : ODataType ?? string.Empty;
}
