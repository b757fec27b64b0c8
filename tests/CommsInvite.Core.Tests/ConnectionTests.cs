using CommsInvite.Core.Auth;
using Xunit;

namespace CommsInvite.Core.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public void Secret_string_never_shows_its_value()
    {
        var secret = new SecretString("Canary-Secret-123");
        Assert.DoesNotContain("Canary", secret.ToString());
        Assert.DoesNotContain("Canary", $"{secret}");
        Assert.DoesNotContain("Canary", System.Text.Json.JsonSerializer.Serialize(new { secret }));
        Assert.Equal("Canary-Secret-123", secret.Reveal());
        Assert.DoesNotContain("Canary", new ClientSecretCredential(secret).ToString());
    }

    [Theory]
    [InlineData(CloudEnvironment.Global, "https://login.microsoftonline.com/", "https://graph.microsoft.com/")]
    [InlineData(CloudEnvironment.USGov, "https://login.microsoftonline.us/", "https://graph.microsoft.us/")]
    [InlineData(CloudEnvironment.USGovDoD, "https://login.microsoftonline.us/", "https://dod-graph.microsoft.us/")]
    [InlineData(CloudEnvironment.China, "https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/")]
    public void Cloud_endpoints(CloudEnvironment environment, string authority, string graph)
    {
        var endpoints = CloudEndpoints.For(environment);
        Assert.Equal(authority, endpoints.AuthorityHost.AbsoluteUri);
        Assert.Equal(graph, endpoints.GraphEndpoint.AbsoluteUri);
        Assert.Equal(graph.TrimEnd('/') + "/.default", endpoints.Scope);
    }

    [Fact]
    public void Emulator_endpoints_need_the_connection_file()
    {
        var error = Assert.Throws<CommsValidationException>(() => CloudEndpoints.For(CloudEnvironment.Emulator));
        Assert.Equal(ErrorIds.Connection.EmulatorConnectionFileInvalid, error.ErrorId);
    }

    private const string GoodFile = """
        {"graphEndpoint":"https://127.0.0.1:5001","authorityHost":"https://127.0.0.1:5001","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47",
         "clientId":"8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37","clientSecret":"CommsInvite-Emulator-Dev-Secret",
         "certificateThumbprint":"ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01",
         "managedIdentityEndpoint":"https://127.0.0.1:5001/msi/token","managedIdentityHeader":"hdr","extra":1}
        """;

    [Fact]
    public void Reads_a_connection_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, GoodFile);
            var info = EmulatorConnectionInfo.Load(path);
            Assert.Equal("https://127.0.0.1:5001/", info.GraphEndpoint.AbsoluteUri);
            Assert.Equal("ABCDEF0123456789ABCDEF0123456789ABCDEF01", info.CertificateThumbprint);
            Assert.Equal("CommsInvite-Emulator-Dev-Secret", info.ClientSecret!.Reveal());
            Assert.DoesNotContain("Dev-Secret", info.ToString());
            var endpoints = CloudEndpoints.ForEmulator(info);
            Assert.Equal("https://graph.microsoft.com/.default", endpoints.Scope);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"graphEndpoint":"http://127.0.0.1:1","authorityHost":"https://127.0.0.1:1","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","clientId":"8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37","certificateThumbprint":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}""")]
    [InlineData("""{"graphEndpoint":"https://127.0.0.1:1","authorityHost":"https://127.0.0.1:1","tenantId":"x","clientId":"8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37","certificateThumbprint":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}""")]
    [InlineData("""{"graphEndpoint":"https://127.0.0.1:1","authorityHost":"https://127.0.0.1:1","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","clientId":"8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37","certificateThumbprint":"XYZ"}""")]
    public void Bad_connection_files_have_a_clear_error(string json)
    {
        var error = Assert.Throws<CommsValidationException>(() => EmulatorConnectionInfo.Parse(json, "conn.json"));
        Assert.Equal(ErrorIds.Connection.EmulatorConnectionFileInvalid, error.ErrorId);
        Assert.Contains("conn.json", error.Message);
    }

    [Fact]
    public void Missing_connection_file_is_invalid_not_a_crash()
    {
        var error = Assert.Throws<CommsValidationException>(() => EmulatorConnectionInfo.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json")));
        Assert.Equal(ErrorIds.Connection.EmulatorConnectionFileInvalid, error.ErrorId);
    }

    [Fact]
    public void Settings_are_validated_before_any_request()
    {
        var secret = new ClientSecretCredential(new SecretString("s"));
        Assert.Equal("TenantId", Assert.Throws<CommsValidationException>(() => new ConnectionSettings { TenantId = "not a tenant", ClientId = Guid.NewGuid().ToString(), Credential = secret }.Validate()).ParameterName);
        Assert.Equal("ClientId", Assert.Throws<CommsValidationException>(() => new ConnectionSettings { TenantId = "contoso.onmicrosoft.com", ClientId = "app", Credential = secret }.Validate()).ParameterName);
        Assert.Equal("Credential", Assert.Throws<CommsValidationException>(() => new ConnectionSettings { TenantId = Guid.NewGuid().ToString(), ClientId = Guid.NewGuid().ToString() }.Validate()).ParameterName);
        Assert.Equal(ErrorIds.Connection.EmulatorConnectionFileInvalid, Assert.Throws<CommsValidationException>(() => new ConnectionSettings { Environment = CloudEnvironment.Emulator, Credential = secret }.Validate()).ErrorId);
        new ConnectionSettings { TenantId = "contoso.onmicrosoft.com", ClientId = Guid.NewGuid().ToString(), Credential = secret }.Validate();
        new ConnectionSettings { Credential = new ManagedIdentityCredential() }.Validate();
    }

    [Fact]
    public void Certificate_errors_name_the_problem_not_the_password()
    {
        var missing = Assert.Throws<CommsValidationException>(() => CertificateCredential.FromFile("/nonexistent/cert.pfx", new SecretString("Canary-Pfx-Password")));
        Assert.Equal(ErrorIds.Connection.CertificateNotFound, missing.ErrorId);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a pfx");
            var invalid = Assert.Throws<CommsValidationException>(() => CertificateCredential.FromFile(path, new SecretString("Canary-Pfx-Password")));
            Assert.Equal(ErrorIds.Connection.CertificateInvalid, invalid.ErrorId);
            Assert.DoesNotContain("Canary", invalid.ToString());
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(ErrorIds.Input.InvalidArgument, Assert.Throws<CommsValidationException>(() => CertificateCredential.FromThumbprint("zz")).ErrorId);
        Assert.Equal(ErrorIds.Connection.CertificateNotFound, Assert.Throws<CommsValidationException>(() => CertificateCredential.FromThumbprint(new string('A', 40))).ErrorId);
    }

    [Fact]
    public void Pinning_accepts_only_the_pinned_certificate()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var pinned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var pin = CertificateThumbprint.Normalize(pinned.Thumbprint.ToLowerInvariant())!;
        Assert.True(PinnedCertificateHandler.IsPinned(pinned, pin));
        Assert.False(PinnedCertificateHandler.IsPinned(other, pin));
        Assert.False(PinnedCertificateHandler.IsPinned(null, pin));
    }
}
