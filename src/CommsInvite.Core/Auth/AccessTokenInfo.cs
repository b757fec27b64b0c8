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
    }

    private AuthenticationHeaderValue? _authorizationHeader;

    public string Token { get; }

    public DateTimeOffset ExpiresOn { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>"Bearer &lt;token&gt;", built once per token and shared by every request that sends it.</summary>
    public AuthenticationHeaderValue AuthorizationHeader => _authorizationHeader ??= new AuthenticationHeaderValue("Bearer", Token);

    public override string ToString() => $"access token (expires {ExpiresOn:u})";

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
