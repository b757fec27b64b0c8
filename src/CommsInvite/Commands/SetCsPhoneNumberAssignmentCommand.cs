using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsPhoneNumberAssignment, with MicrosoftTeams' parameter sets. Assignment: assigns one of the tenant's numbers
/// to a user or resource account through Graph (numberAssignments/assignNumber, with -LocationId and
/// -AssignmentCategory) and waits for the operation; -NetworkSiteId and -ReverseNumberLookup follow through
/// updateNumber. A number already assigned to this account is left alone; one assigned to someone else is
/// NumberAssignedElsewhere. LocationUpdate / NetworkSiteUpdate / ReverseNumberLookupUpdate: updateNumber on a number.
/// Attribute (-EnterpriseVoiceEnabled) and -Notify have no Graph counterpart and are refused before any request.
/// -PassThru (ours) emits the account with its number, so a pipeline can go on.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsPhoneNumberAssignment", DefaultParameterSetName = LocationSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsPhoneNumberAssignmentCommand : NumberAssignmentCmdlet
{
    private const string LocationSet = "LocationUpdate";
    private const string NetworkSiteSet = "NetworkSiteUpdate";
    private const string ReverseLookupSet = "ReverseNumberLookupUpdate";
    private const string AssignmentSet = "Assignment";
    private const string AttributeSet = "Attribute";

    private static readonly string[] NotThroughGraph = { "Notify", "EnterpriseVoiceEnabled", "HttpPipelinePrepend" };

    private string _number = string.Empty;
    private string _numberType = string.Empty;
    private string _category = "primary";
    private string[]? _reverseNumberLookup;

    /// <summary>The account: object id or user principal name (binds ObjectId from an application instance).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AssignmentSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = AttributeSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    /// <summary>E.164, e.g. +12345678901. Deliberately not bound from the pipeline: a piped instance's own (empty) PhoneNumber must not bind.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LocationSet)]
    [Parameter(Mandatory = true, ParameterSetName = NetworkSiteSet)]
    [Parameter(Mandatory = true, ParameterSetName = ReverseLookupSet)]
    [Parameter(Mandatory = true, ParameterSetName = AssignmentSet)]
    [Alias("PhoneNumber")]
    [ValidateNotNullOrEmpty]
    public string? TelephoneNumber { get; set; }

    /// <summary>CallingPlan, DirectRouting or OperatorConnect.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AssignmentSet)]
    [Alias("PhoneNumberType")]
    [ArgumentCompleter(typeof(NumberTypeCompleter))]
    public string? NumberType { get; set; }

    /// <summary>An emergency location id (Get-CsOnlineLisLocation); the text null removes the number's location.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LocationSet)]
    [Parameter(ParameterSetName = AssignmentSet)]
    [ValidateNotNullOrEmpty]
    public string? LocationId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NetworkSiteSet)]
    [Parameter(ParameterSetName = AssignmentSet)]
    [ValidateNotNullOrEmpty]
    public string? NetworkSiteId { get; set; }

    /// <summary>SkipInternalVoip, or an empty string to clear the options.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ReverseLookupSet)]
    [Parameter(ParameterSetName = AssignmentSet)]
    [AllowEmptyString]
    public string? ReverseNumberLookup { get; set; }

    /// <summary>Primary (default), Private or Alternate.</summary>
    [Parameter(ParameterSetName = AssignmentSet)]
    public string? AssignmentCategory { get; set; }

    /// <summary>MicrosoftTeams e-mails the user; Graph has no counterpart: not supported.</summary>
    [Parameter(ParameterSetName = AssignmentSet)]
    public SwitchParameter Notify { get; set; }

    /// <summary>A Teams user setting with no Graph counterpart: not supported.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AttributeSet)]
    public bool EnterpriseVoiceEnabled { get; set; }

    /// <summary>MicrosoftTeams' HTTP pipeline steps (its own types): not supported.</summary>
    [Parameter]
    public object[]? HttpPipelinePrepend { get; set; }

    /// <summary>Emits the account with its number (ours; MicrosoftTeams emits nothing).</summary>
    [Parameter(ParameterSetName = AssignmentSet)]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ParameterSetName = AssignmentSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ApplicationId { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ParameterSetName = AssignmentSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? Synced { get; set; }

    protected override void BeginProcessing()
    {
        UnsupportedParameters.Refuse(this, NotThroughGraph, "Graph's number assignment API, which this cmdlet uses, has no counterpart.",
            "Leave it out, or run MicrosoftTeams\\Set-CsPhoneNumberAssignment with it.");
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _number = InputRules.RequirePhoneNumber(ProvisioningInput.PlainPhoneNumber(TelephoneNumber), "TelephoneNumber");
        if (ParameterSetName == AssignmentSet)
        {
            _numberType = ProvisioningInput.RequireNumberType(NumberType);
            _category = ProvisioningInput.RequireAssignmentCategory(AssignmentCategory);
        }

        if (LocationId is not null)
        {
            InputRules.RequireNonEmpty(LocationId, "LocationId", 256);
        }

        if (NetworkSiteId is not null)
        {
            InputRules.RequireNonEmpty(NetworkSiteId, "NetworkSiteId", 256);
        }

        _reverseNumberLookup = ReverseNumberLookup is null ? null : ProvisioningInput.RequireReverseNumberLookup(ReverseNumberLookup);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName != AssignmentSet)
        {
            return PerRecordAsync(() => UpdateAsync(Update(), cancellationToken));
        }

        var identity = ProvisioningInput.RequireIdentity(Identity);
        var applicationId = ProvisioningInput.OptionalApplicationId(ApplicationId);
        var synced = ProvisioningInput.OptionalBoolean(Synced, nameof(Synced));
        var assignment = new NumberAssignRequest { TelephoneNumber = _number, NumberType = _numberType, AssignmentCategory = _category, LocationId = LocationId?.Trim() };
        return PerRecordAsync(async () =>
        {
            var account = await AssignAsync(identity, assignment, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                return;
            }

            var follow = Update();
            follow.LocationId = null; // sent with the assignment
            if (follow.HasChanges)
            {
                await UpdateAsync(follow, cancellationToken).ConfigureAwait(false);
            }

            if (PassThru)
            {
                QueueObject(DescribeAccount(account, applicationId, _number, synced));
            }
        });
    }

    private NumberUpdateRequest Update() => new()
    {
        TelephoneNumber = _number,
        LocationId = LocationId?.Trim(),
        NetworkSiteId = NetworkSiteId?.Trim(),
        ReverseNumberLookup = _reverseNumberLookup,
    };
}
