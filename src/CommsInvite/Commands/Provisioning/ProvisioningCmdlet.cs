using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>Base of the Graph provisioning cmdlets (licences, numbers): account lookups shared by all.</summary>
public abstract class ProvisioningCmdlet : GraphSessionCmdlet
{
    /// <summary>A GUID is checked to exist; a UPN is looked up to its object id. UserNotFound when absent.</summary>
    private protected async Task<GraphUser> ResolveAccountAsync(string identity, CancellationToken cancellationToken) =>
        await Connection.Licenses.GetUserAsync(identity, cancellationToken).ConfigureAwait(false);

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
