using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsOnlineApplicationInstance: changes an instance's display name and/or application id (and, through
/// MicrosoftTeams, its ACS resource id or on-premises number). Values that are already in place are not sent; an
/// instance with nothing to change is emitted as it is.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    /// <summary>Direct Routing number of a hybrid resource account (MicrosoftTeams backend only).</summary>
    [Parameter(Position = 1)]
    public string? OnpremPhoneNumber { get; set; }

    [Parameter(Position = 2)]
    [ValidateNotNullOrEmpty]
    public string? ApplicationId { get; set; }

    /// <summary>Azure Communication Services resource id (MicrosoftTeams backend only).</summary>
    [Parameter(Position = 3)]
    [ValidateNotNullOrEmpty]
    public string? AcsResourceId { get; set; }

    [Parameter(Position = 4)]
    public string? DisplayName { get; set; }

    /// <summary>MicrosoftTeams' -Force, passed through to it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override IEnumerable<string> PassThroughParameters => new[] { "OnpremPhoneNumber", "AcsResourceId" };

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (DisplayName is not null)
        {
            InputRules.RequireNonEmpty(DisplayName, "DisplayName", 256);
        }

        if (ApplicationId is not null)
        {
            InputRules.RequireGuid(ApplicationId, "ApplicationId");
        }

        if (AcsResourceId is not null)
        {
            InputRules.RequireGuid(AcsResourceId, "AcsResourceId");
        }

        if (OnpremPhoneNumber is not null)
        {
            ProvisioningInput.OptionalPhoneNumber(OnpremPhoneNumber, "OnpremPhoneNumber");
        }

        if (Identity is not null)
        {
            ProvisioningInput.RequireIdentity(Identity);
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        return PerRecordAsync(async () =>
        {
            var current = await Instances.GetAsync(identity, cancellationToken).ConfigureAwait(false);
            var changes = Changes(current);
            if (changes.IsEmpty)
            {
                QueueVerbose($"{current.UserPrincipalName} already has display name '{current.DisplayName}' and application id {current.ApplicationId}; nothing to change.");
                QueueObject(current);
                return;
            }

            var description = Describe(current, changes);
            if (!await ShouldProcessAsync(current.UserPrincipalName, "Set " + description).ConfigureAwait(false))
            {
                return;
            }

            var updated = await Instances.UpdateAsync(current.ObjectId, changes, cancellationToken).ConfigureAwait(false);
            QueueVerbose($"Set {description} on {updated.UserPrincipalName}.");
            QueueObject(updated);
        });
    }

    /// <summary>Only what differs from the instance as it is.</summary>
    private ApplicationInstanceChanges Changes(ApplicationInstance current) => new()
    {
        DisplayName = DisplayName is not null && !string.Equals(DisplayName.Trim(), current.DisplayName, StringComparison.Ordinal) ? DisplayName.Trim() : null,
        ApplicationId = ApplicationId is not null && !string.Equals(ApplicationId.Trim(), current.ApplicationId, StringComparison.OrdinalIgnoreCase) ? ApplicationId.Trim() : null,
        AcsResourceId = AcsResourceId is not null && !string.Equals(AcsResourceId.Trim(), current.AcsResourceId, StringComparison.OrdinalIgnoreCase) ? AcsResourceId.Trim() : null,
        OnpremPhoneNumber = ProvisioningInput.PlainPhoneNumber(OnpremPhoneNumber) is { } number && number != current.PhoneNumber ? number : null,
        Force = Force,
    };

    private static string Describe(ApplicationInstance current, ApplicationInstanceChanges changes)
    {
        var parts = new List<string>();
        if (changes.DisplayName is { } name)
        {
            parts.Add($"display name '{name}' (was '{current.DisplayName}')");
        }

        if (changes.ApplicationId is { } app)
        {
            parts.Add($"application id {app} (was {current.ApplicationId})");
        }

        if (changes.AcsResourceId is { } acs)
        {
            parts.Add($"ACS resource id {acs}");
        }

        if (changes.OnpremPhoneNumber is { } number)
        {
            parts.Add($"on-premises number {number}");
        }

        return string.Join(" and ", parts);
    }
}
