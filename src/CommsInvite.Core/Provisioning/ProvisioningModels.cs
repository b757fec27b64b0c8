using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Provisioning;

/// <summary>GET /subscribedSkus entry.</summary>
internal sealed class SubscribedSku
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

internal sealed class LicenseUnits
{
    [JsonPropertyName("enabled")] public int Enabled { get; set; }
    [JsonPropertyName("suspended")] public int Suspended { get; set; }
    [JsonPropertyName("warning")] public int Warning { get; set; }
}

internal sealed class AssignedLicense
{
    [JsonPropertyName("skuId")] public string SkuId { get; set; } = string.Empty;
    [JsonPropertyName("disabledPlans")] public IList<string> DisabledPlans { get; set; } = new List<string>();
}

/// <summary>The members of microsoft.graph.user that licensing needs.</summary>
internal sealed class GraphUser
{
    [JsonPropertyName("id")] public string Id { get; set; } = string.Empty;
    [JsonPropertyName("userPrincipalName")] public string? UserPrincipalName { get; set; }
    [JsonPropertyName("displayName")] public string? DisplayName { get; set; }
    [JsonPropertyName("usageLocation")] public string? UsageLocation { get; set; }
    [JsonPropertyName("assignedLicenses")] public IList<AssignedLicense> AssignedLicenses { get; set; } = new List<AssignedLicense>();

    public override string ToString() => UserPrincipalName ?? Id;
}

/// <summary>What Set-CsGraphUserLicense asks for.</summary>
internal sealed class LicenseAssignmentRequest
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
internal sealed class LicenseAssignmentPlan
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
internal sealed class LicenseAssignmentResult
{
    public GraphUser User { get; init; } = null!;
    public IReadOnlyList<SubscribedSku> Assigned { get; init; } = Array.Empty<SubscribedSku>();
    public IReadOnlyList<SubscribedSku> AlreadyAssigned { get; init; } = Array.Empty<SubscribedSku>();
    public bool UsageLocationChanged { get; init; }
    public bool Changed => Assigned.Count > 0 || UsageLocationChanged;
}
