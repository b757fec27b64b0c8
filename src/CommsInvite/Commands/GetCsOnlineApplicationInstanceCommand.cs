using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>Get-CsOnlineApplicationInstance: one instance by object id or UPN, or every instance of the tenant.</summary>
[Cmdlet(VerbsCommon.Get, "CsOnlineApplicationInstance")]
[OutputType(typeof(ApplicationInstance))]
public sealed class GetCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    /// <summary>Object id (GUID) or user principal name; all instances when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    public string? Identity { get; set; }

    protected override string TeamsCommandName => "Get-CsOnlineApplicationInstance";

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Identity))
        {
            ProvisioningInput.RequireIdentity(Identity);
        }

        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Identity))
        {
            foreach (var instance in await Instances.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                QueueObject(instance);
            }

            return;
        }

        var identity = ProvisioningInput.RequireIdentity(Identity);
        var found = await Instances.TryGetAsync(identity, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            QueueError(NotFound(identity));
            return;
        }

        QueueObject(found);
    }

    protected override void ProcessWithMicrosoftTeams()
    {
        var parameters = new Hashtable();
        if (!string.IsNullOrWhiteSpace(Identity))
        {
            parameters["Identity"] = ProvisioningInput.RequireIdentity(Identity);
        }

        foreach (var value in Teams.Invoke(TeamsCommandName, parameters, Identity).Where(v => v is not null))
        {
            WriteObject(MicrosoftTeamsBridge.Map(value));
        }
    }

    private static CommsInviteException NotFound(string identity) =>
        new(ErrorIds.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{identity}' was found.", identity);
}
