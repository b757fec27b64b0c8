using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Base of the Graph provisioning cmdlets (licences, numbers): the -PassThru object they share. Accounts are looked up
/// with the connection's <c>Licenses.GetUserAsync</c> (a GUID checked to exist, a UPN resolved; UserNotFound when absent).
/// </summary>
public abstract class ProvisioningCmdlet : GraphSessionCmdlet
{
    /// <summary>
    /// The account as an application-instance object, for -PassThru, so a pipeline can go on to the next step: built
    /// from the directory user and what was piped in (application id, synced), whichever backend created it.
    /// </summary>
    private protected ApplicationInstance DescribeAccount(GraphUser user, string? applicationId, string? phoneNumber, bool synced) => new()
    {
        ObjectId = user.Id,
        TenantId = Connection.Context.TenantId,
        UserPrincipalName = user.UserPrincipalName ?? string.Empty,
        DisplayName = user.DisplayName,
        ApplicationId = string.IsNullOrWhiteSpace(applicationId) ? null : applicationId,
        PhoneNumber = ProvisioningInput.PlainPhoneNumber(phoneNumber),
        Synced = synced,
    };
}
