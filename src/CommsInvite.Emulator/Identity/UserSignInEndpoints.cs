using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Identity;

/// <summary>
/// Users signing in through a public client, as the Microsoft identity platform (v2.0) documents it: the device
/// authorization grant (devicecode endpoint, then token polling) and the authorization-code grant with PKCE
/// (authorize endpoint redirecting to a loopback redirect URI), with refresh tokens for silent renewal.
/// </summary>
internal static class UserSignInEndpoints
{
    public const string DeviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";

    private static readonly string[] ReservedScopes = { "openid", "profile", "offline_access", "email" };

    public static void Map(IEndpointRouteBuilder app, EmulatorContext context)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", (string tenant, HttpContext http) => DeviceCodeAsync(context, tenant, http));
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (string tenant, HttpContext http) => Authorize(context, tenant, http));

        // The verification URI a device-code message names: the emulator has no sign-in UI, so it says how to approve.
        app.MapGet("/devicelogin", () => Page(200, "CommsInvite emulator: device sign-in",
            "<p>Approve a code with <code>POST /_emulator/devicecodes/approve</code> and <code>{\"userCode\":\"...\",\"userId\":\"...\"}</code> " +
            "(or <code>\"deny\": true</code>); <code>GET /_emulator/devicecodes</code> lists the codes waiting. " +
            "The setting <code>autoApproveSignIns</code> approves every sign-in as one user.</p>"));
    }

    // The identity platform documents the RFC 8628 URN; MSAL sends the short "device_code", which it accepts too.
    public static bool Handles(string grantType) => grantType is DeviceCodeGrantType or "device_code" or "authorization_code" or "refresh_token";

    /// <summary>The token endpoint's user grants: device_code, authorization_code, refresh_token.</summary>
    public static IResult Token(EmulatorContext context, string grantType, Func<string, string?> field)
    {
        var clientId = field("client_id");
        if (clientId is null) return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (FindPublicClient(context, clientId) is not { } client) return UnknownOrConfidentialClient(context, clientId);

        return grantType switch
        {
            DeviceCodeGrantType or "device_code" => RedeemDeviceCode(context, client, field("device_code")),
            "authorization_code" => RedeemAuthorizationCode(context, client, field("code"), field("redirect_uri"), field("code_verifier")),
            _ => Refresh(context, client, field("refresh_token"), field("scope")),
        };
    }

    private static ClientRegistration? FindPublicClient(EmulatorContext context, string clientId) =>
        context.State.Clients.TryGetValue(clientId, out var client) && client.IsPublicClient ? client : null;

    private static IResult UnknownOrConfidentialClient(EmulatorContext context, string clientId) =>
        context.State.Clients.ContainsKey(clientId)
            ? IdentityEndpoints.AadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. (The application does not allow public client flows.)")
            : IdentityEndpoints.AadError(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{context.State.TenantId}'.");

    private static async Task<IResult> DeviceCodeAsync(EmulatorContext context, string tenant, HttpContext http)
    {
        if (!IdentityEndpoints.IsOurTenant(context, tenant)) return IdentityEndpoints.UnknownTenant(tenant);
        if (!http.Request.HasFormContentType)
            return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        var clientId = Field("client_id");
        if (clientId is null) return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (FindPublicClient(context, clientId) is null) return UnknownOrConfidentialClient(context, clientId);
        var (scopes, scopeError) = ParseScopes(context, Field("scope"));
        if (scopeError is not null) return scopeError;

        var settings = context.State.Settings;
        var grant = context.State.SignIns.AddDeviceCode(clientId, scopes, settings.DeviceCodeLifetime, settings.DeviceCodeInterval);
        if (settings.AutoApproveSignIns is { } userId && context.State.FindUser(userId) is { } user)
        {
            lock (grant)
            {
                grant.Status = DeviceCodeStatus.Approved;
                grant.UserId = user.Id;
            }
        }

        var verificationUri = $"{context.BaseUrl}/devicelogin";
        return HttpJson.Json(new JsonObject
        {
            ["user_code"] = grant.UserCode,
            ["device_code"] = grant.DeviceCode,
            ["verification_uri"] = verificationUri,
            ["expires_in"] = (long)settings.DeviceCodeLifetime.TotalSeconds,
            ["interval"] = (long)grant.Interval.TotalSeconds,
            ["message"] = $"To sign in, use a web browser to open the page {verificationUri} and enter the code {grant.UserCode} to authenticate.",
        });
    }

    private static IResult RedeemDeviceCode(EmulatorContext context, ClientRegistration client, string? deviceCode)
    {
        if (deviceCode is null) return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.");
        var grant = context.State.SignIns.FindDeviceCode(deviceCode);
        if (grant is null || !string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
            return IdentityEndpoints.AadError(400, "bad_verification_code", 70019, "The provided value for the input parameter 'device_code' is not valid.");

        var now = DateTimeOffset.UtcNow;
        DeviceCodeStatus status;
        string? userId;
        lock (grant)
        {
            if (grant.ExpiresAt <= now)
            {
                context.State.SignIns.RemoveDeviceCode(deviceCode);
                return IdentityEndpoints.AadError(400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
            }

            // Polling faster than the interval it was told (a small allowance for timer jitter) is slowed down.
            var tooSoon = grant.LastPoll is { } last && now - last < grant.Interval - TimeSpan.FromMilliseconds(250);
            grant.LastPoll = now;
            if (tooSoon && grant.Status == DeviceCodeStatus.Pending)
                return IdentityEndpoints.AadError(400, "slow_down", 70016, "OAuth 2.0 device flow error. Polling too fast: wait the interval between requests.");
            status = grant.Status;
            userId = grant.UserId;
        }

        switch (status)
        {
            case DeviceCodeStatus.Pending:
                return IdentityEndpoints.AadError(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
            case DeviceCodeStatus.Denied:
                context.State.SignIns.RemoveDeviceCode(deviceCode);
                return IdentityEndpoints.AadError(400, "access_denied", 70000, "The user denied the authorization request.");
        }

        context.State.SignIns.RemoveDeviceCode(deviceCode);
        return IssueUserTokens(context, client, userId!, grant.Scopes);
    }

    private static IResult RedeemAuthorizationCode(EmulatorContext context, ClientRegistration client, string? code, string? redirectUri, string? verifier)
    {
        if (code is null) return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.");
        var grant = context.State.SignIns.RedeemAuthorizationCode(code);
        if (grant is null || grant.ExpiresAt <= DateTimeOffset.UtcNow || !string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
            return IdentityEndpoints.AadError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity, was already redeemed, or was issued to another client.");
        if (!string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal))
            return IdentityEndpoints.AadError(400, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting the authorization code.");
        if (grant.CodeChallenge is not null)
        {
            if (verifier is null)
                return IdentityEndpoints.AadError(400, "invalid_request", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
            var computed = grant.CodeChallengeMethod == "plain"
                ? verifier
                : SignInStore.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(grant.CodeChallenge)))
                return IdentityEndpoints.AadError(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
        }

        return IssueUserTokens(context, client, grant.UserId, grant.Scopes);
    }

    private static IResult Refresh(EmulatorContext context, ClientRegistration client, string? refreshToken, string? scope)
    {
        if (refreshToken is null) return IdentityEndpoints.AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
        var grant = context.State.SignIns.FindRefreshToken(refreshToken);
        if (grant is null || !string.Equals(grant.ClientId, client.ClientId, StringComparison.OrdinalIgnoreCase))
            return IdentityEndpoints.AadError(400, "invalid_grant", 9002313, "Invalid request. The refresh token is malformed, revoked or was issued to another client.");
        var scopes = grant.Scopes;
        if (scope is not null)
        {
            var (requested, error) = ParseScopes(context, scope);
            if (error is not null) return error;
            scopes = requested;
        }

        return IssueUserTokens(context, client, grant.UserId, scopes);
    }

    /// <summary>Access, refresh and id token for a user, or consent_required when the client lacks consent to a scope.</summary>
    private static IResult IssueUserTokens(EmulatorContext context, ClientRegistration client, string userId, IReadOnlyList<string> requested)
    {
        var user = context.State.FindUser(userId);
        if (user is null)
            return IdentityEndpoints.AadError(400, "invalid_grant", 50034, $"The user account {userId} does not exist in the directory {context.State.TenantId}.");
        var granted = GrantedScopes(client, requested, out var missing);
        if (missing.Count > 0) return ConsentRequired(client, missing);

        var (token, expiresOn) = TokenService.IssueDelegatedAccessToken(context, client, user, granted);
        var refresh = context.State.SignIns.AddRefreshToken(new RefreshTokenGrant(client.ClientId, user.Id, requested));
        var expiresIn = (long)Math.Max(1, (expiresOn - DateTimeOffset.UtcNow).TotalSeconds);
        var clientInfo = SignInStore.Base64Url(Encoding.UTF8.GetBytes(new JsonObject { ["uid"] = user.Id, ["utid"] = context.State.TenantId }.ToJsonString()));
        return HttpJson.Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            // Echo the scopes as asked for (resource-qualified), so MSAL's cache finds them again on a silent call.
            ["scope"] = string.Join(' ', requested.Concat(ReservedScopes.Take(3))),
            ["expires_in"] = expiresIn,
            ["ext_expires_in"] = expiresIn,
            ["access_token"] = token,
            ["refresh_token"] = refresh,
            ["id_token"] = TokenService.IssueIdToken(context, client, user),
            ["client_info"] = clientInfo,
        });
    }

    /// <summary>The plain Graph permission names (scp) of the requested scopes; .default means all consented ones.</summary>
    private static IReadOnlyList<string> GrantedScopes(ClientRegistration client, IReadOnlyList<string> requested, out List<string> missing)
    {
        missing = new List<string>();
        var granted = new List<string>();
        foreach (var scope in requested)
        {
            var name = PermissionName(scope);
            if (name == ".default")
            {
                granted.AddRange(client.DelegatedScopes);
                continue;
            }

            if (client.DelegatedScopes.Contains(name, StringComparer.OrdinalIgnoreCase)) granted.Add(name);
            else missing.Add(name);
        }

        return granted.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static string PermissionName(string scope)
    {
        var slash = scope.LastIndexOf('/');
        return slash < 0 ? scope : scope[(slash + 1)..];
    }

    private static IResult ConsentRequired(ClientRegistration client, IReadOnlyList<string> missing) =>
        IdentityEndpoints.AadError(400, "invalid_grant", 65001,
            $"The user or administrator has not consented to use the application with ID '{client.ClientId}'. Send an interactive authorization request for this user and resource. Missing consent: {string.Join(", ", missing)}.",
            suberror: "consent_required");

    /// <summary>The requested scopes without the OpenID Connect ones; only Graph's (or bare permission names) are known.</summary>
    private static (IReadOnlyList<string> Scopes, IResult? Error) ParseScopes(EmulatorContext context, string? scope)
    {
        var scopes = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => !ReservedScopes.Contains(s, StringComparer.OrdinalIgnoreCase))
            .ToArray();
        if (scopes.Length == 0)
            return (scopes, IdentityEndpoints.AadError(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid: it names no resource permission."));
        foreach (var s in scopes)
        {
            var slash = s.LastIndexOf('/');
            if (slash < 0) continue;
            var resource = s[..slash].TrimEnd('/');
            if (!EmulatorDefaults.AcceptedResources.Contains(resource, StringComparer.OrdinalIgnoreCase))
                return (scopes, IdentityEndpoints.AadError(400, "invalid_resource", 500011, $"The resource principal named {resource} was not found in the tenant named {context.State.TenantId}."));
        }

        return (scopes, null);
    }

    /// <summary>
    /// The authorize endpoint: with autoApproveSignIns (or a user picked on its sign-in page, emulator_user=) it
    /// redirects to the loopback redirect URI with code and state, as the real sign-in page does once the user is done.
    /// </summary>
    private static IResult Authorize(EmulatorContext context, string tenant, HttpContext http)
    {
        if (!IdentityEndpoints.IsOurTenant(context, tenant)) return IdentityEndpoints.UnknownTenant(tenant);
        var query = http.Request.Query;
        string? Q(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;

        var clientId = Q("client_id");
        var redirectUri = Q("redirect_uri");
        if (clientId is null || FindPublicClient(context, clientId) is not { } client)
            return Page(400, "Sign-in failed", $"AADSTS700016: Application with identifier '{WebUtility.HtmlEncode(clientId)}' was not found or does not allow public client flows.");
        if (redirectUri is null || !IsLoopbackRedirect(redirectUri))
            return Page(400, "Sign-in failed", "AADSTS50011: The redirect URI specified in the request does not match the redirect URIs configured for the application (http://localhost).");
        var state = Q("state");
        var formPost = Q("response_mode") == "form_post";
        if (Q("response_type") != "code")
            return RedirectError(redirectUri, state, formPost, "unsupported_response_type", "AADSTS700054: response_type must be 'code'.");
        var challenge = Q("code_challenge");
        var method = Q("code_challenge_method") ?? (challenge is null ? null : "plain");
        if (method is not null and not ("S256" or "plain"))
            return RedirectError(redirectUri, state, formPost, "invalid_request", "AADSTS501491: Invalid code_challenge_method.");
        var (scopes, scopeError) = ParseScopes(context, Q("scope"));
        if (scopeError is not null) return RedirectError(redirectUri, state, formPost, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.");

        var userId = Q("emulator_user") ?? context.State.Settings.AutoApproveSignIns;
        var user = userId is null ? null : context.State.FindUser(userId);
        if (user is null) return SignInPage(context, http);

        GrantedScopes(client, scopes, out var missing);
        if (missing.Count > 0)
            return RedirectError(redirectUri, state, formPost, "consent_required", $"AADSTS65001: The user or administrator has not consented to use the application with ID '{client.ClientId}'. Missing consent: {string.Join(", ", missing)}.");

        var code = context.State.SignIns.AddAuthorizationCode(new AuthorizationCodeGrant(
            client.ClientId, redirectUri, scopes, user.Id, challenge, method, DateTimeOffset.UtcNow.AddMinutes(10)));
        return Respond(redirectUri, formPost, ("code", code), ("state", state), ("session_state", Guid.NewGuid().ToString()));
    }

    /// <summary>Loopback redirects, any port, as the identity platform allows for desktop apps (http://localhost registered).</summary>
    private static bool IsLoopbackRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && (uri.Host == "localhost" || IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));

    private static IResult RedirectError(string redirectUri, string? state, bool formPost, string error, string description) =>
        Respond(redirectUri, formPost, ("error", error), ("error_description", description), ("state", state));

    /// <summary>
    /// The answer to the redirect URI: a 302 with the values in the query (response_mode=query), or, for
    /// response_mode=form_post (what MSAL asks for), a page whose form posts them there, as the identity platform does.
    /// </summary>
    private static IResult Respond(string redirectUri, bool formPost, params (string Name, string? Value)[] values)
    {
        if (!formPost) return Results.Redirect(AppendQuery(redirectUri, values));
        var html = new StringBuilder("<!DOCTYPE html><html><head><title>Working...</title></head><body onload=\"document.forms[0].submit()\">\n");
        html.Append("<form method=\"POST\" name=\"hiddenform\" action=\"").Append(WebUtility.HtmlEncode(redirectUri)).Append("\">\n");
        foreach (var (name, value) in values)
        {
            if (value is null) continue;
            html.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name)).Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\" />\n");
        }
        html.Append("<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, 200);
    }

    private static string AppendQuery(string uri, params (string Name, string? Value)[] values)
    {
        var builder = new StringBuilder(uri);
        var separator = uri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in values)
        {
            if (value is null) continue;
            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return builder.ToString();
    }

    /// <summary>Without auto-approval: a page listing the directory's users, each a link that signs in as that user.</summary>
    private static IResult SignInPage(EmulatorContext context, HttpContext http)
    {
        var links = new StringBuilder();
        foreach (var user in context.State.GetUsers())
        {
            var href = http.Request.Path + http.Request.QueryString.Add("emulator_user", user.Id).ToUriComponent();
            links.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(href)).Append("\">")
                .Append(WebUtility.HtmlEncode(user.UserPrincipalName)).Append("</a></li>");
        }
        return Page(200, "CommsInvite emulator: sign in", $"<p>Pick an account.</p><ul>{links}</ul>");
    }

    private static IResult Page(int status, string title, string body) =>
        Results.Content($"<!DOCTYPE html><html><head><title>{WebUtility.HtmlEncode(title)}</title></head><body><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>",
            "text/html; charset=utf-8", Encoding.UTF8, status);
}
