using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsPhoneNumberAssignment: takes a number (or, with -RemoveAll, every number) away from an account through
/// Graph (numberAssignments/unassignNumber) and waits for the operation. A number that is not assigned is no change.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsPhoneNumberAssignment", DefaultParameterSetName = NumberSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveCsPhoneNumberAssignmentCommand : NumberAssignmentCmdlet
{
    private const string NumberSet = "Number";
    private const string AllSet = "RemoveAll";

    private string? _number;
    private string? _numberType;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    public string? Identity { get; set; }

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = NumberSet)]
    [Alias("PhoneNumber")]
    public string? TelephoneNumber { get; set; }

    [Parameter(ParameterSetName = NumberSet)]
    [Alias("PhoneNumberType")]
    [ArgumentCompleter(typeof(NumberTypeCompleter))]
    public string? NumberType { get; set; }

    /// <summary>Removes every number the account holds.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter RemoveAll { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName == NumberSet)
        {
            _number = InputRules.RequirePhoneNumber(TelephoneNumber, "TelephoneNumber");
            _numberType = NumberType is null ? null : ProvisioningInput.RequireNumberType(NumberType);
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        return PerRecordAsync(async () =>
        {
            var user = await ResolveAccountAsync(identity, cancellationToken).ConfigureAwait(false);
            if (_number is not null)
            {
                await UnassignAsync(user, _number, _numberType, cancellationToken).ConfigureAwait(false);
                return;
            }

            await UnassignAllAsync(user, cancellationToken).ConfigureAwait(false);
        });
    }
}
