using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Get-CsPhoneNumberAssignment: the tenant's telephone numbers and their assignments (Graph v1.0
/// numberAssignments). `-PstnAssignmentStatus Unassigned -Top 1` picks a free acquired number.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CsPhoneNumberAssignment")]
[OutputType(typeof(NumberAssignment))]
public sealed class GetCsPhoneNumberAssignmentCommand : ProvisioningCmdlet
{
    private NumberAssignmentQuery _query = new();
    private string? _targetId;

    [Parameter(Position = 0)]
    [Alias("PhoneNumber")]
    public string? TelephoneNumber { get; set; }

    /// <summary>CallingPlan, DirectRouting or OperatorConnect.</summary>
    [Parameter]
    [Alias("PhoneNumberType")]
    [ArgumentCompleter(typeof(NumberTypeCompleter))]
    public string? NumberType { get; set; }

    /// <summary>Unassigned, UserAssigned, VoiceApplicationAssigned, ConferenceAssigned...</summary>
    [Parameter]
    [Alias("AssignmentStatus")]
    [ArgumentCompleter(typeof(AssignmentStatusCompleter))]
    public string? PstnAssignmentStatus { get; set; }

    /// <summary>Only the numbers assigned to this object id.</summary>
    [Parameter]
    public string? AssignedPstnTargetId { get; set; }

    /// <summary>At most this many numbers (1..1000).</summary>
    [Parameter]
    public int? Top { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (Top is { } top && (top < 1 || top > 1000))
        {
            throw new CommsValidationException(Core.ErrorIds.InvalidArgument, "Top", $"-Top must be between 1 and 1000 (got {top}).", top);
        }

        _targetId = string.IsNullOrWhiteSpace(AssignedPstnTargetId) ? null : InputRules.RequireGuid(AssignedPstnTargetId, "AssignedPstnTargetId");
        _query = new NumberAssignmentQuery
        {
            TelephoneNumber = string.IsNullOrWhiteSpace(TelephoneNumber) ? null : InputRules.RequirePhoneNumber(ProvisioningInput.PlainPhoneNumber(TelephoneNumber), "TelephoneNumber"),
            NumberType = string.IsNullOrWhiteSpace(NumberType) ? null : ProvisioningInput.RequireNumberType(NumberType),
            AssignmentStatus = string.IsNullOrWhiteSpace(PstnAssignmentStatus) ? null : ProvisioningInput.RequireAssignmentStatus(PstnAssignmentStatus),

            // The target filter is applied here, so -Top must come after it.
            Top = _targetId is null ? Top : null,
        };
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var numbers = (await Connection.Numbers.ListAsync(_query, cancellationToken).ConfigureAwait(false)).AsEnumerable();
        if (_targetId is not null)
        {
            numbers = numbers.Where(n => string.Equals(n.AssignmentTargetId, _targetId, StringComparison.OrdinalIgnoreCase));
            if (Top is { } top)
            {
                numbers = numbers.Take(top);
            }
        }

        foreach (var number in numbers)
        {
            QueueObject(number);
        }
    }
}
