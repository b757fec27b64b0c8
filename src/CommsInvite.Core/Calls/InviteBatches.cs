using System;
using System.Collections.Generic;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Calls;

/// <summary>Splits many participants into invites the service accepts (≤ 5 each; 1 each with replacesCallId).</summary>
internal static class InviteBatches
{
    public static IReadOnlyList<IReadOnlyList<InvitationParticipantInfo>> Split(IEnumerable<InvitationParticipantInfo> participants, int batchSize = InputRules.MaxParticipantsPerInvite)
    {
        if (participants is null)
        {
            throw new ArgumentNullException(nameof(participants));
        }

        if (batchSize < 1 || batchSize > InputRules.MaxParticipantsPerInvite)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "BatchSize", $"The batch size must be between 1 and {InputRules.MaxParticipantsPerInvite}.", batchSize);
        }

        var batches = new List<IReadOnlyList<InvitationParticipantInfo>>();
        var current = new List<InvitationParticipantInfo>();
        foreach (var participant in participants)
        {
            if (participant is null)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(participant.ReplacesCallId))
            {
                // A transfer target goes alone: the service ignores every participant after the first.
                batches.Add(new[] { participant });
                continue;
            }

            current.Add(participant);
            if (current.Count == batchSize)
            {
                batches.Add(current);
                current = new List<InvitationParticipantInfo>();
            }
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
