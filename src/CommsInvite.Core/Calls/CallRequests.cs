using System;
using System.Collections.Generic;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>What New-CsGraphCall sends: a group call owned by the application (optionally an application instance).</summary>
internal sealed class NewCallRequest
{
    /// <summary>https:// (http:// only for loopback hosts): where the service POSTs commsNotifications.</summary>
    public string CallbackUri { get; set; } = string.Empty;

    public string? Subject { get; set; }

    /// <summary>The thread of a group call; needed for multi-participant invites.</summary>
    public ChatInfo? ChatInfo { get; set; }

    /// <summary>Joins a Teams meeting (organizerMeetingInfo with the meeting's ChatInfo, or joinMeetingIdMeetingInfo).</summary>
    public MeetingInfo? MeetingInfo { get; set; }

    public IList<InvitationParticipantInfo> Targets { get; set; } = new List<InvitationParticipantInfo>();

    /// <summary>Makes the call's source an application instance (the one whose PSTN number sponsors phone invites).</summary>
    public string? SourceApplicationInstanceId { get; set; }

    /// <summary>The display name of the source (application or application instance).</summary>
    public string? SourceDisplayName { get; set; }

    public IList<string> RequestedModalities { get; set; } = new List<string> { "audio" };

    /// <summary>Defaults to the connection's tenant.</summary>
    public string? TenantId { get; set; }

    public string ApiVersion { get; set; } = GraphApiVersion.V1;
}

/// <summary>One POST .../participants/invite: validated by <see cref="Validation.InviteValidator"/> before it is sent.</summary>
internal sealed class InviteRequest
{
    public string CallId { get; set; } = string.Empty;

    public IList<InvitationParticipantInfo> Participants { get; set; } = new List<InvitationParticipantInfo>();

    /// <summary>At most 256 characters; a new GUID is used when null or empty.</summary>
    public string? ClientContext { get; set; }

    public string ApiVersion { get; set; } = GraphApiVersion.V1;
}

/// <summary>Graph API versions the invite supports.</summary>
internal static class GraphApiVersion
{
    public const string V1 = "v1.0";
    public const string Beta = "beta";

    public static bool IsKnown(string? value) =>
        string.Equals(value, V1, StringComparison.OrdinalIgnoreCase) || string.Equals(value, Beta, StringComparison.OrdinalIgnoreCase);

    /// <summary>Canonical spelling ("v1.0" or "beta"); throws InvalidApiVersion for anything else.</summary>
    public static string Normalize(string? value)
    {
        if (string.Equals(value, V1, StringComparison.OrdinalIgnoreCase))
        {
            return V1;
        }

        if (string.Equals(value, Beta, StringComparison.OrdinalIgnoreCase))
        {
            return Beta;
        }

        throw new CommsValidationException(ErrorIds.Input.InvalidApiVersion, "ApiVersion", $"'{value}' is not a supported Graph API version: use v1.0 or beta.", value);
    }
}
