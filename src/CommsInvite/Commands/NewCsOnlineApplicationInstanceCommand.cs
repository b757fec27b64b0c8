using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// New-CsOnlineApplicationInstance: creates a Teams resource account for a bot, with the MicrosoftTeams module's
/// parameters. Safe to re-run: an instance that already exists with this UPN and application id is emitted as it
/// is (nothing is sent); a UPN held by an instance of another application is UserPrincipalNameTaken.
/// </summary>
[Cmdlet(VerbsCommon.New, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class NewCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    /// <summary>The resource account's sign-in name, e.g. bot@contoso.onmicrosoft.com.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? UserPrincipalName { get; set; }

    /// <summary>The bot's application (client) id.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ApplicationId { get; set; }

    /// <summary>Defaults to the UPN's name part.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    public string? DisplayName { get; set; }

    /// <summary>MicrosoftTeams' -Force, passed through to it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Values given on the command line are checked at once, before a backend is even looked for.</summary>
    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (UserPrincipalName is not null)
        {
            ProvisioningInput.RequireUserPrincipalName(UserPrincipalName);
        }

        if (ApplicationId is not null)
        {
            InputRules.RequireGuid(ApplicationId, "ApplicationId");
        }

        if (DisplayName is not null)
        {
            InputRules.RequireNonEmpty(DisplayName, "DisplayName", 256);
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        // Every check runs before the first request: a bad value sends nothing.
        var spec = new ApplicationInstanceSpec
        {
            UserPrincipalName = ProvisioningInput.RequireUserPrincipalName(UserPrincipalName),
            ApplicationId = ApplicationId is null ? null : InputRules.RequireGuid(ApplicationId, "ApplicationId"),
            DisplayName = DisplayName is null ? null : InputRules.RequireNonEmpty(DisplayName, "DisplayName", 256).Trim(),
            Force = Force,
        };
        return PerRecordAsync(() => CreateOrReuseAsync(spec, cancellationToken));
    }

    private async Task CreateOrReuseAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken)
    {
        var existing = await Instances.FindReusableAsync(spec, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            QueueVerbose($"Application instance {existing.UserPrincipalName} already exists (ObjectId {existing.ObjectId}, application {existing.ApplicationId}" +
                (existing.PhoneNumber is null ? string.Empty : $", number {existing.PhoneNumber}") + "); nothing was created.");
            if (spec.DisplayName is not null && !string.Equals(existing.DisplayName, spec.DisplayName, StringComparison.Ordinal))
            {
                QueueWarning($"{existing.UserPrincipalName} exists with display name '{existing.DisplayName}', not '{spec.DisplayName}'; Set-CsOnlineApplicationInstance -DisplayName changes it.");
            }

            QueueObject(existing);
            return;
        }

        var action = $"Create application instance '{spec.DisplayName ?? spec.UserPrincipalName}'" + (spec.ApplicationId is null ? string.Empty : $" for application {spec.ApplicationId}");
        if (!await ShouldProcessAsync(spec.UserPrincipalName, action).ConfigureAwait(false))
        {
            return;
        }

        var created = await Instances.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        QueueVerbose($"Created application instance {created.UserPrincipalName} (ObjectId {created.ObjectId}); run Sync-CsOnlineApplicationInstance -ObjectId {created.ObjectId} next.");
        QueueObject(created);
    }
}
