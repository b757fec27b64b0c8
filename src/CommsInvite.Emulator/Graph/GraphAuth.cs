using CommsInvite.Emulator.Hosting;
using CommsInvite.Emulator.Identity;

namespace CommsInvite.Emulator.Graph;

/// <summary>The application roles a Graph route needs (any one of them).</summary>
internal sealed record GraphPermission(IReadOnlyList<string> Roles, bool IsCallsApi);

/// <summary>
/// What a user's (delegated) token needs on a route: one of the scopes, and, when any are named, one of the directory
/// roles of the signed-in user (Global Administrator holds them all). Routes without it refuse delegated tokens.
/// </summary>
internal sealed record DelegatedPermission(IReadOnlyList<string> Scopes, IReadOnlyList<string> DirectoryRoles);

internal static class GraphAuth
{
    public const string ClientIdItem = "emulator.client-id";
    public const string TenantIdItem = "emulator.tenant-id";

    /// <summary>The service's answer to a token issued in another tenant than the call's (observed, see docs/troubleshooting.md).</summary>
    public static IResult TenantMismatch(HttpContext http) =>
        GraphErrors.Result(http, 403, "7505", "Request authorization tenant mismatch.");

    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GraphPermission(roles, false));

    public static TBuilder RequireCallsRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new GraphPermission(roles, true));

    /// <summary>Lets a user's token in with one of <paramref name="scopes"/> and one of <paramref name="directoryRoles"/> (none: any user).</summary>
    public static TBuilder AllowDelegated<TBuilder>(this TBuilder builder, string[] scopes, params string[] directoryRoles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DelegatedPermission(scopes, directoryRoles));

    public const string GlobalAdministrator = "Global Administrator";

    /// <summary>Endpoint filter: bearer token valid (signature, issuer, audience, lifetime) and a required role held.</summary>
    public static async ValueTask<object?> FilterAsync(EmulatorContext context, EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
            return Unauthorized(context, http, "Access token is empty.");
        var check = await TokenService.ValidateAccessTokenAsync(context, authorization[7..].Trim()).ConfigureAwait(false);
        if (!check.IsValid) return Unauthorized(context, http, check.FailureMessage!);

        var permission = http.GetEndpoint()?.Metadata.GetMetadata<GraphPermission>();
        // The emulator holds one directory: other routes serve it to any valid token, calls routes refuse a token from
        // another tenant as the service does.
        if (permission is { IsCallsApi: true } && !string.Equals(check.TenantId, context.State.TenantId, StringComparison.OrdinalIgnoreCase))
            return TenantMismatch(http);
        if (check.IsDelegated)
        {
            var refusal = CheckDelegated(context, http, check, permission);
            if (refusal is not null) return refusal;
        }
        else if (permission is not null && !permission.Roles.Any(r => check.Roles.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return permission.IsCallsApi
                ? GraphErrors.Result(http, 403, "7504", "Insufficient enterprise tenant permissions, cannot access this API.")
                : GraphErrors.Result(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        http.Items[ClientIdItem] = check.ClientId;
        http.Items[TenantIdItem] = check.TenantId;
        return await next(invocation).ConfigureAwait(false);
    }

    private static IResult? CheckDelegated(EmulatorContext context, HttpContext http, AccessTokenCheck check, GraphPermission? permission)
    {
        // The calling APIs are application-only ("Delegated: Not supported"). What the service answers a user's token
        // with is not documented: this 403 and its wording are the emulator's assumption.
        if (permission?.IsCallsApi == true)
            return GraphErrors.Result(http, 403, "Forbidden", "This API does not support delegated (user) tokens; it needs an application permission such as Calls.InitiateGroupCall.All.");
        var delegated = http.GetEndpoint()?.Metadata.GetMetadata<DelegatedPermission>();
        if (delegated is null)
            return GraphErrors.Result(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation. This API does not accept delegated tokens.");
        if (!delegated.Scopes.Any(s => check.Scopes.Contains(s, StringComparer.OrdinalIgnoreCase)))
            return GraphErrors.Result(http, 403, "Authorization_RequestDenied", $"Insufficient privileges to complete the operation. The token's scopes (scp) hold none of: {string.Join(", ", delegated.Scopes)}.");
        if (delegated.DirectoryRoles.Count > 0)
        {
            var roles = context.State.FindUser(check.UserId!)?.Roles ?? Array.Empty<string>();
            if (!roles.Any(r => string.Equals(r, GlobalAdministrator, StringComparison.OrdinalIgnoreCase) || delegated.DirectoryRoles.Contains(r, StringComparer.OrdinalIgnoreCase)))
                return GraphErrors.Result(http, 403, "Authorization_RequestDenied", $"Insufficient privileges to complete the operation. The signed-in user holds none of the directory roles: {string.Join(", ", delegated.DirectoryRoles)}.");
        }
        return null;
    }

    public static IResult Unauthorized(EmulatorContext context, HttpContext http, string message)
    {
        http.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"\", authorization_uri=\"{context.BaseUrl}/{context.State.TenantId}/oauth2/authorize\", client_id=\"{EmulatorDefaults.GraphResourceAppId}\"";
        return GraphErrors.Result(http, 401, "InvalidAuthenticationToken", message);
    }
}
