using CommsInvite.Emulator.Hosting;
using CommsInvite.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CommsInvite.Emulator.Graph;

/// <summary>The application roles a Graph route needs (any one of them).</summary>
internal sealed record GraphPermission(IReadOnlyList<string> Roles, bool IsCallsApi);

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
        if (permission is not null && !permission.Roles.Any(r => check.Roles.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return permission.IsCallsApi
                ? GraphErrors.Result(http, 403, "7504", "Insufficient enterprise tenant permissions, cannot access this API.")
                : GraphErrors.Result(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        http.Items[ClientIdItem] = check.ClientId;
        http.Items[TenantIdItem] = check.TenantId;
        return await next(invocation).ConfigureAwait(false);
    }

    public static IResult Unauthorized(EmulatorContext context, HttpContext http, string message)
    {
        http.Response.Headers.WWWAuthenticate =
            $"Bearer realm=\"\", authorization_uri=\"{context.BaseUrl}/{context.State.TenantId}/oauth2/authorize\", client_id=\"{EmulatorDefaults.GraphResourceAppId}\"";
        return GraphErrors.Result(http, 401, "InvalidAuthenticationToken", message);
    }
}
