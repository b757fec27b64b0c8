using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Calls;

/// <summary>Builds invitationParticipantInfo objects, checking each id as it goes (New-CsGraphInvitationParticipant).</summary>
internal static class InvitationParticipants
{
    public static InvitationParticipantInfo User(string userId, string? tenantId = null, string? displayName = null, string? replacesCallId = null)
    {
        InputRules.RequireGuid(userId, "UserId");
        if (tenantId is not null)
        {
            InputRules.RequireGuid(tenantId, "TenantId");
        }

        var identity = IdentitySet.ForUser(userId.Trim(), tenantId?.Trim());
        identity.User!.DisplayName = displayName;
        return Build(identity, replacesCallId);
    }

    public static InvitationParticipantInfo Phone(string phoneNumber, string? replacesCallId = null) =>
        Build(IdentitySet.ForPhone(InputRules.RequirePhoneNumber(phoneNumber, "PhoneNumber")), replacesCallId);

    public static InvitationParticipantInfo ApplicationInstance(string applicationInstanceId, string? displayName = null, string? replacesCallId = null)
    {
        InputRules.RequireGuid(applicationInstanceId, "ApplicationInstanceId");
        var identity = IdentitySet.ForApplicationInstance(applicationInstanceId.Trim());
        identity.ApplicationInstance!.DisplayName = displayName;
        return Build(identity, replacesCallId);
    }

    public static InvitationParticipantInfo Application(string applicationId, string? displayName = null, string? replacesCallId = null)
    {
        InputRules.RequireGuid(applicationId, "ApplicationId");
        var identity = IdentitySet.ForApplication(applicationId.Trim());
        identity.Application!.DisplayName = displayName;
        return Build(identity, replacesCallId);
    }

    public static InvitationParticipantInfo Guest(string guestId, string? displayName = null, string? replacesCallId = null)
    {
        InputRules.RequireNonEmpty(guestId, "GuestId", 256);
        return Build(IdentitySet.ForGuest(guestId.Trim(), displayName), replacesCallId);
    }

    private static InvitationParticipantInfo Build(IdentitySet identity, string? replacesCallId)
    {
        if (!string.IsNullOrEmpty(replacesCallId))
        {
            InputRules.RequireGuid(replacesCallId, "ReplacesCallId");
        }

        return new InvitationParticipantInfo
        {
            Identity = identity,
            ReplacesCallId = string.IsNullOrEmpty(replacesCallId) ? null : replacesCallId!.Trim(),
        };
    }
}
