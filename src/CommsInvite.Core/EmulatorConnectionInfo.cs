using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommsInvite.Core;

/// <summary>The emulator's connection file (JSON, camelCase), a fixed interface (docs/emulator.md).</summary>
internal sealed class EmulatorConnectionInfo
{
    [JsonPropertyName("graphEndpoint")] public Uri GraphEndpoint { get; set; } = null!;
    [JsonPropertyName("authorityHost")] public Uri AuthorityHost { get; set; } = null!;
    [JsonPropertyName("tenantId")] public string TenantId { get; set; } = string.Empty;
    [JsonPropertyName("clientId")] public string ClientId { get; set; } = string.Empty;

    /// <summary>The emulator's well-known development secret; kept masked once loaded.</summary>
    [JsonIgnore] public SecretString? ClientSecret { get; set; }

    /// <summary>SHA-1 hex of the emulator's TLS certificate: the only certificate trusted for it.</summary>
    [JsonPropertyName("certificateThumbprint")] public string CertificateThumbprint { get; set; } = string.Empty;

    [JsonPropertyName("managedIdentityEndpoint")] public Uri? ManagedIdentityEndpoint { get; set; }
    [JsonIgnore] public SecretString? ManagedIdentityHeader { get; set; }
    [JsonPropertyName("clientCertificatePath")] public string? ClientCertificatePath { get; set; }
    [JsonIgnore] public SecretString? ClientCertificatePassword { get; set; }
    [JsonPropertyName("clientCertificateThumbprint")] public string? ClientCertificateThumbprint { get; set; }
    [JsonPropertyName("notificationOpenIdConfiguration")] public Uri? NotificationOpenIdConfiguration { get; set; }
    [JsonPropertyName("notificationIssuer")] public string? NotificationIssuer { get; set; }
    [JsonPropertyName("adminEndpoint")] public Uri? AdminEndpoint { get; set; }

    /// <summary>
    /// The public cloud whose Graph APIs the emulator stands in for ("cloud": Global, USGov, USGovDoD or China;
    /// Global when absent), so a script can be tried offline against what a national cloud does not offer.
    /// </summary>
    [JsonIgnore] public CloudEnvironment Cloud { get; set; } = CloudEnvironment.Global;

    /// <summary>The public client users sign in through (-UseDeviceCode, -Interactive); null in older files.</summary>
    [JsonPropertyName("publicClientId")] public string? PublicClientId { get; set; }

    /// <summary>Where it was read from (not in the file).</summary>
    [JsonIgnore] public string? SourcePath { get; set; }

    /// <summary>Reads and checks a connection file; every problem is an EmulatorConnectionFileInvalid error.</summary>
    public static EmulatorConnectionInfo Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Invalid(path, "No emulator connection file path was given.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Invalid(path, $"The emulator connection file '{path}' cannot be read: {ex.Message}");
        }

        var info = Parse(text, path);
        info.SourcePath = Path.GetFullPath(path);
        return info;
    }

    /// <summary>Parses connection-file JSON (path only used in messages).</summary>
    public static EmulatorConnectionInfo Parse(string json, string? path = null)
    {
        var where = path is null ? "The emulator connection file" : $"The emulator connection file '{path}'";
        RawFile? raw;
        try
        {
            raw = JsonSerializer.Deserialize<RawFile>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"{where} is not valid JSON: {ex.Message}");
        }

        if (raw is null)
        {
            throw Invalid(path, $"{where} is empty.");
        }

        var info = new EmulatorConnectionInfo
        {
            GraphEndpoint = RequireHttpsUri(raw.GraphEndpoint, "graphEndpoint", where, path),
            AuthorityHost = RequireHttpsUri(raw.AuthorityHost, "authorityHost", where, path),
            TenantId = RequireGuid(raw.TenantId, "tenantId", where, path),
            ClientId = RequireGuid(raw.ClientId, "clientId", where, path),
            CertificateThumbprint = RequireThumbprint(raw.CertificateThumbprint, "certificateThumbprint", where, path),
            ClientSecret = string.IsNullOrEmpty(raw.ClientSecret) ? null : new SecretString(raw.ClientSecret!),
            ManagedIdentityEndpoint = OptionalHttpsUri(raw.ManagedIdentityEndpoint, "managedIdentityEndpoint", where, path),
            ManagedIdentityHeader = string.IsNullOrEmpty(raw.ManagedIdentityHeader) ? null : new SecretString(raw.ManagedIdentityHeader!),
            ClientCertificatePath = string.IsNullOrWhiteSpace(raw.ClientCertificatePath) ? null : raw.ClientCertificatePath,
            ClientCertificatePassword = raw.ClientCertificatePassword is null ? null : new SecretString(raw.ClientCertificatePassword),
            ClientCertificateThumbprint = string.IsNullOrWhiteSpace(raw.ClientCertificateThumbprint) ? null : raw.ClientCertificateThumbprint,
            NotificationOpenIdConfiguration = OptionalHttpsUri(raw.NotificationOpenIdConfiguration, "notificationOpenIdConfiguration", where, path),
            NotificationIssuer = raw.NotificationIssuer,
            AdminEndpoint = OptionalHttpsUri(raw.AdminEndpoint, "adminEndpoint", where, path),
            Cloud = ParseCloud(raw.Cloud, where, path),
            PublicClientId = string.IsNullOrWhiteSpace(raw.PublicClientId) ? null : RequireGuid(raw.PublicClientId, "publicClientId", where, path),
        };
        return info;
    }

    private static CloudEnvironment ParseCloud(string? value, string where, string? path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return CloudEnvironment.Global;
        }

        foreach (var cloud in new[] { CloudEnvironment.Global, CloudEnvironment.USGov, CloudEnvironment.USGovDoD, CloudEnvironment.China })
        {
            if (string.Equals(cloud.ToString(), value!.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return cloud;
            }
        }

        throw Invalid(path, $"{where} has 'cloud' '{value}': use Global, USGov, USGovDoD or China.");
    }

    private static Uri RequireHttpsUri(string? value, string name, string where, string? path) =>
        OptionalHttpsUri(value, name, where, path) ?? throw Invalid(path, $"{where} has no '{name}'.");

    private static Uri? OptionalHttpsUri(string? value, string name, string where, string? path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(path, $"{where} has an invalid '{name}' ('{value}'): an absolute https:// address is required.");
        }

        // The emulator runs on this machine; a file pointing elsewhere would send the dev secret (and trust a
        // pinned self-signed certificate) off the machine, so only loopback hosts are accepted.
        if (!uri.IsLoopback)
        {
            throw Invalid(path, $"{where} has an invalid '{name}' ('{value}'): the emulator must be on a loopback address (127.0.0.1, [::1] or localhost).");
        }

        return uri;
    }

    private static string RequireGuid(string? value, string name, string where, string? path)
    {
        if (string.IsNullOrWhiteSpace(value) || !Guid.TryParse(value, out _))
        {
            throw Invalid(path, $"{where} has an invalid or missing '{name}': a GUID is required.");
        }

        return value!.Trim();
    }

    private static string RequireThumbprint(string? value, string name, string where, string? path)
    {
        var normalized = Auth.CertificateThumbprint.Normalize(value);
        if (normalized is null || normalized.Length != 40)
        {
            throw Invalid(path, $"{where} has an invalid or missing '{name}': the SHA-1 thumbprint (40 hex digits) of the emulator's TLS certificate is required.");
        }

        return normalized;
    }

    private static CommsValidationException Invalid(string? path, string message) =>
        new(ErrorIds.Connection.EmulatorConnectionFileInvalid, "EmulatorConnectionFile", message, path);

    public override string ToString() => $"Emulator {GraphEndpoint} (tenant {TenantId})";

    private sealed class RawFile
    {
        public string? GraphEndpoint { get; set; }
        public string? AuthorityHost { get; set; }
        public string? TenantId { get; set; }
        public string? ClientId { get; set; }
        public string? ClientSecret { get; set; }
        public string? CertificateThumbprint { get; set; }
        public string? ManagedIdentityEndpoint { get; set; }
        public string? ManagedIdentityHeader { get; set; }
        public string? ClientCertificatePath { get; set; }
        public string? ClientCertificatePassword { get; set; }
        public string? ClientCertificateThumbprint { get; set; }
        public string? NotificationOpenIdConfiguration { get; set; }
        public string? NotificationIssuer { get; set; }
        public string? AdminEndpoint { get; set; }
        public string? Cloud { get; set; }
        public string? PublicClientId { get; set; }
    }
}
