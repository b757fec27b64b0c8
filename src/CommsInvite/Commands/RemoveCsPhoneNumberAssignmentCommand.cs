using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsPhoneNumberAssignment, with MicrosoftTeams' parameter sets: takes a number (RemoveSome) or every number
/// (RemoveAll) away from an account through Graph (numberAssignments/unassignNumber) and waits for the operation. A
/// number that is not assigned is no change. -Notify and the assignment blocks have no Graph counterpart and are
/// refused before any request.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsPhoneNumberAssignment", DefaultParameterSetName = SomeSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveCsPhoneNumberAssignmentCommand : NumberAssignmentCmdlet
{
    private const string SomeSet = "RemoveSome";
    private const string AllSet = "RemoveAll";

    private static readonly string[] NotThroughGraph = { "Notify", "AssignmentBlockedForever", "AssignmentBlockedDays", "HttpPipelinePrepend" };

    private string? _number;
    private string? _numberType;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SomeSet)]
    [Alias("PhoneNumber")]
    [ValidateNotNullOrEmpty]
    public string? TelephoneNumber { get; set; }

    /// <summary>MicrosoftTeams requires it; here the number's own type is used when it is left out.</summary>
    [Parameter(ParameterSetName = SomeSet)]
    [Alias("PhoneNumberType")]
    [ArgumentCompleter(typeof(NumberTypeCompleter))]
    public string? NumberType { get; set; }

    /// <summary>Removes every number the account holds.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter RemoveAll { get; set; }

    /// <summary>MicrosoftTeams e-mails the user; Graph has no counterpart: not supported.</summary>
    [Parameter]
    public SwitchParameter Notify { get; set; }

    /// <summary>An assignment block; Graph has no counterpart: not supported.</summary>
    [Parameter]
    public SwitchParameter AssignmentBlockedForever { get; set; }

    /// <summary>An assignment block; Graph has no counterpart: not supported.</summary>
    [Parameter]
    public int AssignmentBlockedDays { get; set; }

    /// <summary>MicrosoftTeams' HTTP pipeline steps (its own types): not supported.</summary>
    [Parameter]
    public object[]? HttpPipelinePrepend { get; set; }

    protected override void BeginProcessing()
    {
        UnsupportedParameters.Refuse(this, NotThroughGraph, "Graph's unassignNumber, which this cmdlet uses, has no counterpart.",
            "Leave it out, or run MicrosoftTeams\\Remove-CsPhoneNumberAssignment with it.");
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName == SomeSet)
        {
            _number = InputRules.RequirePhoneNumber(ProvisioningInput.PlainPhoneNumber(TelephoneNumber), "TelephoneNumber");
            _numberType = NumberType is null ? null : ProvisioningInput.RequireNumberType(NumberType);
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        return PerRecordAsync(async () =>
        {
            var user = await Connection.Licenses.GetUserAsync(identity, cancellationToken).ConfigureAwait(false);
            if (_number is not null)
            {
                await UnassignAsync(user, _number, _numberType, cancellationToken).ConfigureAwait(false);
                return;
            }

            await UnassignAllAsync(user, cancellationToken).ConfigureAwait(false);
        });
    }
}
