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
    private protected override GraphApi? CloudLimitedApi => GraphApi.TelephoneNumberManagement;

    /// <summary>
    /// Assigns the request's number to the account (its NumberType blank: the number's own type). Returns the account,
    /// or null when -WhatIf/-Confirm said no.
    /// </summary>
    private protected async Task<GraphUser?> AssignAsync(string identity, NumberAssignRequest request, CancellationToken cancellationToken)
    {
        var number = request.TelephoneNumber;
        var user = await Connection.Licenses.GetUserAsync(identity, cancellationToken).ConfigureAwait(false);
        var current = await Connection.Numbers.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new CommsInviteException(ErrorIds.Numbers.NumberNotFound, FailureCategory.ObjectNotFound,
                $"{number} is not one of the tenant's telephone numbers; acquire it first (Get-CsPhoneNumberAssignment lists them).", number);

        var type = string.IsNullOrEmpty(request.NumberType) ? NumberAssignmentClient.NormalizeNumberType(current.NumberType ?? "callingPlan") : request.NumberType;
        if (current.NumberType is not null && !string.Equals(current.NumberType, type, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(CommandErrorIds.Numbers.NumberTypeMismatch, FailureCategory.InvalidArgument,
                $"{number} is a {current.NumberType} number, not {Pascal(type)}; pass -NumberType {current.NumberType}.", number);
        }

        if (current.IsAssigned)
        {
            if (!string.Equals(current.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
            {
                throw new CommsInviteException(ErrorIds.Numbers.NumberAssignedElsewhere, FailureCategory.ResourceExists,
                    $"{number} is already assigned to {current.AssignmentTargetId} ({current.PstnAssignmentStatus}), not to {user}; remove that assignment first (Remove-CsPhoneNumberAssignment) or pick a free number (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned).",
                    number);
            }

            QueueVerbose($"{number} is already assigned to {user} ({current.PstnAssignmentStatus}); nothing to change.");
            return user;
        }

        if (!await ShouldProcessAsync(user.ToString(), $"Assign {Pascal(type)} number {number}").ConfigureAwait(false))
        {
            return null;
        }

        var result = await Connection.Numbers.AssignAsync(
            new NumberAssignRequest { TelephoneNumber = number, AssignmentTargetId = user.Id, NumberType = type, AssignmentCategory = request.AssignmentCategory, LocationId = request.LocationId },
            cancellationToken).ConfigureAwait(false);
        QueueVerbose($"Assigned {number} to {user} (operation {result.Operation?.Id ?? "none"}, {result.Assignment?.PstnAssignmentStatus}).");
        return user;
    }

    /// <summary>updateNumber (location, network site, reverse number lookup) after -WhatIf/-Confirm.</summary>
    private protected async Task UpdateAsync(NumberUpdateRequest request, CancellationToken cancellationToken)
    {
        var what = string.Join(", ", new[]
        {
            request.LocationId is null ? null : $"location {request.LocationId}",
            request.NetworkSiteId is null ? null : $"network site {request.NetworkSiteId}",
            request.ReverseNumberLookup is null ? null : $"reverse number lookup [{string.Join(", ", request.ReverseNumberLookup)}]",
        }.Where(p => p is not null));
        if (!await ShouldProcessAsync(request.TelephoneNumber, "Set " + what).ConfigureAwait(false))
        {
            return;
        }

        var result = await Connection.Numbers.UpdateAsync(request, cancellationToken).ConfigureAwait(false);
        QueueVerbose($"Set {what} on {request.TelephoneNumber} (operation {result.Operation?.Id ?? "none"}).");
    }

    /// <summary>Removes <paramref name="number"/> from the account; a number that is not assigned is no change.</summary>
    private protected async Task UnassignAsync(GraphUser user, string number, string? numberType, CancellationToken cancellationToken)
    {
        var current = await Connection.Numbers.GetAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new CommsInviteException(ErrorIds.Numbers.NumberNotFound, FailureCategory.ObjectNotFound,
                $"{number} is not one of the tenant's telephone numbers.", number);
        if (!current.IsAssigned)
        {
            QueueVerbose($"{number} is not assigned to anyone; nothing to remove.");
            return;
        }

        if (!string.Equals(current.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ErrorIds.Numbers.NumberAssignedElsewhere, FailureCategory.InvalidOperation,
                $"{number} is assigned to {current.AssignmentTargetId}, not to {user}; nothing was removed.", number);
        }

        if (numberType is not null && current.NumberType is not null && !string.Equals(current.NumberType, numberType, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(CommandErrorIds.Numbers.NumberTypeMismatch, FailureCategory.InvalidArgument,
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
    private protected async Task UnassignAllAsync(GraphUser user, CancellationToken cancellationToken)
    {
        var held = (await Connection.Numbers.ListAsync(new NumberAssignmentQuery { AssignmentTargetId = user.Id, Top = NumberAssignmentQuery.MaxTop }, cancellationToken).ConfigureAwait(false))
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
