using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Shared by Set-CsPhoneNumberAssignment and Set-CsOnlineVoiceApplicationInstance: every check that can be made
/// before a change (the account exists, the number is the tenant's, of that type, and free or already this
/// account's), then -WhatIf/-Confirm, then assignNumber and its long-running operation.
/// </summary>
public abstract class NumberAssignmentCmdlet : ProvisioningCmdlet
{
    /// <summary>Assigns <paramref name="number"/> to the account; null <paramref name="numberType"/> takes the number's own type.</summary>
    protected async Task AssignAsync(string identity, string number, string? numberType, string category, bool passThru, string? applicationId, CancellationToken cancellationToken)
    {
        var user = await ResolveAccountAsync(identity, cancellationToken).ConfigureAwait(false);
        var current = await Connection.Numbers.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new CommsInviteException(ErrorIds.NumberNotFound, FailureCategory.ObjectNotFound,
                $"{number} is not one of the tenant's telephone numbers; acquire it first (Get-CsPhoneNumberAssignment lists them).", number);

        var type = numberType ?? NumberAssignmentClient.NormalizeNumberType(current.NumberType ?? "callingPlan");
        if (current.NumberType is not null && !string.Equals(current.NumberType, type, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ProvisioningErrorIds.NumberTypeMismatch, FailureCategory.InvalidArgument,
                $"{number} is a {current.NumberType} number, not {type}; pass -NumberType {Pascal(current.NumberType)}.", number);
        }

        if (current.IsAssigned)
        {
            if (!string.Equals(current.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw new CommsInviteException(ErrorIds.NumberAssignedElsewhere, FailureCategory.ResourceExists,
                    $"{number} is already assigned to {current.AssignmentTargetId} ({current.AssignmentStatus}), not to {user}; remove that assignment first (Remove-CsPhoneNumberAssignment) or pick a free number (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned).",
                    number);
            }

            QueueVerbose($"{number} is already assigned to {user} ({current.AssignmentStatus}); nothing to change.");
        }
        else
        {
            if (!await ShouldProcessAsync(user.ToString(), $"Assign {type} number {number}").ConfigureAwait(false))
            {
                return;
            }

            var result = await Connection.Numbers.AssignAsync(
                new NumberAssignRequest { TelephoneNumber = number, AssignmentTargetId = user.Id, NumberType = type, AssignmentCategory = category },
                cancellationToken).ConfigureAwait(false);
            QueueVerbose($"Assigned {number} to {user} (operation {result.Operation?.Id ?? "none"}, {result.Assignment?.AssignmentStatus}).");
        }

        if (passThru)
        {
            var account = await DescribeAccountAsync(user, applicationId, number, cancellationToken).ConfigureAwait(false);
            account.PhoneNumber ??= number;
            QueueObject(account);
        }
    }

    /// <summary>Removes <paramref name="number"/> from the account; a number that is not assigned is no change.</summary>
    protected async Task UnassignAsync(Core.Provisioning.GraphUser user, string number, string? numberType, CancellationToken cancellationToken)
    {
        var current = await Connection.Numbers.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new CommsInviteException(ErrorIds.NumberNotFound, FailureCategory.ObjectNotFound,
                $"{number} is not one of the tenant's telephone numbers.", number);
        if (!current.IsAssigned)
        {
            QueueVerbose($"{number} is not assigned to anyone; nothing to remove.");
            return;
        }

        if (!string.Equals(current.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ErrorIds.NumberAssignedElsewhere, FailureCategory.InvalidOperation,
                $"{number} is assigned to {current.AssignmentTargetId}, not to {user}; nothing was removed.", number);
        }

        if (numberType is not null && current.NumberType is not null && !string.Equals(current.NumberType, numberType, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ProvisioningErrorIds.NumberTypeMismatch, FailureCategory.InvalidArgument,
                $"{number} is a {current.NumberType} number, not {numberType}.", number);
        }

        if (!await ShouldProcessAsync(user.ToString(), $"Remove number {number}").ConfigureAwait(false))
        {
            return;
        }

        var result = await Connection.Numbers.UnassignAsync(number, current.NumberType, cancellationToken).ConfigureAwait(false);
        QueueVerbose($"Removed {number} from {user} (operation {result.Operation?.Id ?? "none"}).");
    }

    /// <summary>Removes every number the account holds (each asked with ShouldProcess); none held is no change.</summary>
    protected async Task UnassignAllAsync(Core.Provisioning.GraphUser user, CancellationToken cancellationToken)
    {
        var held = (await Connection.Numbers.ListAsync(new NumberAssignmentQuery(), cancellationToken).ConfigureAwait(false))
            .Where(n => n.IsAssigned && string.Equals(n.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (held.Count == 0)
        {
            QueueVerbose($"{user} holds no number; nothing to remove.");
        }

        foreach (var number in held)
        {
            await UnassignAsync(user, number.TelephoneNumber, null, cancellationToken).ConfigureAwait(false);
        }
    }

    protected static string Pascal(string value) => value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value.Substring(1);
}
