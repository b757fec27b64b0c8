using System.Collections.Generic;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Validation;

/// <summary>Every rule of participants/invite, checked before anything is sent.</summary>
internal static class InviteValidator
{
    /// <summary>
    /// Throws CommsValidationException on the first broken rule. Normalizes in place: trims ids, fills a new GUID
    /// clientContext when none is given, canonicalizes the API version.
    /// </summary>
    public static void Validate(InviteRequest request)
    {
        if (request is null)
        {
            throw new System.ArgumentNullException(nameof(request));
        }

        request.CallId = InputRules.RequireCallId(request.CallId);
        request.ApiVersion = GraphApiVersion.Normalize(request.ApiVersion);
        request.ClientContext = InputRules.RequireClientContext(request.ClientContext);
        ValidateParticipants(request.Participants);
    }

    public static void ValidateParticipants(IList<InvitationParticipantInfo>? participants)
    {
        if (participants is null || participants.Count == 0)
        {
            throw new CommsValidationException(ErrorIds.Input.NoParticipants, "Participants", "At least one participant is required.");
        }

        if (participants.Count > InputRules.MaxParticipantsPerInvite)
        {
            throw new CommsValidationException(
                ErrorIds.Input.TooManyParticipants,
                "Participants",
                $"{participants.Count} participants were given; one invite takes at most {InputRules.MaxParticipantsPerInvite}. Split them into several invites.",
                participants.Count);
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < participants.Count; i++)
        {
            var participant = participants[i] ?? throw new CommsValidationException(ErrorIds.Input.InvalidParticipant, "Participants", $"Participant {i + 1} is null.");
            ValidateParticipant(participant, i);

            if (!string.IsNullOrEmpty(participant.ReplacesCallId) && participants.Count > 1)
            {
                // The service honours only the first participant when replacesCallId is set and drops the rest silently.
                throw new CommsValidationException(
                    ErrorIds.Input.ReplacesCallIdWithMultipleParticipants,
                    "ReplacesCallId",
                    $"ReplacesCallId applies to a single participant, but {participants.Count} were given: the service would ignore all but the first. Invite them separately.",
                    participants.Count);
            }

            if (!seen.Add(participant.Identity.Key))
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidParticipant, "Participants", $"Participant {participant.Identity} is listed twice.", participant.Identity.Key);
            }
        }
    }

    private static void ValidateParticipant(InvitationParticipantInfo participant, int index)
    {
        var identity = participant.Identity;
        if (identity is null)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidParticipant, "Participants", $"Participant {index + 1} has no identity.");
        }

        var count = 0;
        foreach (var member in new[] { identity.User, identity.Application, identity.ApplicationInstance, identity.Phone, identity.Guest, identity.Device, identity.Encrypted, identity.OnPremises })
        {
            if (member is not null)
            {
                count++;
            }
        }

        if (count != 1)
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidParticipant,
                "Participants",
                $"Participant {index + 1} must have exactly one identity (user, application, applicationInstance, phone or guest); it has {count}.");
        }

        var id = identity.Primary!.Id;
        switch (identity.Kind)
        {
            case IdentityKind.User:
                identity.User!.Id = InputRules.RequireGuid(id, "UserId");
                if (identity.User.TenantId is not null)
                {
                    identity.User.TenantId = InputRules.RequireGuid(identity.User.TenantId, "TenantId");
                }

                break;
            case IdentityKind.Application:
                identity.Application!.Id = InputRules.RequireGuid(id, "ApplicationId");
                break;
            case IdentityKind.ApplicationInstance:
                identity.ApplicationInstance!.Id = InputRules.RequireGuid(id, "ApplicationInstanceId");
                break;
            case IdentityKind.Phone:
                identity.Phone!.Id = InputRules.RequirePhoneNumber(id, "PhoneNumber");
                break;
            case IdentityKind.Guest:
                identity.Guest!.Id = InputRules.RequireNonEmpty(id, "GuestId", 256);
                break;
            default:
                throw new CommsValidationException(
                    ErrorIds.Input.InvalidParticipant,
                    "Participants",
                    $"Participant {index + 1} has a {identity.Kind} identity; invites take user, application, applicationInstance, phone or guest.");
        }

        if (!string.IsNullOrEmpty(participant.ReplacesCallId))
        {
            participant.ReplacesCallId = InputRules.RequireGuid(participant.ReplacesCallId, "ReplacesCallId");
        }
    }
}
