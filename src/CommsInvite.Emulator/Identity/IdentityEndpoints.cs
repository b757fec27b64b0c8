using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Emulator.Identity;

/// <summary>The Entra ID (v2.0) surface: discovery, keys, token endpoint, and the managed identity endpoint.</summary>
internal static class IdentityEndpoints
{
    private const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static void Map(IEndpointRouteBuilder app, EmulatorContext context)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => OpenIdConfiguration(context, tenant));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) => OpenIdConfiguration(context, tenant));
        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant) => Keys(context, tenant));
        app.MapGet("/{tenant}/discovery/keys", (string tenant) => Keys(context, tenant));
        app.MapGet("/common/discovery/instance", () => InstanceDiscovery(context));
        app.MapPost("/{tenant}/oauth2/v2.0/token", (string tenant, HttpContext http) => TokenAsync(context, tenant, http));
        UserSignInEndpoints.Map(app, context);
        app.MapGet("/msi/token", (HttpContext http) => ManagedIdentityToken(context, http));

        app.MapGet("/aps/v1/.well-known/OpenIdConfiguration", () => HttpJson.Json(new JsonObject
        {
            ["issuer"] = EmulatorDefaults.NotificationIssuer,
            ["authorization_endpoint"] = $"{context.BaseUrl}/aps/v1/authorize",
            ["jwks_uri"] = $"{context.BaseUrl}/aps/v1/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        }));
        app.MapGet("/aps/v1/keys", () => HttpJson.Json(new JsonObject { ["keys"] = new JsonArray(JwkJson(context.Keys.NotificationSigningKey)) }));
    }

    internal static bool IsOurTenant(EmulatorContext context, string tenant) =>
        string.Equals(tenant, context.State.TenantId, StringComparison.OrdinalIgnoreCase);

    private static IResult OpenIdConfiguration(EmulatorContext context, string tenant)
    {
        if (!IsOurTenant(context, tenant)) return UnknownTenant(tenant);
        var root = $"{context.BaseUrl}/{context.State.TenantId}";
        return HttpJson.Json(new JsonObject
        {
            ["issuer"] = context.Issuer,
            ["token_endpoint"] = context.TokenEndpoint,
            ["authorization_endpoint"] = $"{root}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{root}/oauth2/v2.0/devicecode",
            ["end_session_endpoint"] = $"{root}/oauth2/v2.0/logout",
            ["jwks_uri"] = $"{root}/discovery/v2.0/keys",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "tid", "roles", "appid", "azp", "scp", "oid", "upn"),
            ["grant_types_supported"] = new JsonArray("client_credentials", "authorization_code", "refresh_token", UserSignInEndpoints.DeviceCodeGrantType),
            ["code_challenge_methods_supported"] = new JsonArray("S256", "plain"),
            ["tenant_region_scope"] = "NA",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
        });
    }

    private static IResult Keys(EmulatorContext context, string tenant)
    {
        if (!IsOurTenant(context, tenant)) return UnknownTenant(tenant);
        return HttpJson.Json(new JsonObject { ["keys"] = new JsonArray(JwkJson(context.Keys.TokenSigningKey)) });
    }

    private static JsonObject JwkJson(RsaSecurityKey key)
    {
        var jwk = EmulatorKeys.PublicJwk(key);
        return new JsonObject { ["kty"] = jwk.Kty, ["use"] = "sig", ["kid"] = jwk.Kid, ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E };
    }

    private static IResult InstanceDiscovery(EmulatorContext context)
    {
        var host = new Uri(context.BaseUrl).Authority;
        return HttpJson.Json(new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{context.BaseUrl}/{context.State.TenantId}/v2.0/.well-known/openid-configuration",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        });
    }

    internal static IResult UnknownTenant(string tenant) =>
        AadError(400, "invalid_tenant", 90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");

    internal static IResult AadError(int status, string error, int code, string description, string? suberror = null)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = Guid.NewGuid().ToString();
        var timestamp = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {description} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {timestamp}",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
        };
        if (suberror is not null) body["suberror"] = suberror;
        return HttpJson.Json(body, status);
    }

    private static async Task<IResult> TokenAsync(EmulatorContext context, string tenant, HttpContext http)
    {
        if (!IsOurTenant(context, tenant)) return UnknownTenant(tenant);
        if (!http.Request.HasFormContentType)
            return AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;

        var grantType = Field("grant_type");
        if (grantType is null) return AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        if (UserSignInEndpoints.Handles(grantType)) return UserSignInEndpoints.Token(context, grantType, Field);
        if (grantType != "client_credentials")
            return AadError(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grantType}'.");

        var clientId = Field("client_id");
        var clientSecret = Field("client_secret");
        var basic = ParseBasic(http.Request.Headers.Authorization.ToString());
        if (basic is not null)
        {
            clientId ??= basic.Value.Id;
            clientSecret ??= basic.Value.Secret;
        }
        if (clientId is null) return AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        if (!context.State.Clients.TryGetValue(clientId, out var client) || client.ClientId == EmulatorDefaults.ManagedIdentityClientId)
            return AadError(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{context.State.TenantId}'.");

        var scope = Field("scope");
        if (scope is null) return AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        var defaultScopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => s.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (defaultScopes.Length != 1)
            return AadError(400, "invalid_scope", 1002012, $"The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        var resource = defaultScopes[0][..^"/.default".Length];
        if (!EmulatorDefaults.AcceptedResources.Contains(resource.TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
            return AadError(400, "invalid_resource", 500011, $"The resource principal named {resource} was not found in the tenant named {context.State.TenantId}.");

        var assertionType = Field("client_assertion_type");
        var assertion = Field("client_assertion");
        if (clientSecret is not null && assertion is not null)
            return AadError(400, "invalid_request", 90014, "Only one client credential may be presented: client_secret or client_assertion.");
        if (assertion is not null)
        {
            if (assertionType != JwtBearerAssertionType)
                return AadError(400, "invalid_request", 700025, $"client_assertion_type must be '{JwtBearerAssertionType}'.");
            var failure = await TokenService.ValidateClientAssertionAsync(context, client, assertion).ConfigureAwait(false);
            if (failure is not null)
            {
                var code = int.Parse(failure.AsSpan(6, failure.IndexOf(':') - 6), System.Globalization.CultureInfo.InvariantCulture);
                return AadError(401, "invalid_client", code, failure[(failure.IndexOf(':') + 2)..]);
            }
        }
        else if (clientSecret is not null)
        {
            if (client.ClientSecret is null || !FixedTimeEquals(client.ClientSecret, clientSecret))
                return AadError(401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");
        }
        else
        {
            return AadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }

        var audience = string.Equals(resource.TrimEnd('/'), EmulatorDefaults.GraphResourceAppId, StringComparison.OrdinalIgnoreCase)
            ? EmulatorDefaults.GraphResourceAppId
            : EmulatorDefaults.GraphResource;
        var (token, expiresOn) = TokenService.IssueAccessToken(context, client, audience);
        var expiresIn = (long)Math.Max(1, (expiresOn - DateTimeOffset.UtcNow).TotalSeconds);
        return HttpJson.Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = expiresIn,
            ["ext_expires_in"] = expiresIn,
            ["access_token"] = token,
        });
    }

    // Managed identity, App Service / Automation style (api-version 2019-08-01, as IDENTITY_ENDPOINT is called) or
    // instance-metadata style (api-version 2018-02-01, the request MSAL sends to IMDS, which a client's connection
    // routes here). Either way the X-IDENTITY-HEADER secret of the connection file is required.
    private static IResult ManagedIdentityToken(EmulatorContext context, HttpContext http)
    {
        var header = http.Request.Headers["X-IDENTITY-HEADER"].ToString();
        if (string.IsNullOrEmpty(header) || !FixedTimeEquals(header, context.ManagedIdentityHeader))
            return MiError(401, "unauthorized", "The X-IDENTITY-HEADER header is missing or does not match the identity header of this environment.");
        var query = http.Request.Query;
        var apiVersion = query["api-version"].ToString();
        if (apiVersion is not ("2019-08-01" or "2018-02-01")) return MiError(400, "invalid_request", $"api-version '{apiVersion}' is not supported; use 2019-08-01 or 2018-02-01.");
        var resource = query["resource"].ToString();
        if (string.IsNullOrEmpty(resource)) return MiError(400, "invalid_request", "The resource parameter is required.");
        var normalized = resource.EndsWith("/.default", StringComparison.OrdinalIgnoreCase) ? resource[..^"/.default".Length] : resource;
        normalized = normalized.TrimEnd('/');
        if (!EmulatorDefaults.AcceptedResources.Contains(normalized, StringComparer.OrdinalIgnoreCase))
            return MiError(400, "invalid_resource", $"The resource '{resource}' is not known to this emulator.");

        var clientId = query["client_id"].ToString();
        if (string.IsNullOrEmpty(clientId)) clientId = EmulatorDefaults.ManagedIdentityClientId;
        if (!context.State.Clients.TryGetValue(clientId, out var client))
            return MiError(400, "invalid_request", $"No managed identity with client id '{clientId}' is assigned to this resource.");

        var audience = string.Equals(normalized, EmulatorDefaults.GraphResourceAppId, StringComparison.OrdinalIgnoreCase)
            ? EmulatorDefaults.GraphResourceAppId
            : EmulatorDefaults.GraphResource;
        var (token, expiresOn) = TokenService.IssueAccessToken(context, client, audience);
        return HttpJson.Json(new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = expiresOn.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = client.ClientId,
        });
    }

    private static IResult MiError(int status, string error, string message) =>
        HttpJson.Json(new JsonObject { ["error"] = error, ["error_description"] = message, ["statusCode"] = status, ["message"] = message }, status);

    private static (string Id, string Secret)? ParseBasic(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return null;
            return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(actual)));
}
