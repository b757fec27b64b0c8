using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsPhoneNumberAssignment: assigns one of the tenant's numbers to a user or application instance through
/// Graph (numberAssignments/assignNumber) and waits for its long-running operation. A number already assigned to
/// this account is left alone; one assigned to someone else is NumberAssignedElsewhere. -PassThru emits the
/// account with its number, so a pipeline can go on.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsPhoneNumberAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsPhoneNumberAssignmentCommand : NumberAssignmentCmdlet
{
    private string _number = string.Empty;
    private string _numberType = string.Empty;
    private string _category = "primary";

    /// <summary>The account: object id or user principal name (binds ObjectId from an application instance).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    public string? Identity { get; set; }

    /// <summary>E.164, e.g. +12345678901. Deliberately not bound from the pipeline: a piped instance's own (empty) PhoneNumber must not bind.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("PhoneNumber")]
    public string? TelephoneNumber { get; set; }

    /// <summary>CallingPlan, DirectRouting or OperatorConnect.</summary>
    [Parameter(Mandatory = true)]
    [Alias("PhoneNumberType")]
    [ArgumentCompleter(typeof(NumberTypeCompleter))]
    public string? NumberType { get; set; }

    /// <summary>Primary (default) or Private.</summary>
    [Parameter]
    public string? AssignmentCategory { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ApplicationId { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _number = InputRules.RequirePhoneNumber(TelephoneNumber, "TelephoneNumber");
        _numberType = ProvisioningInput.RequireNumberType(NumberType);
        _category = ProvisioningInput.RequireAssignmentCategory(AssignmentCategory);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        var applicationId = ProvisioningInput.OptionalApplicationId(ApplicationId);
        return PerRecordAsync(() => AssignAsync(identity, _number, _numberType, _category, PassThru, applicationId, cancellationToken));
    }
}
