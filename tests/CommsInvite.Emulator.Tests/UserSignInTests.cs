using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Identity.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CommsInvite.Emulator.Tests;

/// <summary>Users signing in: the device-code grant, the authorization-code grant with PKCE, delegated tokens and what Graph lets them do.</summary>
public sealed class UserSignInTests : IAsyncLifetime
{
    private const string Graph = "https://graph.microsoft.com/";
    private static readonly string ProvisioningScopes = string.Join(' ',
        new[] { "LicenseAssignment.ReadWrite.All", "TeamsTelephoneNumber.ReadWrite.All", "User.ReadWrite.All" }.Select(s => Graph + s));

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

    private string Tenant => _emulator.Connection.TenantId;

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostFormAsync(string path, Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> RequestDeviceCodeAsync(string scope = "") =>
        PostFormAsync($"{Tenant}/oauth2/v2.0/devicecode", new()
        {
            ["client_id"] = _emulator.Connection.PublicClientId,
            ["scope"] = (scope.Length == 0 ? ProvisioningScopes : scope) + " openid profile offline_access",
        });

    private Task<(HttpStatusCode Status, JsonObject Body)> PollAsync(string deviceCode) =>
        PostFormAsync($"{Tenant}/oauth2/v2.0/token", new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code",
            ["client_id"] = _emulator.Connection.PublicClientId,
            ["device_code"] = deviceCode,
        });

    private async Task ApproveAsync(JsonObject body)
    {
        using var response = await _http.PostAsync("_emulator/devicecodes/approve", TestHttp.Json(body));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task SettingsAsync(JsonObject body)
    {
        using var response = await _http.PostAsync("_emulator/settings", TestHttp.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DeviceCode_PendingUntilApprovedThroughAdminRoute_ThenDelegatedTokenWithScpOidUpn()
    {
        var (status, code) = await RequestDeviceCodeAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        var userCode = code["user_code"]!.GetValue<string>();
        var deviceCode = code["device_code"]!.GetValue<string>();
        Assert.Contains(userCode, code["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(code["verification_uri"]);
        Assert.True(code["interval"]!.GetValue<long>() >= 1);

        var (pendingStatus, pending) = await PollAsync(deviceCode);
        Assert.Equal(HttpStatusCode.BadRequest, pendingStatus);
        Assert.Equal("authorization_pending", pending["error"]!.GetValue<string>());

        var listed = JsonNode.Parse(await _http.GetStringAsync("_emulator/devicecodes"))!["value"]!.AsArray();
        var entry = Assert.Single(listed, e => e!["userCode"]!.GetValue<string>() == userCode)!;
        Assert.Equal(_emulator.Connection.PublicClientId, entry["clientId"]!.GetValue<string>());
        Assert.Contains(Graph + "LicenseAssignment.ReadWrite.All", entry["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        await ApproveAsync(new JsonObject { ["userCode"] = userCode, ["userId"] = _emulator.Connection.AdminUserId });
        await Task.Delay(1100);
        var (okStatus, tokens) = await PollAsync(deviceCode);
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var jwt = new JsonWebToken(tokens["access_token"]!.GetValue<string>());
        Assert.Equal(_emulator.Connection.AdminUserId, jwt.GetPayloadValue<string>("oid"));
        Assert.Equal("admin@contoso.onmicrosoft.com", jwt.GetPayloadValue<string>("upn"));
        Assert.Equal(new[] { "LicenseAssignment.ReadWrite.All", "TeamsTelephoneNumber.ReadWrite.All", "User.ReadWrite.All" },
            jwt.GetPayloadValue<string>("scp").Split(' ').Order());
        Assert.False(jwt.TryGetPayloadValue<object>("roles", out _));
        Assert.NotNull(tokens["id_token"]);
        Assert.NotNull(tokens["client_info"]);

        // The code is spent; the refresh token renews.
        Assert.Equal("bad_verification_code", (await PollAsync(deviceCode)).Body["error"]!.GetValue<string>());
        var (refreshStatus, refreshed) = await PostFormAsync($"{Tenant}/oauth2/v2.0/token", new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = _emulator.Connection.PublicClientId,
            ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>(),
        });
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal(_emulator.Connection.AdminUserId, new JsonWebToken(refreshed["access_token"]!.GetValue<string>()).GetPayloadValue<string>("oid"));
    }

    [Fact]
    public async Task DeviceCode_SlowDownDeniedAndExpired()
    {
        var (_, code) = await RequestDeviceCodeAsync();
        var deviceCode = code["device_code"]!.GetValue<string>();
        Assert.Equal("authorization_pending", (await PollAsync(deviceCode)).Body["error"]!.GetValue<string>());
        Assert.Equal("slow_down", (await PollAsync(deviceCode)).Body["error"]!.GetValue<string>());

        await ApproveAsync(new JsonObject { ["userCode"] = code["user_code"]!.GetValue<string>(), ["deny"] = true });
        await Task.Delay(1100);
        Assert.Equal("access_denied", (await PollAsync(deviceCode)).Body["error"]!.GetValue<string>());
        Assert.Empty(JsonNode.Parse(await _http.GetStringAsync("_emulator/devicecodes"))!["value"]!.AsArray());

        await SettingsAsync(new JsonObject { ["deviceCodeLifetimeSeconds"] = 1 });
        var (_, shortLived) = await RequestDeviceCodeAsync();
        await Task.Delay(1300);
        var (status, expired) = await PollAsync(shortLived["device_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("expired_token", expired["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeviceCode_ScopeWithoutConsent_IsConsentRequiredNamingIt()
    {
        await SettingsAsync(new JsonObject { ["autoApproveSignIns"] = _emulator.Connection.AdminUserId });
        var (_, code) = await RequestDeviceCodeAsync(Graph + "User.ReadWrite.All " + Graph + "Directory.ReadWrite.All");
        var (status, body) = await PollAsync(code["device_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.Equal("consent_required", body["suberror"]!.GetValue<string>());
        Assert.Contains("AADSTS65001", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Directory.ReadWrite.All", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationCode_RedirectsToLoopbackWithCodeAndState_AndChecksTheCodeVerifier()
    {
        await SettingsAsync(new JsonObject { ["autoApproveSignIns"] = _emulator.Connection.AdminUserId });
        using var noRedirect = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }) { BaseAddress = _emulator.BaseUri };

        const string redirect = "http://localhost:51234/";
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        async Task<string> AuthorizeAsync()
        {
            var query = $"client_id={_emulator.Connection.PublicClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(redirect)}" +
                $"&scope={Uri.EscapeDataString(ProvisioningScopes + " openid offline_access")}&state=xyz&code_challenge={challenge}&code_challenge_method=S256";
            using var response = await noRedirect.GetAsync($"{Tenant}/oauth2/v2.0/authorize?{query}");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!;
            Assert.StartsWith(redirect + "?", location.AbsoluteUri, StringComparison.Ordinal);
            var parameters = System.Web.HttpUtility.ParseQueryString(location.Query);
            Assert.Equal("xyz", parameters["state"]);
            return parameters["code"]!;
        }

        Dictionary<string, string> Redeem(string code, string codeVerifier) => new()
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = _emulator.Connection.PublicClientId,
            ["code"] = code,
            ["redirect_uri"] = redirect,
            ["code_verifier"] = codeVerifier,
        };

        var (badStatus, bad) = await PostFormAsync($"{Tenant}/oauth2/v2.0/token", Redeem(await AuthorizeAsync(), verifier + "x"));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("invalid_grant", bad["error"]!.GetValue<string>());

        var (okStatus, tokens) = await PostFormAsync($"{Tenant}/oauth2/v2.0/token", Redeem(await AuthorizeAsync(), verifier));
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("admin@contoso.onmicrosoft.com", new JsonWebToken(tokens["access_token"]!.GetValue<string>()).GetPayloadValue<string>("upn"));
    }

    [Fact]
    public async Task AuthorizationCode_FormPost_AnswersWithAFormThatPostsCodeAndStateToTheRedirect()
    {
        await SettingsAsync(new JsonObject { ["autoApproveSignIns"] = _emulator.Connection.AdminUserId });
        const string redirect = "http://localhost:51235/";
        var query = $"client_id={_emulator.Connection.PublicClientId}&response_type=code&response_mode=form_post&redirect_uri={Uri.EscapeDataString(redirect)}" +
            $"&scope={Uri.EscapeDataString(ProvisioningScopes)}&state=abc&code_challenge=xyz&code_challenge_method=plain";
        using var response = await _http.GetAsync($"{Tenant}/oauth2/v2.0/authorize?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"method=\"POST\" name=\"hiddenform\" action=\"{redirect}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"state\" value=\"abc\"", html, StringComparison.Ordinal);
        Assert.Matches("name=\"code\" value=\"[A-Za-z0-9_-]+\"", html);
    }

    [Fact]
    public async Task Graph_DelegatedToken_RefusedByCallsApi_AllowedToProvisionWithScopeAndDirectoryRole()
    {
        var admin = await UserTokenAsync(_emulator.Connection.AdminUserId, ProvisioningScopes);
        var (calls, callsBody) = await SendAsync(admin, HttpMethod.Get, "v1.0/communications/calls");
        Assert.Equal(HttpStatusCode.Forbidden, calls);
        Assert.Equal("Forbidden", callsBody["error"]!["code"]!.GetValue<string>());

        var target = EmulatorDefaults.SeedUserIds[0];
        var assign = new JsonObject { ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.McoevSkuId }), ["removeLicenses"] = new JsonArray() };
        var (assigned, _) = await SendAsync(admin, HttpMethod.Post, $"v1.0/users/{target}/assignLicense", assign);
        Assert.Equal(HttpStatusCode.OK, assigned);
        var (numbers, _) = await SendAsync(admin, HttpMethod.Get, "v1.0/admin/teams/telephoneNumberManagement/numberAssignments");
        Assert.Equal(HttpStatusCode.OK, numbers);

        // A user without a directory role: the scope alone is not enough.
        var plain = await UserTokenAsync(EmulatorDefaults.SeedUserIds[1], ProvisioningScopes);
        var (denied, deniedBody) = await SendAsync(plain, HttpMethod.Post, $"v1.0/users/{target}/assignLicense", assign);
        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Contains("License Administrator", deniedBody["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The admin, but without the scope.
        var narrow = await UserTokenAsync(_emulator.Connection.AdminUserId, Graph + "User.Read.All");
        var (noScope, noScopeBody) = await SendAsync(narrow, HttpMethod.Post, $"v1.0/users/{target}/assignLicense", assign);
        Assert.Equal(HttpStatusCode.Forbidden, noScope);
        Assert.Contains("LicenseAssignment.ReadWrite.All", noScopeBody["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminRoutes_UsersTakeRoles_ClientsTakePublicClientAndScopes()
    {
        using var user = await _http.PostAsync("_emulator/users", TestHttp.Json(new JsonObject { ["userPrincipalName"] = "tel@contoso.onmicrosoft.com", ["roles"] = new JsonArray("Teams Telephony Administrator") }));
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        Assert.Equal("Teams Telephony Administrator", JsonNode.Parse(await user.Content.ReadAsStringAsync())!["roles"]![0]!.GetValue<string>());
        using var client = await _http.PostAsync("_emulator/clients", TestHttp.Json(new JsonObject { ["clientId"] = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", ["publicClient"] = true, ["delegatedScopes"] = new JsonArray("User.Read") }));
        Assert.Equal(HttpStatusCode.Created, client.StatusCode);
        var (status, _) = await PostFormAsync($"{Tenant}/oauth2/v2.0/devicecode", new() { ["client_id"] = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", ["scope"] = "User.Read openid" });
        Assert.Equal(HttpStatusCode.OK, status);

        // A confidential client is not a public one.
        var (confidential, body) = await PostFormAsync($"{Tenant}/oauth2/v2.0/devicecode", new() { ["client_id"] = _emulator.Connection.ClientId, ["scope"] = "User.Read" });
        Assert.Equal(HttpStatusCode.Unauthorized, confidential);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Msal_PublicClient_DeviceCodeThenSilentRefresh()
    {
        await SettingsAsync(new JsonObject { ["autoApproveSignIns"] = "admin@contoso.onmicrosoft.com", ["tokenLifetimeSeconds"] = 2 });
        var app = PublicClientApplicationBuilder.Create(_emulator.Connection.PublicClientId)
            .WithAuthority(new Uri($"{_emulator.Connection.AuthorityHost}/{Tenant}"), validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new PinnedFactory(_emulator.Connection.CertificateThumbprint))
            .Build();
        string? message = null;
        var scopes = ProvisioningScopes.Split(' ');
        var first = await app.AcquireTokenWithDeviceCode(scopes, code => { message = code.Message; return Task.CompletedTask; }).ExecuteAsync();
        Assert.NotNull(message);
        Assert.Equal("admin@contoso.onmicrosoft.com", first.Account.Username);

        await Task.Delay(2500);
        var account = Assert.Single(await app.GetAccountsAsync());
        var second = await app.AcquireTokenSilent(scopes, account).ExecuteAsync();
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(TokenSource.IdentityProvider, second.AuthenticationResultMetadata.TokenSource);
    }

    private async Task<string> UserTokenAsync(string userId, string scopes)
    {
        var (_, code) = await RequestDeviceCodeAsync(scopes);
        await ApproveAsync(new JsonObject { ["userCode"] = code["user_code"]!.GetValue<string>(), ["userId"] = userId });
        var (status, tokens) = await PollAsync(code["device_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
        return tokens["access_token"]!.GetValue<string>();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string token, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = TestHttp.Json(body);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
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
}
