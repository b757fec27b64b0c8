using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsOnlineApplicationInstance: changes an instance's display name and/or application id. Values that are
/// already in place are not sent; an instance with nothing to change is emitted as it is.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    public string? Identity { get; set; }

    [Parameter]
    public string? DisplayName { get; set; }

    [Parameter]
    public string? ApplicationId { get; set; }

    protected override string TeamsCommandName => "Set-CsOnlineApplicationInstance";

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        ValidateChanges();
        if (Identity is not null)
        {
            ProvisioningInput.RequireIdentity(Identity);
        }

        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        try
        {
            var current = await Instances.GetAsync(identity, cancellationToken).ConfigureAwait(false);
            var changes = Describe(current);
            if (changes is null)
            {
                QueueVerbose(InPlace(current));
                QueueObject(current);
                return;
            }

            if (!await ShouldProcessAsync(current.UserPrincipalName, "Set " + changes).ConfigureAwait(false))
            {
                return;
            }

            var updated = await Instances.SetAsync(current.ObjectId, NewDisplayName(current), NewApplicationId(current), cancellationToken).ConfigureAwait(false);
            QueueVerbose($"Set {changes} on {updated.UserPrincipalName}.");
            QueueObject(updated);
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }

    protected override void ProcessWithMicrosoftTeams()
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        var current = Teams.TryGet(identity);
        if (current is not null && Describe(current) is null)
        {
            WriteVerbose(InPlace(current));
            WriteObject(current);
            return;
        }

        var changes = current is null ? "the given values" : Describe(current)!;
        if (!ShouldProcess(identity, "Set " + changes))
        {
            return;
        }

        var parameters = new Hashtable { ["Identity"] = identity };
        if (DisplayName is not null)
        {
            parameters["DisplayName"] = DisplayName.Trim();
        }

        if (ApplicationId is not null)
        {
            parameters["ApplicationId"] = ApplicationId.Trim();
        }

        var output = Teams.Invoke(TeamsCommandName, parameters, identity).Where(v => v is not null).ToList();
        var updated = output.Count > 0 ? MicrosoftTeamsBridge.Map(output[0]) : Teams.TryGet(identity);
        if (updated is not null)
        {
            WriteObject(updated);
        }
    }

    private void ValidateChanges()
    {
        if (DisplayName is not null)
        {
            InputRules.RequireNonEmpty(DisplayName, "DisplayName", 256);
        }

        if (ApplicationId is not null)
        {
            InputRules.RequireGuid(ApplicationId, "ApplicationId");
        }
    }

    private string? NewDisplayName(ApplicationInstance current) =>
        DisplayName is not null && !string.Equals(DisplayName.Trim(), current.DisplayName, StringComparison.Ordinal) ? DisplayName.Trim() : null;

    private string? NewApplicationId(ApplicationInstance current) =>
        ApplicationId is not null && !string.Equals(ApplicationId.Trim(), current.ApplicationId, StringComparison.OrdinalIgnoreCase) ? ApplicationId.Trim() : null;

    /// <summary>What would change, or null when everything asked for is already in place.</summary>
    private string? Describe(ApplicationInstance current)
    {
        var parts = new System.Collections.Generic.List<string>();
        if (NewDisplayName(current) is { } name)
        {
            parts.Add($"display name '{name}' (was '{current.DisplayName}')");
        }

        if (NewApplicationId(current) is { } app)
        {
            parts.Add($"application id {app} (was {current.ApplicationId})");
        }

        return parts.Count == 0 ? null : string.Join(" and ", parts);
    }

    private static string InPlace(ApplicationInstance current) =>
        $"{current.UserPrincipalName} already has display name '{current.DisplayName}' and application id {current.ApplicationId}; nothing to change.";
}
