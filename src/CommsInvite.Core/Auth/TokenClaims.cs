using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CommsInvite.Core.Auth;

/// <summary>
/// What a bearer token says about itself, read once (not validated: the service validates it): application roles
/// ("roles") for app-only tokens, delegated scopes ("scp", space separated) and the user's name for a signed-in user,
/// the tenant and the client.
/// </summary>
internal sealed class TokenClaims
{
    private static readonly string[] AccountClaims = { "upn", "unique_name", "preferred_username" };

    private TokenClaims(bool readable, string? tenantId, string? appId, IReadOnlyList<string> roles, IReadOnlyList<string> scopes, string? account)
    {
        Readable = readable;
        TenantId = tenantId;
        AppId = appId;
        Roles = roles;
        Scopes = scopes;
        Account = account;
    }

    /// <summary>False for an opaque (non-JWT) token: its permissions are unknown, so checks try their requests.</summary>
    public bool Readable { get; }

    public string? TenantId { get; }

    public string? AppId { get; }

    public IReadOnlyList<string> Roles { get; }

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The signed-in user's name (upn, else unique_name or preferred_username); null for an application token.</summary>
    public string? Account { get; }

    /// <summary>App-only: roles and no delegated scopes.</summary>
    public bool IsAppOnly => Scopes.Count == 0;

    /// <summary>Whether the token holds one of <paramref name="permissions"/>; true when the token cannot be read.</summary>
    public bool MayHold(IEnumerable<string> permissions) =>
        !Readable || permissions.Any(p => Roles.Contains(p, StringComparer.OrdinalIgnoreCase) || Scopes.Contains(p, StringComparer.OrdinalIgnoreCase));

    public static TokenClaims Read(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            var roles = jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
            var scopes = jwt.Claims.Where(c => c.Type == "scp")
                .SelectMany(c => c.Value.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).ToArray();
            jwt.TryGetPayloadValue<string>("tid", out var tid);
            if (!jwt.TryGetPayloadValue<string>("appid", out var appId)) jwt.TryGetPayloadValue("azp", out appId);
            string? account = null;
            if (scopes.Length > 0)
            {
                foreach (var claim in AccountClaims)
                {
                    if (jwt.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrEmpty(value))
                    {
                        account = value;
                        break;
                    }
                }
            }

            return new TokenClaims(true, tid, appId, roles, scopes, account);
        }
        catch (ArgumentException)
        {
            // Opaque (non-JWT) tokens carry nothing readable.
            return new TokenClaims(false, null, null, Array.Empty<string>(), Array.Empty<string>(), null);
        }
    }
}
