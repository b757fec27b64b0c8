using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Get-CsPhoneNumberAssignment: the tenant's telephone numbers and their assignments (Graph v1.0 numberAssignments),
/// with MicrosoftTeams' parameters and output. At most 500 numbers unless -Top says otherwise (up to 1000; -Skip
/// pages further). `-PstnAssignmentStatus Unassigned -Top 1` picks a free acquired number.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CsPhoneNumberAssignment")]
[OutputType(typeof(NumberAssignment))]
public sealed class GetCsPhoneNumberAssignmentCommand : ProvisioningCmdlet
{
    /// <summary>Parameters of MicrosoftTeams' cmdlet that Graph's numberAssignments list has no counterpart for.</summary>
    private static readonly string[] NotThroughGraph =
        { "CapabilitiesContain", "CivicAddressId", "Filter", "Break", "HttpPipelineAppend", "HttpPipelinePrepend", "Proxy", "ProxyCredential", "ProxyUseDefaultCredentials" };

    private NumberAssignmentQuery _query = new();

    private protected override GraphApi? CloudLimitedApi => GraphApi.TelephoneNumberManagement;
    private string? _targetIdentity;

    [Parameter(Position = 0)]
    [Alias("PhoneNumber")]
    public string? TelephoneNumber { get; set; }

    [Parameter]
    public string? TelephoneNumberContain { get; set; }

    [Parameter]
    public string? TelephoneNumberStartsWith { get; set; }

    [Parameter]
    public string? TelephoneNumberGreaterThan { get; set; }

    [Parameter]
    public string? TelephoneNumberLessThan { get; set; }

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

    /// <summary>Only the numbers assigned to this account: object id or user principal name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AssignedPstnTargetId { get; set; }

    /// <summary>Activated, AssignmentPending, AssignmentFailed, UpdatePending, UpdateFailed.</summary>
    [Parameter]
    public string? ActivationState { get; set; }

    /// <summary>Primary, Private or Alternate.</summary>
    [Parameter]
    public string? AssignmentCategory { get; set; }

    [Parameter]
    public string? IsoCountryCode { get; set; }

    [Parameter]
    public string? LocationId { get; set; }

    [Parameter]
    public string? NetworkSiteId { get; set; }

    /// <summary>MicrosoftTeams filters on number capabilities, which Graph does not report: not supported.</summary>
    [Parameter]
    public string? CapabilitiesContain { get; set; }

    /// <summary>Not in Graph's numberAssignment: not supported.</summary>
    [Parameter]
    public string? CivicAddressId { get; set; }

    /// <summary>MicrosoftTeams' own filter language: not supported (use the named filter parameters).</summary>
    [Parameter]
    public string? Filter { get; set; }

    /// <summary>Skips this many numbers first (sorted by number).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Skip { get; set; }

    /// <summary>At most this many numbers (1..1000); 500 when omitted.</summary>
    [Parameter]
    [ValidateRange(1, NumberAssignmentQuery.MaxTop)]
    public int? Top { get; set; }

    /// <summary>MicrosoftTeams' AutoRest debugging switch: not supported.</summary>
    [Parameter]
    public SwitchParameter Break { get; set; }

    /// <summary>MicrosoftTeams' HTTP pipeline steps (its own types): not supported.</summary>
    [Parameter]
    public object[]? HttpPipelineAppend { get; set; }

    /// <summary>MicrosoftTeams' HTTP pipeline steps (its own types): not supported.</summary>
    [Parameter]
    public object[]? HttpPipelinePrepend { get; set; }

    /// <summary>Not supported: CommsInvite uses the system proxy.</summary>
    [Parameter]
    public System.Uri? Proxy { get; set; }

    /// <summary>Not supported: CommsInvite uses the system proxy.</summary>
    [Parameter]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>Not supported: CommsInvite uses the system proxy.</summary>
    [Parameter]
    public SwitchParameter ProxyUseDefaultCredentials { get; set; }

    protected override void BeginProcessing()
    {
        UnsupportedParameters.Refuse(this, NotThroughGraph, "Graph's numberAssignments list, which this cmdlet uses, has no counterpart.",
            "Leave it out (the named filters -TelephoneNumber*, -NumberType, -PstnAssignmentStatus, -AssignedPstnTargetId, -LocationId... work), or run MicrosoftTeams\\Get-CsPhoneNumberAssignment.");
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _targetIdentity = AssignedPstnTargetId is null ? null : ProvisioningInput.RequireIdentity(AssignedPstnTargetId, "AssignedPstnTargetId");
        _query = new NumberAssignmentQuery
        {
            TelephoneNumber = Blank(TelephoneNumber) ? null : InputRules.RequirePhoneNumber(ProvisioningInput.PlainPhoneNumber(TelephoneNumber), "TelephoneNumber"),
            TelephoneNumberContains = Digits(TelephoneNumberContain, "TelephoneNumberContain"),
            TelephoneNumberStartsWith = Digits(TelephoneNumberStartsWith, "TelephoneNumberStartsWith"),
            TelephoneNumberGreaterThan = Digits(TelephoneNumberGreaterThan, "TelephoneNumberGreaterThan"),
            TelephoneNumberLessThan = Digits(TelephoneNumberLessThan, "TelephoneNumberLessThan"),
            NumberType = Blank(NumberType) ? null : ProvisioningInput.RequireNumberType(NumberType),
            AssignmentStatus = Blank(PstnAssignmentStatus) ? null : ProvisioningInput.RequireAssignmentStatus(PstnAssignmentStatus),
            ActivationState = Blank(ActivationState) ? null : ProvisioningInput.RequireActivationState(ActivationState),
            AssignmentCategory = Blank(AssignmentCategory) ? null : ProvisioningInput.RequireAssignmentCategory(AssignmentCategory),
            IsoCountryCode = Blank(IsoCountryCode) ? null : ProvisioningInput.RequireUsageLocation(IsoCountryCode, "IsoCountryCode"),
            LocationId = Blank(LocationId) ? null : InputRules.RequireNonEmpty(LocationId, "LocationId", 256).Trim(),
            NetworkSiteId = Blank(NetworkSiteId) ? null : InputRules.RequireNonEmpty(NetworkSiteId, "NetworkSiteId", 256).Trim(),
            Skip = Skip,
            Top = Top,
        };
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        // A value that names nothing (an -AssignedPstnTargetId no account has: UserNotFound; a -TelephoneNumber the
        // tenant does not hold: NumberNotFound) is a non-terminating error, as Get-Item gives for a missing path. A
        // failing list request is terminating: this command has nothing else to go on with.
        if (_targetIdentity is not null && !InputRules.IsGuid(_targetIdentity))
        {
            // MicrosoftTeams takes a UPN here too; Graph filters on the object id.
            try
            {
                _query.AssignmentTargetId = (await Connection.Licenses.GetUserAsync(_targetIdentity, cancellationToken).ConfigureAwait(false)).Id;
            }
            catch (CommsInviteException ex) when (ex.Category == FailureCategory.ObjectNotFound)
            {
                QueueError(ex);
                return;
            }
        }
        else
        {
            _query.AssignmentTargetId = _targetIdentity;
        }

        var numbers = await Connection.Numbers.ListAsync(_query, cancellationToken).ConfigureAwait(false);
        foreach (var number in numbers)
        {
            QueueObject(number);
        }

        // Nothing listed for one exact number: other filters may simply exclude it, so only a number the tenant does
        // not hold at all is an error (one more read, made only in this case).
        if (numbers.Count == 0 && _query.TelephoneNumber is { } exact
            && await Connection.Numbers.GetAsync(exact, cancellationToken).ConfigureAwait(false) is null)
        {
            QueueError(new CommsInviteException(ErrorIds.Numbers.NumberNotFound, FailureCategory.ObjectNotFound,
                $"{exact} is not one of the tenant's telephone numbers.", exact));
        }
    }

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>A part of a number: digits, optionally a leading +, or an extension (;ext=).</summary>
    private static string? Digits(string? value, string parameterName)
    {
        if (Blank(value))
        {
            return null;
        }

        var trimmed = value!.Trim();
        foreach (var c in trimmed)
        {
            if (!char.IsDigit(c) && c != '+' && c != ';' && c != '=' && c != 'e' && c != 'x' && c != 't')
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidPhoneNumber, parameterName, $"'{value}' is not part of a telephone number: use digits, e.g. 1425 or +1425.", value);
            }
        }

        return trimmed;
    }
}
