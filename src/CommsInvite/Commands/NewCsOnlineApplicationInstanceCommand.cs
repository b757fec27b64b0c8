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
/// New-CsOnlineApplicationInstance: creates a Teams resource account for a bot, with the MicrosoftTeams module's
/// parameters. Safe to re-run: an instance that already exists with this UPN and application id is emitted as it
/// is (nothing is sent); a UPN held by anything else is UserPrincipalNameTaken.
/// </summary>
[Cmdlet(VerbsCommon.New, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class NewCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    private string _upn = string.Empty;
    private string _applicationId = string.Empty;
    private string _displayName = string.Empty;

    /// <summary>The resource account's sign-in name, e.g. bot@contoso.onmicrosoft.com.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string? UserPrincipalName { get; set; }

    /// <summary>The bot's application (client) id.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string? ApplicationId { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string? DisplayName { get; set; }

    protected override string TeamsCommandName => "New-CsOnlineApplicationInstance";

    /// <summary>Values given on the command line are checked at once, before MicrosoftTeams is even looked for.</summary>
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

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken) => CreateOrReuseAsync(cancellationToken);

    protected override void ProcessWithMicrosoftTeams()
    {
        Validate();
        var existing = Teams.TryGet(_upn);
        if (existing is not null)
        {
            if (Reuse(existing, WriteVerbose, WriteWarning))
            {
                WriteObject(existing);
            }

            return;
        }

        if (!ShouldProcess(_upn, Action))
        {
            return;
        }

        var created = Teams.Invoke(TeamsCommandName, new Hashtable { ["UserPrincipalName"] = _upn, ["ApplicationId"] = _applicationId, ["DisplayName"] = _displayName }, _upn);
        foreach (var value in created.Where(v => v is not null))
        {
            WriteObject(MicrosoftTeamsBridge.Map(value));
        }
    }

    private string Action => $"Create application instance '{_displayName}' for application {_applicationId}";

    private void Validate()
    {
        _upn = ProvisioningInput.RequireUserPrincipalName(UserPrincipalName);
        _applicationId = InputRules.RequireGuid(ApplicationId, "ApplicationId");
        _displayName = InputRules.RequireNonEmpty(DisplayName, "DisplayName", 256).Trim();
    }

    private async Task CreateOrReuseAsync(CancellationToken cancellationToken)
    {
        // Every check runs before the first request: a bad value sends nothing.
        Validate();
        var existing = await Instances.TryGetAsync(_upn, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (Reuse(existing, QueueVerbose, QueueWarning))
            {
                QueueObject(existing);
            }

            return;
        }

        if (!await ShouldProcessAsync(_upn, Action).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var created = await Instances.CreateAsync(_upn, _displayName, _applicationId, cancellationToken).ConfigureAwait(false);
            QueueVerbose($"Created application instance {created.UserPrincipalName} (ObjectId {created.ObjectId}); run Sync-CsOnlineApplicationInstance -ObjectId {created.ObjectId} next.");
            QueueObject(created);
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }

    /// <summary>True when the existing instance is this one (re-run); otherwise reports UserPrincipalNameTaken.</summary>
    private bool Reuse(ApplicationInstance existing, Action<string> verbose, Action<string> warning)
    {
        if (!string.Equals(existing.ApplicationId, _applicationId, StringComparison.OrdinalIgnoreCase))
        {
            var error = new CommsInviteException(ErrorIds.UserPrincipalNameTaken, FailureCategory.ResourceExists,
                $"The user principal name {_upn} is already taken by application instance {existing.ObjectId} of application {existing.ApplicationId ?? "(none)"}, not {_applicationId}. " +
                "Pick another UPN, or change that instance with Set-CsOnlineApplicationInstance -ApplicationId.", _upn);
            if (UsesEmulator)
            {
                QueueError(error);
            }
            else
            {
                WriteError(Infrastructure.ErrorRecords.From(error));
            }

            return false;
        }

        verbose($"Application instance {existing.UserPrincipalName} already exists (ObjectId {existing.ObjectId}, application {existing.ApplicationId}" +
            (existing.PhoneNumber is null ? string.Empty : $", number {existing.PhoneNumber}") + "); nothing was created.");
        if (!string.Equals(existing.DisplayName, _displayName, StringComparison.Ordinal))
        {
            warning($"{existing.UserPrincipalName} exists with display name '{existing.DisplayName}', not '{_displayName}'; Set-CsOnlineApplicationInstance -DisplayName changes it.");
        }

        return true;
    }
}
