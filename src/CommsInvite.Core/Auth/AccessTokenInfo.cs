using System;
using System.Collections.Generic;
using System.Net.Http.Headers;

namespace CommsInvite.Core.Auth;

/// <summary>A bearer token and what we read from it (once, when it arrives). Never logged, never shown.</summary>
internal sealed class AccessTokenInfo
{
    public AccessTokenInfo(string token, DateTimeOffset expiresOn)
    {
        Token = token;
        ExpiresOn = expiresOn;
        Claims = TokenClaims.Read(token);
    }

    private AuthenticationHeaderValue? _authorizationHeader;

    public string Token { get; }

    public DateTimeOffset ExpiresOn { get; }

    /// <summary>The token's claims: tenant, client, roles, scopes, account.</summary>
    public TokenClaims Claims { get; }

    public IReadOnlyList<string> Roles => Claims.Roles;

    /// <summary>The delegated permissions (scp claim) of a user's token; empty for an application token.</summary>
    public IReadOnlyList<string> Scopes => Claims.Scopes;

    /// <summary>The signed-in user's name (upn, else unique_name or preferred_username); null for an application token.</summary>
    public string? Account => Claims.Account;

    /// <summary>"Bearer &lt;token&gt;", built once per token and shared by every request that sends it.</summary>
    public AuthenticationHeaderValue AuthorizationHeader => _authorizationHeader ??= new AuthenticationHeaderValue("Bearer", Token);

    public override string ToString() => $"access token (expires {ExpiresOn:u})";
}
