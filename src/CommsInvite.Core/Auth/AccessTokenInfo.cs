using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CommsInvite.Core.Auth;

/// <summary>A bearer token and what we read from it. Never logged, never shown.</summary>
internal sealed class AccessTokenInfo
{
    public AccessTokenInfo(string token, DateTimeOffset expiresOn)
    {
        Token = token;
        ExpiresOn = expiresOn;
        Roles = ReadRoles(token);
        (Scopes, Account) = ReadUser(token);
    }

    private AuthenticationHeaderValue? _authorizationHeader;

    public string Token { get; }

    public DateTimeOffset ExpiresOn { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>The delegated permissions (scp claim) of a user's token; empty for an application token.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The signed-in user's name (upn, else unique_name or preferred_username); null for an application token.</summary>
    public string? Account { get; }

    /// <summary>"Bearer &lt;token&gt;", built once per token and shared by every request that sends it.</summary>
    public AuthenticationHeaderValue AuthorizationHeader => _authorizationHeader ??= new AuthenticationHeaderValue("Bearer", Token);

    public override string ToString() => $"access token (expires {ExpiresOn:u})";

    private static (IReadOnlyList<string> Scopes, string? Account) ReadUser(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            var scopes = jwt.TryGetPayloadValue<string>("scp", out var scp) && !string.IsNullOrWhiteSpace(scp)
                ? scp.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries)
                : Array.Empty<string>();
            string? account = null;
            foreach (var claim in new[] { "upn", "unique_name", "preferred_username" })
            {
                if (jwt.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrEmpty(value))
                {
                    account = value;
                    break;
                }
            }

            return (scopes, scopes.Length > 0 ? account : null);
        }
        catch (ArgumentException)
        {
            return (Array.Empty<string>(), null);
        }
    }

    /// <summary>The token's "roles" claim; reading (not validating) is enough: the service validates it.</summary>
    internal static IReadOnlyList<string> ReadRoles(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
        }
        catch (ArgumentException)
        {
            // Opaque (non-JWT) tokens carry no readable roles.
            return Array.Empty<string>();
        }
    }
}
