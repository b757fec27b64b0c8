using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Http;

namespace CommsInvite.Commands;

/// <summary>
/// Connect-CsGraph: authenticates as an application (client secret, certificate or managed identity), or signs a
/// user in (device code, or the system browser) through the tenant's public client, to Microsoft Graph in one of the
/// clouds or to the local emulator, and keeps the connection for this runspace under its -Name.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "CsGraph", DefaultParameterSetName = ClientSecretSet)]
[OutputType(typeof(GraphContext))]
public sealed class ConnectCsGraphCommand : AsyncCmdlet
{
    private const string ClientSecretSet = "ClientSecret";
    private const string CertificateThumbprintSet = "CertificateThumbprint";
    private const string CertificatePathSet = "CertificatePath";
    private const string CertificateSet = "Certificate";
    private const string ManagedIdentitySet = "ManagedIdentity";
    private const string EmulatorFileSet = "EmulatorConnectionFile";
    private const string DeviceCodeSet = "DeviceCode";
    private const string InteractiveSet = "Interactive";

    private Runspace? _runspace;

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = EmulatorFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Alias("Tenant")]
    public string? TenantId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = EmulatorFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [Alias("ApplicationId", "AppId")]
    public string? ClientId { get; set; }

    /// <summary>The application secret. With -EmulatorConnectionFile it is optional (the file holds the dev secret).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClientSecretSet)]
    [Parameter(ParameterSetName = EmulatorFileSet)]
    public SecureString? ClientSecret { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateThumbprintSet)]
    [Alias("Thumbprint")]
    public string? CertificateThumbprint { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificatePathSet)]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificatePathSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    public X509Certificate2? Certificate { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    [Alias("Identity")]
    public SwitchParameter ManagedIdentity { get; set; }

    /// <summary>Signs a user in with a code entered in a browser on any device; the prompt goes to the host.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Alias("DeviceCode")]
    public SwitchParameter UseDeviceCode { get; set; }

    /// <summary>Signs a user in in the system browser (http://localhost redirect, PKCE).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InteractiveSet)]
    public SwitchParameter Interactive { get; set; }

    /// <summary>Delegated permissions to ask for beyond the defaults (what the provisioning cmdlets need).</summary>
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Scopes { get; set; }

    /// <summary>The connection's name in this runspace; connecting again under a name replaces that connection.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Global (default), USGov, USGovDoD, China or Emulator.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EnvironmentCompleter))]
    public string? Environment { get; set; }

    /// <summary>
    /// The emulator's connection file; implies -Environment Emulator. Alone it connects with the file's client
    /// secret; with a certificate or -ManagedIdentity it only supplies the endpoints and the pinned thumbprint.
    /// </summary>
    [Parameter(ParameterSetName = CertificateThumbprintSet)]
    [Parameter(ParameterSetName = CertificatePathSet)]
    [Parameter(ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(Mandatory = true, ParameterSetName = EmulatorFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    public string? EmulatorConnectionFile { get; set; }

    /// <summary>Retries of one request after throttling (429) or a transient failure; 0 disables retrying.</summary>
    [Parameter]
    public int? MaxRetryCount { get; set; }

    /// <summary>The longest single wait between retries (seconds or a TimeSpan).</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? MaxRetryDelay { get; set; }

    /// <summary>The longest time one request may take with all its retries (seconds or a TimeSpan); 3 minutes by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? MaxRetryTotalTime { get; set; }

    /// <summary>How long one attempt may wait for a complete answer (seconds or a TimeSpan); 100 seconds by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>
    /// Keeps the user's sign-in in the platform's secure store (DPAPI, Keychain, libsecret) so a later session signs in
    /// without a prompt. Where no such store exists (Linux without a keyring), a warning says so and the cache stays
    /// in memory. Never a plaintext file.
    /// </summary>
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = InteractiveSet)]
    public SwitchParameter PersistTokenCache { get; set; }

    /// <summary>Returns the context; -UseDeviceCode and -Interactive always do.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _runspace = Runspace.DefaultRunspace;
        base.BeginProcessing();
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var settings = BuildSettings();
        var log = new PipelineLogSink();
        GraphConnection connection;
        using (log.Attach(new CmdletLogSink(QueueVerbose, QueueDebug, QueueWarning)))
        {
            QueueVerbose($"Connecting to {settings.Environment} as {settings.Credential!.AuthType} (tenant {Display(settings.TenantId)}, client {Display(settings.ClientId)}).");
            connection = await GraphConnection.ConnectAsync(settings, log, cancellationToken).ConfigureAwait(false);
        }

        var previous = SessionStore.Add(_runspace!, new GraphSession(connection, log));
        if (previous is not null)
        {
            QueueVerbose($"Replacing the connection '{previous.Name}' ({previous.Connection.Context}).");
            await previous.Connection.SignOutAsync().ConfigureAwait(false);
            previous.Dispose();
        }

        var context = connection.Context;
        QueueVerbose(context.IsDelegated
            ? $"Connected '{context.Name}': {context}. Scopes: {string.Join(", ", context.Scopes)}."
            : $"Connected '{context.Name}': {context}. Roles: {string.Join(", ", context.Roles)}.");
        // A user's sign-in returns who signed in (the only output: the device-code prompt went to the host), so
        // $c = Connect-CsGraph -UseDeviceCode holds the context; an application's connect stays quiet unless -PassThru.
        if (PassThru || context.IsDelegated)
        {
            QueueObject(context);
        }
    }

    private ConnectionSettings BuildSettings()
    {
        var environment = Environment is null
            ? (EmulatorConnectionFile is null ? CloudEnvironment.Global : CloudEnvironment.Emulator)
            : EnvironmentNames.Parse(Environment);

        GraphCredential? credential = ParameterSetName switch
        {
            ClientSecretSet => new ClientSecretCredential(SecureStrings.ToSecret(ClientSecret!)),
            CertificateThumbprintSet => CertificateCredential.FromThumbprint(CertificateThumbprint!),
            CertificatePathSet => CertificateCredential.FromFile(
                ResolvePath(CertificatePath!),
                CertificatePassword is null ? null : SecureStrings.ToSecret(CertificatePassword)),
            CertificateSet => new CertificateCredential(Certificate!),

            // Managed identity has no application secret: ClientId picks a user-assigned identity, nothing more.
            ManagedIdentitySet => new ManagedIdentityCredential(ClientId),
            EmulatorFileSet => ClientSecret is null ? null : new ClientSecretCredential(SecureStrings.ToSecret(ClientSecret)),

            // The prompt is queued to the host from MSAL's thread; this cmdlet's pipeline thread writes it.
            DeviceCodeSet => new DelegatedCredential(UserSignInKind.DeviceCode, Scopes, QueueHostMessage) { PersistTokenCache = PersistTokenCache },
            InteractiveSet => new DelegatedCredential(UserSignInKind.Interactive, Scopes) { PersistTokenCache = PersistTokenCache },
            _ => throw new InvalidOperationException("Unknown parameter set " + ParameterSetName),
        };

        var settings = EmulatorConnectionFile is null
            ? new ConnectionSettings { TenantId = TenantId ?? string.Empty, ClientId = ClientId, Environment = environment, Credential = credential }
            : EmulatorSettings(environment, credential);

        var retry = RetryPolicy.Default;
        if (MaxRetryCount is { } retries)
        {
            retry = retry with { MaxRetries = retries };
        }

        if (MaxRetryDelay is { } delay)
        {
            retry = retry with { MaxRetryDelay = delay };
        }

        if (MaxRetryTotalTime is { } total)
        {
            retry = retry with { MaxTotalTime = total };
        }

        settings.RetryPolicy = retry;
        if (Name is not null)
        {
            settings.Name = Name;
        }

        if (RequestTimeout is { } requestTimeout)
        {
            settings.RequestTimeout = requestTimeout;
        }

        settings.Validate();
        return settings;
    }

    /// <summary>
    /// -EmulatorConnectionFile: the file describes the target (endpoints, pinned certificate, managed-identity
    /// endpoint) and, when no credential is given, the credential too (its development secret).
    /// </summary>
    private ConnectionSettings EmulatorSettings(CloudEnvironment environment, GraphCredential? credential)
    {
        if (environment != CloudEnvironment.Emulator)
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidArgument,
                "EmulatorConnectionFile",
                $"-EmulatorConnectionFile belongs to -Environment Emulator, not {environment}.",
                EmulatorConnectionFile);
        }

        var settings = ConnectionSettings.ForEmulator(EmulatorConnectionInfo.Load(ResolvePath(EmulatorConnectionFile!)), credential);
        settings.TenantId = TenantId ?? settings.TenantId;
        settings.ClientId = ClientId ?? settings.ClientId;
        return settings;
    }

    private string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    private static string Display(string? value) => string.IsNullOrWhiteSpace(value) ? "-" : value!;
}
