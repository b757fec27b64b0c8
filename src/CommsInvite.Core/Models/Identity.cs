using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>microsoft.graph.identity: one identity inside an identitySet.</summary>
public sealed class GraphIdentity
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("displayName")] public string? DisplayName { get; set; }
    [JsonPropertyName("identityProvider")] public string? IdentityProvider { get; set; }
    [JsonPropertyName("tenantId")] public string? TenantId { get; set; }

    public override string ToString() => DisplayName ?? Id ?? string.Empty;
}

/// <summary>The kind of identity an identitySet carries; the first non-null member wins.</summary>
public enum IdentityKind
{
    Unknown,
    User,
    Application,
    ApplicationInstance,
    Phone,
    Guest,
    Device,
    Encrypted,
    OnPremises,
}

/// <summary>microsoft.graph.identitySet (with the communications extensions used by calls).</summary>
public sealed class IdentitySet
{
    [JsonPropertyName("@odata.type")] public string? ODataType { get; set; }
    [JsonPropertyName("user")] public GraphIdentity? User { get; set; }
    [JsonPropertyName("application")] public GraphIdentity? Application { get; set; }
    [JsonPropertyName("applicationInstance")] public GraphIdentity? ApplicationInstance { get; set; }
    [JsonPropertyName("phone")] public GraphIdentity? Phone { get; set; }
    [JsonPropertyName("guest")] public GraphIdentity? Guest { get; set; }
    [JsonPropertyName("device")] public GraphIdentity? Device { get; set; }
    [JsonPropertyName("encrypted")] public GraphIdentity? Encrypted { get; set; }
    [JsonPropertyName("onPremises")] public GraphIdentity? OnPremises { get; set; }

    [JsonIgnore]
    public IdentityKind Kind =>
        User is not null ? IdentityKind.User :
        Application is not null ? IdentityKind.Application :
        ApplicationInstance is not null ? IdentityKind.ApplicationInstance :
        Phone is not null ? IdentityKind.Phone :
        Guest is not null ? IdentityKind.Guest :
        Device is not null ? IdentityKind.Device :
        Encrypted is not null ? IdentityKind.Encrypted :
        OnPremises is not null ? IdentityKind.OnPremises :
        IdentityKind.Unknown;

    /// <summary>The identity that <see cref="Kind"/> names, or null.</summary>
    [JsonIgnore]
    public GraphIdentity? Primary => Kind switch
    {
        IdentityKind.User => User,
        IdentityKind.Application => Application,
        IdentityKind.ApplicationInstance => ApplicationInstance,
        IdentityKind.Phone => Phone,
        IdentityKind.Guest => Guest,
        IdentityKind.Device => Device,
        IdentityKind.Encrypted => Encrypted,
        IdentityKind.OnPremises => OnPremises,
        _ => null,
    };

    /// <summary>A stable key ("user:GUID", "phone:+1...") used to match invitees to roster entries.</summary>
    [JsonIgnore]
    public string Key => Kind == IdentityKind.Unknown
        ? "unknown:"
        : Kind.ToString().ToLowerInvariant() + ":" + (Primary?.Id ?? string.Empty).ToLowerInvariant();

    public override string ToString() => Kind == IdentityKind.Unknown ? string.Empty : $"{Kind}:{Primary}";

    public static IdentitySet ForUser(string id, string? tenantId = null) =>
        new() { User = new GraphIdentity { Id = id, IdentityProvider = "AAD", TenantId = tenantId } };

    public static IdentitySet ForPhone(string e164) => new() { Phone = new GraphIdentity { Id = e164 } };

    public static IdentitySet ForApplication(string id) => new() { Application = new GraphIdentity { Id = id } };

    public static IdentitySet ForApplicationInstance(string id) =>
        new() { ApplicationInstance = new GraphIdentity { Id = id } };

    public static IdentitySet ForGuest(string id, string? displayName) =>
        new() { Guest = new GraphIdentity { Id = id, DisplayName = displayName } };
}
