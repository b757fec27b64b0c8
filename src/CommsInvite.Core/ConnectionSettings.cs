using System;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Http;

namespace CommsInvite.Core;

/// <summary>Everything needed to connect; validated by <see cref="Validate"/> before any request.</summary>
internal sealed class ConnectionSettings
{
    /// <summary>The connection's name in its runspace (Connect-CsGraph -Name).</summary>
    public string Name { get; set; } = DefaultName;

    public const string DefaultName = "Default";

    public string TenantId { get; set; } = string.Empty;

    /// <summary>The application (client) id. For managed identity, the identity's client id (null = system-assigned).</summary>
    public string? ClientId { get; set; }

    public CloudEnvironment Environment { get; set; } = CloudEnvironment.Global;

    public GraphCredential? Credential { get; set; }

    /// <summary>
    /// Required when Environment is Emulator: its connection file, from which <see cref="Endpoints"/> describes it
    /// (hosts, pinned certificate, managed-identity endpoint). The rest of the core sees only that description.
    /// </summary>
    public EmulatorConnectionInfo? Emulator { get; set; }

    public RetryPolicy RetryPolicy { get; set; } = RetryPolicy.Default;

    /// <summary>Per-attempt HTTP timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The endpoints these settings point at.</summary>
    public CloudEndpoints Endpoints => Environment == CloudEnvironment.Emulator
        ? CloudEndpoints.ForEmulator(Emulator ?? throw MissingEmulator())
        : CloudEndpoints.For(Environment);

    /// <summary>
    /// Settings for the emulator, taking tenant, client and (unless another credential is given) the well-known
    /// development secret from its connection file.
    /// </summary>
    public static ConnectionSettings ForEmulator(EmulatorConnectionInfo emulator, GraphCredential? credential = null)
    {
        var settings = new ConnectionSettings { Environment = CloudEnvironment.Emulator, Emulator = emulator ?? throw new ArgumentNullException(nameof(emulator)), Credential = credential };
        settings.ApplyEmulatorDefaults();
        return settings;
    }

    /// <summary>For the emulator, fills what the caller left empty from the connection file.</summary>
    public void ApplyEmulatorDefaults()
    {
        if (Environment != CloudEnvironment.Emulator || Emulator is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(TenantId))
        {
            TenantId = Emulator.TenantId;
        }

        if (Credential is DelegatedCredential)
        {
            // Users sign in through the emulator's public client, not its confidential development client.
            if (string.IsNullOrWhiteSpace(ClientId))
            {
                ClientId = Emulator.PublicClientId;
            }

            return;
        }

        if (Credential is null && Emulator.ClientSecret is not null)
        {
            Credential = new ClientSecretCredential(Emulator.ClientSecret);
        }

        if (string.IsNullOrWhiteSpace(ClientId) && Credential is not ManagedIdentityCredential)
        {
            ClientId = Emulator.ClientId;
        }
    }

    /// <summary>Checks the settings (filling the emulator's defaults first); throws CommsValidationException with a stable id.</summary>
    public void Validate()
    {
        if (Environment == CloudEnvironment.Emulator && Emulator is null)
        {
            throw MissingEmulator();
        }

        ApplyEmulatorDefaults();
        if (Environment == CloudEnvironment.Emulator && Credential is null)
        {
            throw new CommsValidationException(
                ErrorIds.Connection.EmulatorConnectionFileInvalid,
                "EmulatorConnectionFile",
                $"The emulator connection file '{Emulator!.SourcePath}' holds no clientSecret; pass a credential (-ClientSecret, -CertificatePath, -ManagedIdentity).",
                Emulator.SourcePath);
        }

        if (Environment == CloudEnvironment.Emulator && Credential is ManagedIdentityCredential && (Emulator!.ManagedIdentityEndpoint is null || Emulator.ManagedIdentityHeader is null))
        {
            throw new CommsValidationException(
                ErrorIds.Connection.EmulatorConnectionFileInvalid,
                "EmulatorConnectionFile",
                "The emulator connection file has no managedIdentityEndpoint/managedIdentityHeader, so managed identity cannot be used with it.",
                Emulator.SourcePath);
        }

        if (Credential is null)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Credential", "No credential was given: pass a client secret, a certificate or managed identity.");
        }

        if (Credential is not ManagedIdentityCredential)
        {
            if (string.IsNullOrWhiteSpace(TenantId) || !IsTenant(TenantId))
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "TenantId", $"'{TenantId}' is not a tenant id (a GUID or a domain name such as contoso.onmicrosoft.com).", TenantId);
            }

            if (string.IsNullOrWhiteSpace(ClientId) || !Guid.TryParse(ClientId, out _))
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidGuid, "ClientId", $"'{ClientId}' is not an application (client) id GUID.", ClientId);
            }
        }
        else if (!string.IsNullOrWhiteSpace(TenantId) && !IsTenant(TenantId))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "TenantId", $"'{TenantId}' is not a tenant id.", TenantId);
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 64 || Name.IndexOfAny(new[] { '*', '?', '[', ']', ' ' }) >= 0)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Name", $"'{Name}' is not a connection name: 1 to 64 characters, no spaces or wildcards.", Name);
        }

        RetryPolicy.Validate();
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromHours(1))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "RequestTimeout", $"RequestTimeout must be positive and at most 1 hour (got {RequestTimeout}).", RequestTimeout);
        }
    }

    private static bool IsTenant(string value)
    {
        if (Guid.TryParse(value, out _))
        {
            return true;
        }

        // A verified domain: letters, digits, hyphens and dots, at least one dot.
        return value.IndexOf('.') > 0
            && Uri.CheckHostName(value) == UriHostNameType.Dns
            && value.IndexOfAny(new[] { '/', '\\', '?', '#', '@' }) < 0;
    }

    private static CommsValidationException MissingEmulator() =>
        new(ErrorIds.Connection.EmulatorConnectionFileInvalid, "EmulatorConnectionFile", "The Emulator environment needs the emulator's connection file (-EmulatorConnectionFile).");
}
