using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// A Teams telephone number and its assignment. It reads Graph's numberAssignment and shows it the way the
/// MicrosoftTeams module's Get-CsPhoneNumberAssignment does: its property names (PstnAssignmentStatus,
/// AssignedPstnTargetId, City, Capability, PortInOrderStatus...) and its value spellings (CallingPlan, Activated,
/// Primary, UserAssigned), so existing scripts that filter on them keep working. Graph's own names
/// (AssignmentTargetId, AssignmentStatus, CityCode, PortInStatus) stay as extra properties with Graph's values.
/// </summary>
public sealed class NumberAssignment
{
    private string? _numberType;
    private string? _activationState;
    private string? _assignmentCategory;
    private IList<string>? _reverseNumberLookup;

    [JsonPropertyName("telephoneNumber")] public string TelephoneNumber { get; set; } = string.Empty;

    [JsonPropertyName("operatorId")] public string? OperatorId { get; set; }

    /// <summary>CallingPlan | DirectRouting | OperatorConnect (Graph sends callingPlan...).</summary>
    [JsonPropertyName("numberType")]
    public string? NumberType { get => _numberType; set => _numberType = TeamsSpelling.Pascal(value); }

    /// <summary>Activated, AssignmentPending, AssignmentFailed, UpdatePending, UpdateFailed.</summary>
    [JsonPropertyName("activationState")]
    public string? ActivationState { get => _activationState; set => _activationState = TeamsSpelling.Pascal(value); }

    /// <summary>MicrosoftTeams' name for the assignee's object id.</summary>
    [JsonIgnore] public string? AssignedPstnTargetId => AssignmentTargetId;

    /// <summary>Primary | Private | Alternate.</summary>
    [JsonPropertyName("assignmentCategory")]
    public string? AssignmentCategory { get => _assignmentCategory; set => _assignmentCategory = TeamsSpelling.Pascal(value); }

    /// <summary>Graph does not report capabilities; empty unless a backend that knows them filled it.</summary>
    [JsonIgnore] public string[] Capability { get; set; } = Array.Empty<string>();

    /// <summary>MicrosoftTeams' name for Graph's city.</summary>
    [JsonIgnore] public string? City => CityCode;

    [JsonIgnore] public string? CivicAddressId { get; set; }

    [JsonPropertyName("isoCountryCode")] public string? IsoCountryCode { get; set; }

    [JsonIgnore] public string? IsoSubdivision { get; set; }

    [JsonPropertyName("locationId")] public string? LocationId { get; set; }

    /// <summary>True when Graph lists updateLocation among the number's supported customer actions.</summary>
    [JsonIgnore]
    public bool? LocationUpdateSupported => SupportedCustomerActions is null
        ? null
        : SupportedCustomerActions.Any(a => a.IndexOf("location", StringComparison.OrdinalIgnoreCase) >= 0 || string.Equals(a, "update", StringComparison.OrdinalIgnoreCase));

    [JsonPropertyName("networkSiteId")] public string? NetworkSiteId { get; set; }

    /// <summary>MicrosoftTeams' name for Graph's portInStatus, in MicrosoftTeams' spelling.</summary>
    [JsonIgnore] public string? PortInOrderStatus => TeamsSpelling.Pascal(PortInStatus);

    /// <summary>Unassigned, UserAssigned, ConferenceAssigned, VoiceApplicationAssigned, ThirdPartyAppAssigned, PolicyAssigned.</summary>
    [JsonIgnore] public string? PstnAssignmentStatus => TeamsSpelling.Pascal(AssignmentStatus);

    [JsonIgnore] public string? PstnPartnerId { get; set; }

    [JsonIgnore] public string? PstnPartnerName { get; set; }

    /// <summary>OnPremises for Direct Routing numbers, Online for the others (as MicrosoftTeams' examples show).</summary>
    [JsonIgnore]
    public string? NumberSource => _numberType is null ? null : string.Equals(_numberType, "DirectRouting", StringComparison.Ordinal) ? "OnPremises" : "Online";

    /// <summary>Graph v1.0's reverseNumberLookupOptions, in MicrosoftTeams' spelling, e.g. SkipInternalVoip.</summary>
    [JsonPropertyName("reverseNumberLookupOptions")]
    public IList<string>? ReverseNumberLookup { get => _reverseNumberLookup; set => _reverseNumberLookup = value?.Select(v => TeamsSpelling.Pascal(v) ?? string.Empty).ToList(); }

    [JsonIgnore] public string[] Tag { get; set; } = Array.Empty<string>();

    [JsonIgnore] public string? AssignmentBlockedState { get; set; }

    [JsonIgnore] public DateTimeOffset? AssignmentBlockedUntil { get; set; }

    [JsonIgnore] public string? SmsActivationState { get; set; }

    // ---- Graph's own fields, under Graph's names and with Graph's values ----

    [JsonPropertyName("assignmentTargetId")] public string? AssignmentTargetId { get; set; }

    [JsonPropertyName("assignmentStatus")] public string? AssignmentStatus { get; set; }

    /// <summary>Graph v1.0's city (the property keeps the name it had when Graph called it cityCode).</summary>
    [JsonPropertyName("city")] public string? CityCode { get; set; }

    [JsonPropertyName("portInStatus")] public string? PortInStatus { get; set; }

    [JsonPropertyName("supportedCustomerActions")] public IList<string>? SupportedCustomerActions { get; set; }

    [JsonIgnore] public bool IsAssigned => !string.IsNullOrEmpty(AssignmentTargetId) && !string.Equals(AssignmentStatus, "unassigned", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{TelephoneNumber} ({PstnAssignmentStatus})";
}

/// <summary>Graph spells enum values in camelCase (callingPlan); MicrosoftTeams in PascalCase (CallingPlan).</summary>
internal static class TeamsSpelling
{
    public static string? Pascal(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return char.ToUpperInvariant(value![0]) + value.Substring(1);
    }

    /// <summary>CallingPlan → callingPlan.</summary>
    public static string? Camel(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return char.ToLowerInvariant(value![0]) + value.Substring(1);
    }
}
