using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Get-CsOnlineApplicationInstance: one instance by object id or UPN, several (-Identities, comma-separated), or
/// every instance of the tenant (-ResultSize, -Skip).
/// </summary>
[Cmdlet(VerbsCommon.Get, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.None)]
[OutputType(typeof(ApplicationInstance))]
public sealed class GetCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    private ApplicationInstanceQuery _query = new();

    /// <summary>Object id (GUID) or user principal name; all instances when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    public string? Identity { get; set; }

    /// <summary>Several object ids or UPNs, comma-separated (MicrosoftTeams' form) or as an array.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[]? Identities { get; set; }

    /// <summary>At most this many instances.</summary>
    [Parameter(Position = 2)]
    [ValidateRange(1, int.MaxValue)]
    public int? ResultSize { get; set; }

    /// <summary>Skips this many instances first.</summary>
    [Parameter(Position = 3)]
    [ValidateRange(0, int.MaxValue)]
    public int? Skip { get; set; }

    /// <summary>MicrosoftTeams' -Force, passed through to it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Identity))
        {
            ProvisioningInput.RequireIdentity(Identity);
        }

        var identities = new List<string>();
        foreach (var part in (Identities ?? new string[0]).SelectMany(i => i.Split(',')).Select(i => i.Trim()).Where(i => i.Length > 0))
        {
            identities.Add(ProvisioningInput.RequireIdentity(part, "Identities"));
        }

        _query = new ApplicationInstanceQuery { Identities = identities, ResultSize = ResultSize, Skip = Skip, Force = Force };
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Identity))
        {
            var instances = await Instances.ListAsync(_query, cancellationToken).ConfigureAwait(false);
            foreach (var instance in instances)
            {
                QueueObject(instance);
            }

            // Each of -Identities that names no instance is its own non-terminating error (unless -Skip or
            // -ResultSize may have cut it off the page).
            if (_query.Skip is null && _query.ResultSize is null)
            {
                foreach (var missing in _query.Identities.Where(i => !instances.Any(found => Names(found, i))))
                {
                    QueueError(Instances.NotFound(missing));
                }
            }

            return;
        }

        // An identity that names no instance is ApplicationInstanceNotFound for this record alone: piped ones go on.
        var identity = ProvisioningInput.RequireIdentity(Identity);
        await PerRecordAsync(async () =>
        {
            var found = await Instances.TryGetAsync(identity, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                QueueError(Instances.NotFound(identity));
                return;
            }

            QueueObject(found);
        }).ConfigureAwait(false);
    }

    private static bool Names(ApplicationInstance instance, string identity) =>
        string.Equals(instance.ObjectId, identity, StringComparison.OrdinalIgnoreCase)
        || string.Equals(instance.UserPrincipalName, identity, StringComparison.OrdinalIgnoreCase);
}
