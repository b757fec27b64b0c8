using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommsInvite.Emulator;

/// <summary>The connection file's content (JSON, camelCase); its fields are a fixed interface (docs/emulator.md).</summary>
public sealed record EmulatorConnectionFile
{
    public required string GraphEndpoint { get; init; }
    public required string AuthorityHost { get; init; }
    public required string TenantId { get; init; }
    public required string ClientId { get; init; }
    public required string ClientSecret { get; init; }
    public required string CertificateThumbprint { get; init; }
    public required string ManagedIdentityEndpoint { get; init; }
    public required string ManagedIdentityHeader { get; init; }
    public required string ClientCertificatePath { get; init; }
    public required string ClientCertificatePassword { get; init; }
    public required string ClientCertificateThumbprint { get; init; }
    public required string NotificationOpenIdConfiguration { get; init; }
    public required string NotificationIssuer { get; init; }
    public required string AdminEndpoint { get; init; }
    /// <summary>The public client users sign in through (device code, browser).</summary>
    public required string PublicClientId { get; init; }
    /// <summary>The seeded administrator (License, User and Teams Telephony Administrator).</summary>
    public required string AdminUserId { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
