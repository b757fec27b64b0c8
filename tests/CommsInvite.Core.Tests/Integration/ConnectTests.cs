using CommsInvite.Core.Auth;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

[Collection(EmulatorCollection.Name)]
public sealed class ConnectTests
{
    private readonly EmulatorFixture _emulator;

    public ConnectTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public async Task Connects_with_client_secret_and_reads_roles_from_the_token()
    {
        var log = new RecordingLogSink();
        using var connection = await _emulator.ConnectAsync(log);

        var context = connection.Context;
        Assert.Equal("ClientSecret", context.AuthType);
        Assert.Equal(_emulator.Connection.TenantId, context.TenantId);
        Assert.Equal(_emulator.Connection.ClientId, context.ClientId);
        Assert.Equal(CloudEnvironment.Emulator, context.Environment);
        Assert.Contains("Calls.InitiateGroupCall.All", context.Roles);
        Assert.True(context.TokenExpiresOn > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.DoesNotContain(_emulator.Connection.ClientSecret!.Reveal(), log.All);
    }

    [Fact]
    public async Task Connects_with_a_certificate_from_a_pfx_file()
    {
        var info = _emulator.Connection;
        var settings = _emulator.SecretSettings();
        settings.Credential = CertificateCredential.FromFile(info.ClientCertificatePath!, info.ClientCertificatePassword);

        using var connection = await GraphConnection.ConnectAsync(settings);

        Assert.Equal("Certificate", connection.Context.AuthType);
        Assert.Equal(info.ClientCertificateThumbprint, connection.Context.CertificateThumbprint, ignoreCase: true);
        Assert.Contains("Calls.InitiateGroupCall.All", connection.Context.Roles);
        var calls = await connection.Calls.ListCallsAsync();
        Assert.NotNull(calls);
    }

    [Fact]
    public async Task Connects_with_a_certificate_found_by_thumbprint_in_the_user_store()
    {
        var info = _emulator.Connection;
        using var pfx = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(info.ClientCertificatePath!, info.ClientCertificatePassword!.Reveal(), System.Security.Cryptography.X509Certificates.X509KeyStorageFlags.Exportable | System.Security.Cryptography.X509Certificates.X509KeyStorageFlags.PersistKeySet);
        using var store = new System.Security.Cryptography.X509Certificates.X509Store(System.Security.Cryptography.X509Certificates.StoreName.My, System.Security.Cryptography.X509Certificates.StoreLocation.CurrentUser);
        store.Open(System.Security.Cryptography.X509Certificates.OpenFlags.ReadWrite);
        store.Add(pfx);
        try
        {
            var settings = _emulator.SecretSettings();
            settings.Credential = CertificateCredential.FromThumbprint(pfx.Thumbprint.ToLowerInvariant());
            using var connection = await GraphConnection.ConnectAsync(settings);
            Assert.Equal("Certificate", connection.Context.AuthType);
            Assert.Equal(pfx.Thumbprint, connection.Context.CertificateThumbprint, ignoreCase: true);
        }
        finally
        {
            store.Remove(pfx);
        }
    }

    [Fact]
    public void Secure_strings_convert_without_showing_the_secret()
    {
        using var secure = new System.Security.SecureString();
        foreach (var c in "Canary-Secure-1")
        {
            secure.AppendChar(c);
        }

        var secret = SecretString.FromSecureString(secure);
        Assert.Equal("Canary-Secure-1", secret.Reveal());
        Assert.DoesNotContain("Canary", secret.ToString());
    }

    [Fact]
    public async Task Connects_with_managed_identity_through_the_emulator_endpoint()
    {
        var settings = new ConnectionSettings
        {
            Environment = CloudEnvironment.Emulator,
            Emulator = _emulator.Connection,
            Credential = new ManagedIdentityCredential(),
        };

        using var connection = await GraphConnection.ConnectAsync(settings);

        Assert.Equal("ManagedIdentity", connection.Context.AuthType);
        Assert.Equal(_emulator.Connection.TenantId, connection.Context.TenantId);
        Assert.Contains("Calls.InitiateGroupCall.All", connection.Context.Roles);
        await connection.Calls.ListCallsAsync();
    }

    [Fact]
    public async Task Managed_identity_follows_the_emulator_it_is_pointed_at()
    {
        await using var second = await CommsInvite.Emulator.EmulatorServer.StartAsync(new CommsInvite.Emulator.EmulatorOptions { Port = 0 });
        var secondInfo = EmulatorConnectionInfo.Load(second.ConnectionFilePath);

        foreach (var info in new[] { secondInfo, _emulator.Connection })
        {
            using var connection = await GraphConnection.ConnectAsync(new ConnectionSettings { Environment = CloudEnvironment.Emulator, Emulator = info, Credential = new ManagedIdentityCredential() });
            await connection.Calls.ListCallsAsync();
            Assert.Equal(0, connection.Statistics.ForcedTokenRefreshes);
        }
    }

    private static readonly string[] ManagedIdentityVariables =
        { "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST" };

    [Fact]
    public async Task Managed_identity_to_the_emulator_leaves_no_trace_in_the_process()
    {
        var before = ManagedIdentityVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        using (var connection = await GraphConnection.ConnectAsync(new ConnectionSettings { Environment = CloudEnvironment.Emulator, Emulator = _emulator.Connection, Credential = new ManagedIdentityCredential() }))
        {
            await connection.Calls.ListCallsAsync();
            Assert.Equal(before, ManagedIdentityVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable));
        }

        Assert.Equal(before, ManagedIdentityVariables.ToDictionary(v => v, Environment.GetEnvironmentVariable));

        // A managed-identity connection to the public cloud asks the machine's own managed identity (none here), never
        // the emulator, and never gets the emulator's token from MSAL's process-wide managed-identity cache.
        var issued = _emulator.Server.State.Stats.TokensIssued;
        using var give = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = await Record.ExceptionAsync(() => GraphConnection.ConnectAsync(new ConnectionSettings { Environment = CloudEnvironment.Global, Credential = new ManagedIdentityCredential() }, null, give.Token));
        Assert.True(error is CommsInviteException or OperationCanceledException, $"A Global managed-identity connect must fail on a machine without managed identity, got {error?.GetType().Name ?? "success"}: {error?.Message}");
        Assert.Equal(issued, _emulator.Server.State.Stats.TokensIssued);
    }

    [Fact]
    public async Task A_wrong_secret_fails_authentication_without_echoing_it()
    {
        var settings = _emulator.SecretSettings();
        settings.Credential = new ClientSecretCredential(new SecretString("Canary-Wrong-Secret-42"));

        var error = await Assert.ThrowsAsync<CommsInviteException>(() => GraphConnection.ConnectAsync(settings));

        Assert.Equal(ErrorIds.Connection.AuthenticationFailed, error.ErrorId);
        Assert.Equal(FailureCategory.AuthenticationError, error.Category);
        Assert.DoesNotContain("Canary-Wrong-Secret-42", error.ToString());
    }

    [Fact]
    public async Task A_certificate_other_than_the_pinned_one_is_refused()
    {
        var info = EmulatorConnectionInfo.Load(_emulator.Server.ConnectionFilePath);
        info.CertificateThumbprint = new string('A', 40);
        var settings = _emulator.SecretSettings();
        settings.Emulator = info;

        var error = await Assert.ThrowsAsync<CommsInviteException>(() => GraphConnection.ConnectAsync(settings));

        Assert.Equal(FailureCategory.ConnectionError, error.Category);
    }
}
