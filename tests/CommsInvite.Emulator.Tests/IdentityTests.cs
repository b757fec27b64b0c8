using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Emulator.Tests;

public sealed class IdentityTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync();
        _http = TestHttp.PinnedClient(_emulator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private string TokenPath => $"{_emulator.Connection.TenantId}/oauth2/v2.0/token";

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostTokenAsync(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync(TokenPath, new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private Dictionary<string, string> BaseForm() => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = _emulator.Connection.ClientId,
        ["scope"] = "https://graph.microsoft.com/.default",
    };

    private string Assertion(X509Certificate2 certificate, string? audience = null, DateTime? expires = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var now = DateTime.UtcNow;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _emulator.Connection.ClientId,
            Audience = audience ?? $"{_emulator.Connection.AuthorityHost}/{_emulator.Connection.TenantId}/oauth2/v2.0/token",
            IssuedAt = now.AddMinutes(-10),
            NotBefore = now.AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = _emulator.Connection.ClientId, ["jti"] = Guid.NewGuid().ToString() },
            SigningCredentials = new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256),
        });
    }

    private X509Certificate2 ClientCertificate() => X509CertificateLoader.LoadPkcs12FromFile(
        _emulator.Connection.ClientCertificatePath, _emulator.Connection.ClientCertificatePassword);

    [Fact]
    public async Task ClientSecret_IssuesRs256TokenWithRolesThatValidatesAgainstJwks()
    {
        var form = BaseForm();
        form["client_secret"] = _emulator.Connection.ClientSecret;
        var (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.InRange(body["expires_in"]!.GetValue<long>(), 3000, 3600);
        Assert.InRange(body["ext_expires_in"]!.GetValue<long>(), 3000, 3600);

        var config = JsonNode.Parse(await _http.GetStringAsync($"{_emulator.Connection.TenantId}/v2.0/.well-known/openid-configuration"))!;
        Assert.Equal($"{_emulator.Connection.AuthorityHost}/{_emulator.Connection.TenantId}/oauth2/v2.0/token", config["token_endpoint"]!.GetValue<string>());
        var jwks = new JsonWebKeySet(await _http.GetStringAsync(new Uri(config["jwks_uri"]!.GetValue<string>()).PathAndQuery));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body["access_token"]!.GetValue<string>(), new TokenValidationParameters
        {
            ValidIssuer = config["issuer"]!.GetValue<string>(),
            ValidAudience = "https://graph.microsoft.com",
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("RS256", token.Alg);
        Assert.Contains(token.Claims, c => c.Type == "roles" && c.Value == "Calls.InitiateGroupCall.All");
        Assert.Equal(_emulator.Connection.TenantId, token.GetClaim("tid").Value);
        Assert.Equal(_emulator.Connection.ClientId, token.GetClaim("appid").Value);
    }

    [Fact]
    public async Task BadSecret_Is401InvalidClient()
    {
        var form = BaseForm();
        form["client_secret"] = "not-the-secret";
        var (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS7000215", body["error_description"]!.GetValue<string>());
        Assert.DoesNotContain("not-the-secret", body.ToJsonString());
    }

    [Fact]
    public async Task UnknownClient_And_BadScope_And_BadGrant_AreRejected()
    {
        var form = BaseForm();
        form["client_id"] = Guid.NewGuid().ToString();
        form["client_secret"] = "x";
        Assert.Equal("unauthorized_client", (await PostTokenAsync(form)).Body["error"]!.GetValue<string>());

        form = BaseForm();
        form["client_secret"] = _emulator.Connection.ClientSecret;
        form["scope"] = "https://graph.microsoft.com/Calls.Initiate.All";
        Assert.Equal("invalid_scope", (await PostTokenAsync(form)).Body["error"]!.GetValue<string>());

        form["scope"] = "https://management.azure.com/.default";
        Assert.Equal("invalid_resource", (await PostTokenAsync(form)).Body["error"]!.GetValue<string>());

        form = BaseForm();
        form["client_secret"] = _emulator.Connection.ClientSecret;
        form["grant_type"] = "password";
        Assert.Equal("unsupported_grant_type", (await PostTokenAsync(form)).Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task CertificateAssertion_SignedByRegisteredCertificate_IssuesToken()
    {
        using var certificate = ClientCertificate();
        Assert.Equal(_emulator.Connection.ClientCertificateThumbprint, certificate.Thumbprint);
        var form = BaseForm();
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        form["client_assertion"] = Assertion(certificate);
        var (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(body["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ForgedAssertion_SignedByAnotherCertificate_Is401()
    {
        using var rsa = RSA.Create(2048);
        using var forged = new CertificateRequest("CN=Forged", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var form = BaseForm();
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        form["client_assertion"] = Assertion(forged);
        var (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS700027", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assertion_WithWrongAudience_OrExpired_Is401()
    {
        using var certificate = ClientCertificate();
        var form = BaseForm();
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        form["client_assertion"] = Assertion(certificate, audience: "https://login.microsoftonline.com/other/oauth2/v2.0/token");
        var (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("AADSTS700021", body["error_description"]!.GetValue<string>());

        form["client_assertion"] = Assertion(certificate, expires: DateTime.UtcNow.AddMinutes(-5));
        (status, body) = await PostTokenAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("AADSTS700024", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task ManagedIdentityEndpoint_NeedsHeader_AndIssuesToken()
    {
        var path = $"msi/token?api-version=2019-08-01&resource={Uri.EscapeDataString("https://graph.microsoft.com")}";
        using (var noHeader = await _http.GetAsync(path)) Assert.Equal(HttpStatusCode.Unauthorized, noHeader.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-IDENTITY-HEADER", _emulator.Connection.ManagedIdentityHeader);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal("https://graph.microsoft.com", body["resource"]!.GetValue<string>());
        var expiresOn = long.Parse(body["expires_on"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expiresOn > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        using var graph = new HttpRequestMessage(HttpMethod.Get, "v1.0/communications/calls");
        graph.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body["access_token"]!.GetValue<string>());
        using var graphResponse = await _http.SendAsync(graph);
        Assert.Equal(HttpStatusCode.OK, graphResponse.StatusCode);
    }

    [Fact]
    public async Task GraphRoute_WithoutToken_Is401WithGraphErrorShape()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/communications/calls");
        request.Headers.Add("client-request-id", "11111111-2222-3333-4444-555555555555");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("InvalidAuthenticationToken", body["error"]!["code"]!.GetValue<string>());
        var inner = body["error"]!["innerError"]!;
        Assert.Equal("11111111-2222-3333-4444-555555555555", inner["client-request-id"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("request-id").Single(), inner["request-id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(inner["date"]!.GetValue<string>()));
        Assert.Equal("11111111-2222-3333-4444-555555555555", response.Headers.GetValues("client-request-id").Single());
        Assert.NotNull(response.Headers.Date);
    }

    [Fact]
    public async Task GraphRoute_WithForgedOrExpiredToken_Is401()
    {
        // A token with the right claims signed by a key the emulator does not know.
        using var rsa = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"{_emulator.Connection.AuthorityHost}/{_emulator.Connection.TenantId}/v2.0",
            Audience = "https://graph.microsoft.com",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["roles"] = new[] { "Calls.InitiateGroupCall.All" } },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "forged" }, SecurityAlgorithms.RsaSha256),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/communications/calls");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        _emulator.State.Settings.TokenLifetime = TimeSpan.FromSeconds(1);
        string token;
        try { token = await TestHttp.GetTokenAsync(_http, _emulator); }
        finally { _emulator.State.Settings.TokenLifetime = TimeSpan.FromHours(1); }
        await Task.Delay(1500);
        using var expired = new HttpRequestMessage(HttpMethod.Get, "v1.0/communications/calls");
        expired.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var expiredResponse = await _http.SendAsync(expired);
        Assert.Equal(HttpStatusCode.Unauthorized, expiredResponse.StatusCode);
        Assert.Contains("expired", await expiredResponse.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientWithoutRole_Gets403_7504OnCalls_AndAuthorizationRequestDeniedElsewhere()
    {
        using var admin = await _http.PostAsync("_emulator/clients", TestHttp.Json("""{"clientId":"0b5f6c1e-1111-4222-8333-944455556666","clientSecret":"other-secret","roles":["Organization.Read.All"]}"""));
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        var token = await TestHttp.GetTokenAsync(_http, _emulator, "0b5f6c1e-1111-4222-8333-944455556666", "other-secret");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1.0/communications/calls/ab6233a5-20b7-4c5e-bea2-ce56c9776429/participants/invite")
        {
            Content = TestHttp.Json("{}"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("7504", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());

        using var users = new HttpRequestMessage(HttpMethod.Get, $"v1.0/users/{EmulatorDefaults.SeedUserIds[0]}");
        users.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var usersResponse = await _http.SendAsync(users);
        Assert.Equal(HttpStatusCode.Forbidden, usersResponse.StatusCode);
        Assert.Equal("Authorization_RequestDenied", JsonNode.Parse(await usersResponse.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
    }

    private sealed class PinnedFactory(string thumbprint) : IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && string.Equals(c.GetCertHashString(HashAlgorithmName.SHA1), thumbprint, StringComparison.OrdinalIgnoreCase),
            },
        });

        public HttpClient GetHttpClient() => _client;
    }

    [Fact]
    public async Task Msal_AcquiresTokenForClient_WithSecretAndCertificate()
    {
        var authority = new Uri($"{_emulator.Connection.AuthorityHost}/{_emulator.Connection.TenantId}");
        var factory = new PinnedFactory(_emulator.Connection.CertificateThumbprint);
        var withSecret = ConfidentialClientApplicationBuilder.Create(_emulator.Connection.ClientId)
            .WithAuthority(authority, validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithClientSecret(_emulator.Connection.ClientSecret)
            .WithHttpClientFactory(factory)
            .Build();
        var secretResult = await withSecret.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
        Assert.False(string.IsNullOrEmpty(secretResult.AccessToken));

        using var certificate = ClientCertificate();
        var withCertificate = ConfidentialClientApplicationBuilder.Create(_emulator.Connection.ClientId)
            .WithAuthority(authority, validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithCertificate(certificate)
            .WithHttpClientFactory(factory)
            .Build();
        var certificateResult = await withCertificate.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
        Assert.False(string.IsNullOrEmpty(certificateResult.AccessToken));

        var oidc = ConfidentialClientApplicationBuilder.Create(_emulator.Connection.ClientId)
            .WithOidcAuthority($"{_emulator.Connection.AuthorityHost}/{_emulator.Connection.TenantId}/v2.0")
            .WithClientSecret(_emulator.Connection.ClientSecret)
            .WithHttpClientFactory(factory)
            .Build();
        var oidcResult = await oidc.AcquireTokenForClient(new[] { "https://graph.microsoft.com/.default" }).ExecuteAsync();
        Assert.False(string.IsNullOrEmpty(oidcResult.AccessToken));
    }

    [Fact]
    public async Task Msal_ManagedIdentity_AppServiceSource_AcquiresToken()
    {
        var previousEndpoint = Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        var previousHeader = Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", _emulator.Connection.ManagedIdentityEndpoint);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", _emulator.Connection.ManagedIdentityHeader);
        try
        {
            var app = ManagedIdentityApplicationBuilder.Create(ManagedIdentityId.SystemAssigned)
                .WithHttpClientFactory(new PinnedFactory(_emulator.Connection.CertificateThumbprint))
                .Build();
            var result = await app.AcquireTokenForManagedIdentity("https://graph.microsoft.com").ExecuteAsync();
            Assert.False(string.IsNullOrEmpty(result.AccessToken));
            Assert.True(result.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(30));
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/communications/calls");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", result.AccessToken);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", previousEndpoint);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", previousHeader);
        }
    }
}
