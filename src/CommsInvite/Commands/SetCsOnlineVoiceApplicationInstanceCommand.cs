using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsOnlineVoiceApplicationInstance: the seeds' deprecated way to give an application instance its number,
/// kept so those lines run unchanged. It does what Set-CsPhoneNumberAssignment does (the number type is the
/// number's own); without -TelephoneNumber it removes the instance's number, as the original did.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsOnlineVoiceApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsOnlineVoiceApplicationInstanceCommand : NumberAssignmentCmdlet
{
    private string? _number;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserPrincipalName")]
    public string? Identity { get; set; }

    /// <summary>E.164 (a "tel:" prefix is accepted); empty removes the instance's number.</summary>
    [Parameter(Position = 1)]
    [AllowEmptyString]
    [AllowNull]
    public string? TelephoneNumber { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ApplicationId { get; set; }

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
        return PerRecordAsync(async () =>
        {
            if (_number is not null)
            {
                await AssignAsync(identity, _number, null, "primary", PassThru, applicationId, cancellationToken).ConfigureAwait(false);
                return;
            }

            var user = await ResolveAccountAsync(identity, cancellationToken).ConfigureAwait(false);
            await UnassignAllAsync(user, cancellationToken).ConfigureAwait(false);

            if (PassThru)
            {
                QueueObject(await DescribeAccountAsync(user, applicationId, null, cancellationToken).ConfigureAwait(false));
            }
        });
    }
}
