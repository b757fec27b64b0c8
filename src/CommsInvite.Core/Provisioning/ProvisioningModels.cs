using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Provisioning;

/// <summary>GET /subscribedSkus entry.</summary>
public sealed class SubscribedSku
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("skuId")] public string SkuId { get; set; } = string.Empty;
    [JsonPropertyName("skuPartNumber")] public string SkuPartNumber { get; set; } = string.Empty;
    [JsonPropertyName("capabilityStatus")] public string? CapabilityStatus { get; set; }
    [JsonPropertyName("consumedUnits")] public int ConsumedUnits { get; set; }
    [JsonPropertyName("prepaidUnits")] public LicenseUnits PrepaidUnits { get; set; } = new();

    /// <summary>Seats left to assign.</summary>
    [JsonIgnore] public int AvailableUnits => Math.Max(0, PrepaidUnits.Enabled - ConsumedUnits);

    public override string ToString() => $"{SkuPartNumber} ({SkuId})";
}

public sealed class LicenseUnits
{
    [JsonPropertyName("enabled")] public int Enabled { get; set; }
    [JsonPropertyName("suspended")] public int Suspended { get; set; }
    [JsonPropertyName("warning")] public int Warning { get; set; }
}

public sealed class AssignedLicense
{
    [JsonPropertyName("skuId")] public string SkuId { get; set; } = string.Empty;
    [JsonPropertyName("disabledPlans")] public IList<string> DisabledPlans { get; set; } = new List<string>();
}

/// <summary>The members of microsoft.graph.user that licensing needs.</summary>
public sealed class GraphUser
{
    [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
    [JsonPropertyName("userPrincipalName")] public string? UserPrincipalName { get; set; }
    [JsonPropertyName("displayName")] public string? DisplayName { get; set; }
    [JsonPropertyName("usageLocation")] public string? UsageLocation { get; set; }
    [JsonPropertyName("assignedLicenses")] public IList<AssignedLicense> AssignedLicenses { get; set; } = new List<AssignedLicense>();

    public override string ToString() => UserPrincipalName ?? Id;
}

/// <summary>What Set-CsGraphUserLicense asks for.</summary>
public sealed class LicenseAssignmentRequest
{
    /// <summary>Object id or user principal name.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>Part numbers (PHONESYSTEM_VIRTUALUSER, MCOPSTN1...), resolved through subscribedSkus.</summary>
    public IList<string> SkuPartNumbers { get; set; } = new List<string>();

    public IList<string> SkuIds { get; set; } = new List<string>();

    /// <summary>Two-letter ISO country code, set first when given and different.</summary>
    public string? UsageLocation { get; set; }
}

/// <summary>What an assignment would change; cmdlets show it for -WhatIf and pass it to Apply.</summary>
public sealed class LicenseAssignmentPlan
{
    public GraphUser User { get; init; } = null!;
    public IReadOnlyList<SubscribedSku> ToAssign { get; init; } = Array.Empty<SubscribedSku>();
    public IReadOnlyList<SubscribedSku> AlreadyAssigned { get; init; } = Array.Empty<SubscribedSku>();

    /// <summary>The usageLocation to set, or null when it stays as it is.</summary>
    public string? UsageLocationToSet { get; init; }

    public bool HasChanges => ToAssign.Count > 0 || UsageLocationToSet is not null;

    public override string ToString() =>
        $"{User}: assign [{string.Join(", ", ToAssign)}], already [{string.Join(", ", AlreadyAssigned)}]" + (UsageLocationToSet is null ? string.Empty : $", usageLocation {UsageLocationToSet}");
}

/// <summary>The outcome of an assignment.</summary>
public sealed class LicenseAssignmentResult
{
    public GraphUser User { get; init; } = null!;
    public IReadOnlyList<SubscribedSku> Assigned { get; init; } = Array.Empty<SubscribedSku>();
    public IReadOnlyList<SubscribedSku> AlreadyAssigned { get; init; } = Array.Empty<SubscribedSku>();
    public bool UsageLocationChanged { get; init; }
    public bool Changed => Assigned.Count > 0 || UsageLocationChanged;
}

/// <summary>A Teams telephone number and its assignment (numberAssignment).</summary>
public sealed class NumberAssignment
{
    [JsonPropertyName("telephoneNumber")] public string TelephoneNumber { get; set; } = string.Empty;
    [JsonPropertyName("operatorId")] public string? OperatorId { get; set; }
    [JsonPropertyName("numberType")] public string? NumberType { get; set; }
    [JsonPropertyName("activationState")] public string? ActivationState { get; set; }
    [JsonPropertyName("assignmentTargetId")] public string? AssignmentTargetId { get; set; }
    [JsonPropertyName("assignmentCategory")] public string? AssignmentCategory { get; set; }
    [JsonPropertyName("assignmentStatus")] public string? AssignmentStatus { get; set; }
    [JsonPropertyName("cityCode")] public string? CityCode { get; set; }
    [JsonPropertyName("isoCountryCode")] public string? IsoCountryCode { get; set; }
    [JsonPropertyName("locationId")] public string? LocationId { get; set; }
    [JsonPropertyName("networkSiteId")] public string? NetworkSiteId { get; set; }
    [JsonPropertyName("portInStatus")] public string? PortInStatus { get; set; }
    [JsonPropertyName("reverseNumberLookup")] public IList<string>? ReverseNumberLookup { get; set; }
    [JsonPropertyName("supportedCustomerActions")] public IList<string>? SupportedCustomerActions { get; set; }

    [JsonIgnore] public bool IsAssigned => !string.IsNullOrEmpty(AssignmentTargetId) && !string.Equals(AssignmentStatus, "unassigned", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{TelephoneNumber} ({AssignmentStatus})";
}

/// <summary>Filters of Get-CsPhoneNumberAssignment.</summary>
public sealed class NumberAssignmentQuery
{
    public string? TelephoneNumber { get; set; }

    /// <summary>callingPlan | directRouting | operatorConnect (case-insensitive; cmdlet names accepted).</summary>
    public string? NumberType { get; set; }

    /// <summary>unassigned | userAssigned | conferenceAssigned | voiceApplicationAssigned ...</summary>
    public string? AssignmentStatus { get; set; }

    public int? Top { get; set; }
}

/// <summary>Set-CsPhoneNumberAssignment.</summary>
public sealed class NumberAssignRequest
{
    public string TelephoneNumber { get; set; } = string.Empty;

    /// <summary>The object id of the user or application instance.</summary>
    public string AssignmentTargetId { get; set; } = string.Empty;

    public string NumberType { get; set; } = "callingPlan";

    /// <summary>primary (default) or private.</summary>
    public string AssignmentCategory { get; set; } = "primary";
}

/// <summary>telephoneNumberManagement long-running operation.</summary>
public sealed class NumberOperation
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("createdDateTime")] public DateTimeOffset? CreatedDateTime { get; set; }
    [JsonPropertyName("resourceLocation")] public string? ResourceLocation { get; set; }
    [JsonPropertyName("error")] public NumberOperationError? Error { get; set; }

    public override string ToString() => $"{Id} ({Status})";
}

public sealed class NumberOperationError
{
    [JsonPropertyName("code")] public string? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
}

/// <summary>The outcome of assign/unassign.</summary>
public sealed class NumberAssignmentResult
{
    public NumberAssignment? Assignment { get; init; }
    public bool Changed { get; init; }
    public NumberOperation? Operation { get; init; }
}

/// <summary>A Teams resource account (application instance), as the emulator and MicrosoftTeams expose it.</summary>
public sealed class ApplicationInstance
{
    [JsonPropertyName("objectId")] public string ObjectId { get; set; } = string.Empty;
    [JsonPropertyName("userPrincipalName")] public string UserPrincipalName { get; set; } = string.Empty;
    [JsonPropertyName("displayName")] public string? DisplayName { get; set; }
    [JsonPropertyName("applicationId")] public string? ApplicationId { get; set; }
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }
    [JsonPropertyName("synced")] public bool Synced { get; set; }

    public override string ToString() => UserPrincipalName;
}

/// <summary>Sync progress, one report per attempt.</summary>
public sealed class SyncProgress
{
    public string Identity { get; init; } = string.Empty;
    public int Attempt { get; init; }
    public TimeSpan Elapsed { get; init; }
    public TimeSpan Timeout { get; init; }
    public string Message { get; init; } = string.Empty;
}
