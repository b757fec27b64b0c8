using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsOnlineVoiceApplicationInstance: the seeds' deprecated way to give an application instance its number,
/// kept so those lines run unchanged. It does what Set-CsPhoneNumberAssignment does (the number type is the
/// number's own); without -TelephoneNumber it removes the instance's number, as the original did. -DomainController
/// and -Tenant (Skype for Business Online leftovers) are refused before any request.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsOnlineVoiceApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsOnlineVoiceApplicationInstanceCommand : NumberAssignmentCmdlet
{
    private static readonly string[] Unsupported = { "DomainController", "Tenant" };

    private string? _number;

    /// <summary>The resource account: object id or user principal name (optional in MicrosoftTeams' syntax, needed all the same).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    /// <summary>E.164 (a "tel:" prefix is accepted); empty removes the instance's number.</summary>
    [Parameter(Position = 1)]
    [AllowEmptyString]
    [AllowNull]
    public string? TelephoneNumber { get; set; }

    /// <summary>Skype for Business Online's domain controller: not supported.</summary>
    [Parameter]
    [Alias("DC")]
    public string? DomainController { get; set; }

    /// <summary>Skype for Business Online's tenant id: not supported (the connected tenant is used).</summary>
    [Parameter]
    public string? Tenant { get; set; }

    /// <summary>Accepted for MicrosoftTeams compatibility; there is no prompt to suppress beyond -Confirm.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ApplicationId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? Synced { get; set; }

    protected override void BeginProcessing()
    {
        UnsupportedParameters.Refuse(this, Unsupported, "it belongs to Skype for Business Online, which Graph has no counterpart for.",
            "Leave it out: the connected tenant is used.");
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _number = ProvisioningInput.OptionalPhoneNumber(TelephoneNumber, "TelephoneNumber");
        var replacement = _number is null
            ? "Remove-CsPhoneNumberAssignment -Identity <id> -PhoneNumber <number> -PhoneNumberType <type>"
            : $"Set-CsPhoneNumberAssignment -Identity <id> -PhoneNumber {_number} -PhoneNumberType <type>";
        QueueWarning($"Set-CsOnlineVoiceApplicationInstance is deprecated; use {replacement}. Running the same operation.");
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        var applicationId = ProvisioningInput.OptionalApplicationId(ApplicationId);
        var synced = ProvisioningInput.OptionalBoolean(Synced, nameof(Synced));
        return PerRecordAsync(async () =>
        {
            if (_number is not null)
            {
                var account = await AssignAsync(identity, new NumberAssignRequest { TelephoneNumber = _number, NumberType = string.Empty }, cancellationToken).ConfigureAwait(false);
                if (account is not null && PassThru)
                {
                    QueueObject(DescribeAccount(account, applicationId, _number, synced));
                }

                return;
            }

            var user = await Connection.Licenses.GetUserAsync(identity, cancellationToken).ConfigureAwait(false);
            await UnassignAllAsync(user, cancellationToken).ConfigureAwait(false);
            if (PassThru)
            {
                QueueObject(DescribeAccount(user, applicationId, null, synced));
            }
        });
    }
}
