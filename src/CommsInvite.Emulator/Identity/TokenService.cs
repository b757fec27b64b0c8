using CommsInvite.Emulator.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Emulator.Identity;

/// <summary>Result of validating a bearer token on a Graph route.</summary>
internal sealed record AccessTokenCheck(bool IsValid, string? ClientId, IReadOnlyList<string> Roles, string? FailureMessage, string? TenantId = null)
{
    /// <summary>The delegated permissions (scp) of a user's token; empty for an application token.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = Array.Empty<string>();

    /// <summary>The signed-in user's object id (oid) when the token is delegated.</summary>
    public string? UserId { get; init; }

    public bool IsDelegated => UserId is not null;
}

/// <summary>Issues and validates the emulator's RS256 tokens.</summary>
internal static class TokenService
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static (string Token, DateTimeOffset ExpiresOn) IssueAccessToken(EmulatorContext context, ClientRegistration client, string audience)
    {
        var expires = DateTimeOffset.UtcNow + context.State.Settings.TokenLifetime;
        var token = Sign(context.Issuer, audience, expires, context.Keys.TokenSigningKey, new Dictionary<string, object>
        {
            ["tid"] = client.TenantId ?? context.State.TenantId,
            ["appid"] = client.ClientId,
            ["azp"] = client.ClientId,
            ["oid"] = client.ClientId,
            ["sub"] = client.ClientId,
            ["idtyp"] = "app",
            ["ver"] = "2.0",
            ["roles"] = client.Roles.ToArray(),
            ["uti"] = Guid.NewGuid().ToString("N"),
        });
        context.State.Stats.TokenIssued();
        return (token, expires);
    }

    /// <summary>A delegated (user) access token: scp, the user's oid and upn, and the client it was issued through.</summary>
    public static (string Token, DateTimeOffset ExpiresOn) IssueDelegatedAccessToken(
        EmulatorContext context, ClientRegistration client, DirectoryUser user, IReadOnlyList<string> scopes)
    {
        var expires = DateTimeOffset.UtcNow + context.State.Settings.TokenLifetime;
        var token = Sign(context.Issuer, EmulatorDefaults.GraphResource, expires, context.Keys.TokenSigningKey, new Dictionary<string, object>
        {
            ["tid"] = context.State.TenantId,
            ["appid"] = client.ClientId,
            ["azp"] = client.ClientId,
            ["oid"] = user.Id,
            ["sub"] = user.Id,
            ["upn"] = user.UserPrincipalName,
            ["unique_name"] = user.UserPrincipalName,
            ["name"] = user.DisplayName,
            ["idtyp"] = "user",
            ["ver"] = "1.0",
            ["scp"] = string.Join(' ', scopes),
            ["uti"] = Guid.NewGuid().ToString("N"),
        });
        context.State.Stats.TokenIssued();
        return (token, expires);
    }

    /// <summary>The OpenID Connect id token MSAL reads the account from (it does not validate its signature).</summary>
    public static string IssueIdToken(EmulatorContext context, ClientRegistration client, DirectoryUser user) =>
        Sign(context.Issuer, client.ClientId, DateTimeOffset.UtcNow.AddHours(1), context.Keys.TokenSigningKey, new Dictionary<string, object>
        {
            ["tid"] = context.State.TenantId,
            ["oid"] = user.Id,
            ["sub"] = user.Id,
            ["preferred_username"] = user.UserPrincipalName,
            ["name"] = user.DisplayName,
            ["ver"] = "2.0",
        });

    /// <summary>Validates an access token as Graph does: signature, issuer, audience and lifetime.</summary>
    public static async Task<AccessTokenCheck> ValidateAccessTokenAsync(EmulatorContext context, string token)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = context.Issuer,
            ValidAudiences = EmulatorDefaults.AcceptedResources,
            IssuerSigningKey = context.Keys.TokenSigningKey,
            ValidAlgorithms = new[] { SecurityAlgorithms.RsaSha256 },
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            // No skew: expiry tests set short lifetimes and expect the first request after expiry to get 401.
            ClockSkew = TimeSpan.Zero,
        };
        var result = await Handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            var message = result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenNotYetValidException => "Access token has expired or is not yet valid.",
                SecurityTokenInvalidAudienceException => "Access token validation failure. Invalid audience.",
                SecurityTokenInvalidIssuerException => "Access token validation failure. Invalid issuer.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "Access token validation failure. Invalid signature.",
                _ => "Access token validation failure.",
            };
            return new AccessTokenCheck(false, null, Array.Empty<string>(), message);
        }
        var roles = result.ClaimsIdentity.FindAll("roles").Select(c => c.Value).ToArray();
        var appId = result.ClaimsIdentity.FindFirst("appid")?.Value;
        var tenantId = result.ClaimsIdentity.FindFirst("tid")?.Value;
        var jwt = (JsonWebToken)result.SecurityToken;
        if (jwt.TryGetPayloadValue<string>("scp", out var scp) && jwt.TryGetPayloadValue<string>("oid", out var oid))
        {
            return new AccessTokenCheck(true, appId, roles, null, tenantId) { Scopes = scp.Split(' ', StringSplitOptions.RemoveEmptyEntries), UserId = oid };
        }
        return new AccessTokenCheck(true, appId, roles, null, tenantId);
    }

    /// <summary>Validates a client assertion (RFC 7523) against the client's registered certificates.</summary>
    public static async Task<string?> ValidateClientAssertionAsync(EmulatorContext context, ClientRegistration client, string assertion)
    {
        if (client.Certificates.Count == 0) return "AADSTS700027: The client has no certificate registered; client assertion cannot be validated.";
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = new[] { context.TokenEndpoint, context.Issuer, $"{context.BaseUrl}/{context.State.TenantId}/oauth2/token" },
            IssuerSigningKeys = client.Certificates.Select(c => (SecurityKey)new X509SecurityKey(c)).ToArray(),
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = new[] { SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256 },
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        var result = await Handler.ValidateTokenAsync(assertion, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenNotYetValidException => "AADSTS700024: Client assertion is not within its valid time range.",
                SecurityTokenInvalidAudienceException => "AADSTS700021: Client assertion audience claim does not match the token endpoint.",
                SecurityTokenInvalidIssuerException => "AADSTS700023: Client assertion issuer does not match the client id.",
                SecurityTokenMalformedException or ArgumentException => "AADSTS50027: The client assertion is not a well-formed JWT.",
                _ => "AADSTS700027: Client assertion failed signature validation.",
            };
        }
        var token = (JsonWebToken)result.SecurityToken;
        if (!string.Equals(token.Subject, client.ClientId, StringComparison.OrdinalIgnoreCase))
            return "AADSTS700023: Client assertion subject does not match the client id.";
        if (!token.TryGetHeaderValue<string>("x5t", out _) && !token.TryGetHeaderValue<string>("x5t#S256", out _) && string.IsNullOrEmpty(token.Kid))
            return "AADSTS700027: Client assertion has no x5t, x5t#S256 or kid header.";
        return null;
    }

    /// <summary>A bearer token for notifications POSTed to a callback URI.</summary>
    public static string IssueNotificationToken(EmulatorContext context, string audience) =>
        Sign(EmulatorDefaults.NotificationIssuer, audience, DateTimeOffset.UtcNow.AddHours(1), context.Keys.NotificationSigningKey, new Dictionary<string, object>
        {
            ["serviceurl"] = context.BaseUrl,
            ["tid"] = context.State.TenantId,
        });

    /// <summary>An RS256 JWT issued now, valid from a minute ago (clock skew) until <paramref name="expires"/>.</summary>
    private static string Sign(string issuer, string audience, DateTimeOffset expires, SecurityKey key, IDictionary<string, object> claims)
    {
        var now = DateTimeOffset.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.AddMinutes(-1).UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            Claims = claims,
        });
    }
}
