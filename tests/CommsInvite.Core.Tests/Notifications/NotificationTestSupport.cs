using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommsInvite.Core.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>The seeds (the Graph "participant: invite" page, two translations) and their commsNotifications examples.</summary>
internal static class Seeds
{
    public static string Directory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "Seeds"));

    public static IReadOnlyList<string> Files() =>
        System.IO.Directory.GetFiles(Directory(), "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>Every ```json block of a seed that is a commsNotifications body.</summary>
    public static IReadOnlyList<string> NotificationBlocks(string seedFile)
    {
        var text = File.ReadAllText(seedFile);
        return Regex.Matches(text, "```json\\s*\\n(.*?)\\n\\s*```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .Where(block => block.Contains("microsoft.graph.commsNotifications", StringComparison.Ordinal))
            .ToList();
    }

    public static IReadOnlyList<string> AllNotificationBlocks() => Files().SelectMany(NotificationBlocks).ToList();
}

/// <summary>An RSA signing key with a kid, and the tokens it signs.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public SigningKey(string keyId)
    {
        KeyId = keyId;
    }

    public string KeyId { get; }

    public object ToJwk()
    {
        var parameters = _rsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus!),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent!),
        };
    }

    public string CreateToken(
        string issuer,
        string audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string? keyIdOverride = null)
    {
        var now = DateTime.UtcNow;
        var key = new RsaSecurityKey(_rsa) { KeyId = keyIdOverride ?? KeyId };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public void Dispose() => _rsa.Dispose();
}

/// <summary>Tokens that are wrong in ways that need no key.</summary>
internal static class UnsignedTokens
{
    public static string AlgNone(string issuer, string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = audience, ["nbf"] = now - 60, ["iat"] = now - 60, ["exp"] = now + 3600,
        }));
        return header + "." + payload + ".";
    }

    public static string Hs256(string issuer, string audience)
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hmac" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }
}

internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Shared = new(CreateLoopbackServerCertificate);

    /// <summary>One loopback certificate for the whole test run (key generation is slow on a busy machine); never dispose it.</summary>
    public static X509Certificate2 SharedLoopbackCertificate => Shared.Value;

    /// <summary>A self-signed TLS server certificate for 127.0.0.1, with its private key.</summary>
    public static X509Certificate2 CreateLoopbackServerCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // A PFX round trip gives a certificate whose key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    /// <summary>An HttpClient that trusts exactly the certificate with this SHA-1 thumbprint (what the module does for the emulator).</summary>
    public static HttpClient PinnedClient(string thumbprint) =>
        new(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
        });
}

/// <summary>
/// A real HTTPS OpenID configuration + JWKS endpoint on 127.0.0.1 (Kestrel), serving whatever keys the test
/// publishes; the stand-in for Graph's notification token issuer.
/// </summary>
internal sealed class OpenIdTestServer : IAsyncDisposable
{
    public const string Issuer = "https://api.botframework.com";
    public const string AppId = "8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37";

    private readonly WebApplication _app;
    private volatile IReadOnlyList<SigningKey> _published;
    private int _configurationRequests;

    private OpenIdTestServer(WebApplication app, X509Certificate2 certificate, IReadOnlyList<SigningKey> published)
    {
        _app = app;
        Certificate = certificate;
        _published = published;
    }

    public X509Certificate2 Certificate { get; }

    public Uri BaseUri { get; private set; } = null!;

    public Uri ConfigurationUri => new(BaseUri, "/v1/.well-known/OpenIdConfiguration");

    public int ConfigurationRequests => Volatile.Read(ref _configurationRequests);

    /// <summary>When false, the configuration answers 503 (issuer unreachable).</summary>
    public bool Available { get; set; } = true;

    /// <summary>When true, the configuration never answers (an issuer that hangs).</summary>
    public bool Hang { get; set; }

    /// <summary>Replaces the jwks_uri the configuration names.</summary>
    public string? JwksUriOverride { get; set; }

    public void Publish(params SigningKey[] keys) => _published = keys;

    public static async Task<OpenIdTestServer> StartAsync(params SigningKey[] keys)
    {
        var certificate = TestCertificates.SharedLoopbackCertificate;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new OpenIdTestServer(app, certificate, keys);
        app.MapGet("/v1/.well-known/OpenIdConfiguration", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server._configurationRequests);
            if (server.Hang)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                return Results.StatusCode(503);
            }

            if (!server.Available)
            {
                return Results.StatusCode(503);
            }

            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = server.JwksUriOverride ?? new Uri(server.BaseUri, "/v1/keys").ToString(),
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        app.MapGet("/v1/keys", () => Results.Json(new { keys = server._published.Select(k => k.ToJwk()).ToArray() }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>One request first, so a test's short key fetch timeout does not measure the TLS handshake of a cold server.</summary>
    public async Task Warm(HttpClient http) => (await http.GetAsync(new Uri(BaseUri, "/v1/keys"))).Dispose();

    public HttpClient CreatePinnedClient() => TestCertificates.PinnedClient(Certificate.Thumbprint);

    public NotificationTokenValidatorOptions ValidatorOptions(TimeSpan? minimumRefresh = null) => new()
    {
        AppId = AppId,
        OpenIdConfigurationUri = ConfigurationUri,
        MinimumKeyRefreshInterval = minimumRefresh ?? TimeSpan.FromSeconds(30),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class NotificationPosts
{
    public static HttpRequestMessage Post(Uri uri, string body, string? bearerToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return request;
    }
}

/// <summary>
/// One issuer (key + HTTPS OpenID server) and one attacker key shared by a test class: RSA key generation and
/// Kestrel start-up are the slow part of these tests. Tests that change what the server publishes start their own.
/// </summary>
public sealed class IssuerFixture : IAsyncLifetime
{
    internal SigningKey IssuerKey { get; } = new("issuer-key-1");

    /// <summary>Claims the issuer's kid but holds other key material: a forger.</summary>
    internal SigningKey AttackerKey { get; } = new("issuer-key-1");

    internal OpenIdTestServer Server { get; private set; } = null!;

    internal HttpClient Http { get; private set; } = null!;

    internal string ValidToken() => IssuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId);

    public async Task InitializeAsync()
    {
        Server = await OpenIdTestServer.StartAsync(IssuerKey);
        Http = Server.CreatePinnedClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        IssuerKey.Dispose();
        AttackerKey.Dispose();
    }
}
