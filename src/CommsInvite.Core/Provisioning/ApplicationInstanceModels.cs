using System;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// A Teams resource account (application instance) with the properties MicrosoftTeams' Get-CsOnlineApplicationInstance
/// shows (ObjectId, TenantId, UserPrincipalName, ApplicationId, DisplayName, PhoneNumber, AcsResourceId), plus Synced.
/// PhoneNumber is E.164 without MicrosoftTeams' "tel:" prefix, so it can be piped straight into the number cmdlets.
/// </summary>
public sealed class ApplicationInstance
{
    [JsonPropertyName("objectId")] public string ObjectId { get; set; } = string.Empty;
    [JsonPropertyName("tenantId")] public string? TenantId { get; set; }
    [JsonPropertyName("userPrincipalName")] public string UserPrincipalName { get; set; } = string.Empty;
    [JsonPropertyName("displayName")] public string? DisplayName { get; set; }
    [JsonPropertyName("applicationId")] public string? ApplicationId { get; set; }
    [JsonPropertyName("phoneNumber")] public string? PhoneNumber { get; set; }
    [JsonPropertyName("acsResourceId")] public string? AcsResourceId { get; set; }
    [JsonPropertyName("synced")] public bool Synced { get; set; }

    public override string ToString() => UserPrincipalName;
}

/// <summary>Sync progress, one report per attempt.</summary>
internal sealed class SyncProgress
{
    public string Identity { get; init; } = string.Empty;
    public int Attempt { get; init; }
    public TimeSpan Elapsed { get; init; }
    public TimeSpan Timeout { get; init; }
    public string Message { get; init; } = string.Empty;
}
