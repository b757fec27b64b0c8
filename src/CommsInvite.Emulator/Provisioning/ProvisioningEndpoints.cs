using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Provisioning;

/// <summary>Licences (subscribedSkus, users, assignLicense), application instances, and telephone numbers.</summary>
internal static partial class ProvisioningEndpoints
{
    private static readonly string[] ReadSkuRoles = { "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All" };
    private static readonly string[] ReadUserRoles = { "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All" };
    private static readonly string[] WriteUserRoles = { "User.ReadWrite.All", "Directory.ReadWrite.All" };
    private static readonly string[] LicenseRoles = { "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All" };
    private static readonly string[] InstanceRoles = { "TeamsAppInstance.ReadWrite.All" };
    private static readonly string[] ReadNumberRoles = { "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All" };
    private static readonly string[] WriteNumberRoles = { "TeamsTelephoneNumber.ReadWrite.All" };
    // Delegated sign-in (Graph's permission pages): the scopes a user's token may carry, and the admin's directory roles.
    private static readonly string[] DelegatedReadSkuScopes = { "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All" };
    private static readonly string[] DelegatedReadUserScopes = { "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All" };
    private static readonly string[] DelegatedWriteUserScopes = { "User.ReadWrite.All", "Directory.ReadWrite.All" };
    private static readonly string[] DelegatedLicenseScopes = { "LicenseAssignment.ReadWrite.All", "Directory.ReadWrite.All" };
    private static readonly string[] DelegatedReadNumberScopes = { "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All" };
    private static readonly string[] DelegatedWriteNumberScopes = { "TeamsTelephoneNumber.ReadWrite.All" };
    private static readonly string[] UserAdminRoles = { "User Administrator" };
    private static readonly string[] LicenseAdminRoles = { "License Administrator", "User Administrator" };
    private static readonly string[] TelephonyAdminRoles = { "Teams Telephony Administrator", "Teams Administrator" };
    // Application instances have no public Graph API (emulator-only routes): a resource account is a user, so
    // creating one takes what creating a user takes, from a Teams or user administrator.
    private static readonly string[] InstanceAdminRoles = { "Teams Administrator", "Teams Telephony Administrator", "User Administrator" };
    private static readonly string[] NumberTypes = { "callingPlan", "directRouting", "operatorConnect" };
    private static readonly string[] AssignmentCategories = { "primary", "private", "alternate" };

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Upn();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex And();

    private const string NumbersPath = "/admin/teams/telephoneNumberManagement";

    public static void Map(RouteGroupBuilder graph, string version, EmulatorContext context)
    {
        graph.MapGet("/subscribedSkus", (HttpContext http) => SubscribedSkus(context, http)).RequireRoles(ReadSkuRoles).AllowDelegated(DelegatedReadSkuScopes);
        graph.MapGet("/users/{user}", (string user, HttpContext http) => GetUser(context, version, http, user)).RequireRoles(ReadUserRoles).AllowDelegated(DelegatedReadUserScopes);
        graph.MapPatch("/users/{user}", (string user, HttpContext http, CancellationToken cancellationToken) => PatchUserAsync(context, http, user)).RequireRoles(WriteUserRoles).AllowDelegated(DelegatedWriteUserScopes, UserAdminRoles);
        graph.MapPost("/users/{user}/assignLicense", (string user, HttpContext http, CancellationToken cancellationToken) => AssignLicenseAsync(context, version, http, user)).RequireRoles(LicenseRoles).AllowDelegated(DelegatedLicenseScopes, LicenseAdminRoles);
        graph.MapPost("/users/{user}/microsoft.graph.assignLicense", (string user, HttpContext http, CancellationToken cancellationToken) => AssignLicenseAsync(context, version, http, user)).RequireRoles(LicenseRoles).AllowDelegated(DelegatedLicenseScopes, LicenseAdminRoles);

        graph.MapPost("/admin/teams/applicationInstances", (HttpContext http, CancellationToken cancellationToken) => CreateInstanceAsync(context, version, http)).RequireRoles(InstanceRoles).AllowDelegated(DelegatedWriteUserScopes, InstanceAdminRoles);
        graph.MapGet("/admin/teams/applicationInstances", (HttpContext http) => ListInstances(context)).RequireRoles(InstanceRoles).AllowDelegated(DelegatedWriteUserScopes, InstanceAdminRoles);
        graph.MapGet("/admin/teams/applicationInstances/{instance}", (string instance, HttpContext http) => GetInstance(context, http, instance)).RequireRoles(InstanceRoles).AllowDelegated(DelegatedWriteUserScopes, InstanceAdminRoles);
        graph.MapPatch("/admin/teams/applicationInstances/{instance}", (string instance, HttpContext http, CancellationToken cancellationToken) => PatchInstanceAsync(context, http, instance)).RequireRoles(InstanceRoles).AllowDelegated(DelegatedWriteUserScopes, InstanceAdminRoles);
        graph.MapPost("/admin/teams/applicationInstances/{instance}/sync", (string instance, HttpContext http) => SyncInstance(context, http, instance)).RequireRoles(InstanceRoles).AllowDelegated(DelegatedWriteUserScopes, InstanceAdminRoles);

        MapNumbers(graph, version, context);
        if (version == "v1.0") MapUserConfigurations(graph, context);
    }

    private static IResult BadRequest(HttpContext http, string message) => GraphErrors.Result(http, 400, "Request_BadRequest", message);

    // ---- licences -------------------------------------------------------------------------------------

    private static IResult SubscribedSkus(EmulatorContext context, HttpContext http)
    {
        var value = new JsonArray();
        lock (context.State.ProvisioningLock)
        {
            foreach (var sku in context.State.GetSkus())
            {
                value.Add(new JsonObject
                {
                    ["id"] = $"{context.State.TenantId}_{sku.SkuId}",
                    ["capabilityStatus"] = "Enabled",
                    ["appliesTo"] = "User",
                    ["consumedUnits"] = sku.Consumed,
                    ["skuId"] = sku.SkuId,
                    ["skuPartNumber"] = sku.SkuPartNumber,
                    ["prepaidUnits"] = new JsonObject { ["enabled"] = sku.Enabled, ["suspended"] = 0, ["warning"] = 0, ["lockedOut"] = 0 },
                    ["servicePlans"] = new JsonArray(),
                });
            }
        }
        return HttpJson.Json(new JsonObject { ["@odata.context"] = $"{context.BaseUrl}/v1.0/$metadata#subscribedSkus", ["value"] = value });
    }

    private static JsonObject UserJson(EmulatorContext context, string version, DirectoryUser user)
    {
        var licenses = new JsonArray();
        foreach (var skuId in user.AssignedLicenses) licenses.Add(new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = skuId });
        return new JsonObject
        {
            ["@odata.context"] = $"{context.BaseUrl}/{version}/$metadata#users/$entity",
            ["id"] = user.Id,
            ["userPrincipalName"] = user.UserPrincipalName,
            ["displayName"] = user.DisplayName,
            ["usageLocation"] = user.UsageLocation,
            ["accountEnabled"] = true,
            ["assignedLicenses"] = licenses,
        };
    }

    private static IResult GetUser(EmulatorContext context, string version, HttpContext http, string id)
    {
        var user = context.State.FindUser(id);
        if (user is null) return GraphErrors.NotFound(http, id);
        lock (context.State.ProvisioningLock) return HttpJson.Json(UserJson(context, version, user));
    }

    private static async Task<IResult> PatchUserAsync(EmulatorContext context, HttpContext http, string id)
    {
        var user = context.State.FindUser(id);
        if (user is null) return GraphErrors.NotFound(http, id);
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return BadRequest(http, "The request body must be a JSON object.");
        string? usageLocation = null;
        var setUsageLocation = body.Get("usageLocation") is not null || body.ContainsKey("usageLocation");
        if (setUsageLocation)
        {
            usageLocation = body.GetString("usageLocation");
            if (body.IsPresentButNotString("usageLocation") || (usageLocation is not null && !Regex.IsMatch(usageLocation, "^[A-Za-z]{2}$")))
                return BadRequest(http, "Invalid value specified for property 'usageLocation' of resource 'User': use a two-letter ISO 3166 country code.");
        }
        var displayName = body.GetString("displayName");
        lock (context.State.ProvisioningLock)
        {
            if (setUsageLocation) user.UsageLocation = usageLocation?.ToUpperInvariant();
            if (!string.IsNullOrWhiteSpace(displayName)) user.DisplayName = displayName;
        }
        return Results.NoContent();
    }

    private static async Task<IResult> AssignLicenseAsync(EmulatorContext context, string version, HttpContext http, string id)
    {
        var user = context.State.FindUser(id);
        if (user is null) return GraphErrors.NotFound(http, id);
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return BadRequest(http, "The request body must be a JSON object with addLicenses and removeLicenses.");
        var add = new List<string>();
        if (body.Get("addLicenses") is JsonArray addArray)
        {
            foreach (var item in addArray)
            {
                var skuId = (item as JsonObject)?.GetString("skuId");
                if (skuId is null || !Guid.TryParse(skuId, out _)) return BadRequest(http, "Each addLicenses entry needs a skuId (GUID).");
                add.Add(skuId);
            }
        }
        else if (body.Get("addLicenses") is { } notArray && notArray.GetValueKind() != JsonValueKind.Null)
        {
            return BadRequest(http, "addLicenses must be an array.");
        }
        var remove = new List<string>();
        if (body.Get("removeLicenses") is JsonArray removeArray)
        {
            foreach (var item in removeArray)
            {
                var skuId = item?.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : null;
                if (skuId is null || !Guid.TryParse(skuId, out _)) return BadRequest(http, "removeLicenses must be an array of skuIds (GUID).");
                remove.Add(skuId);
            }
        }

        var state = context.State;
        lock (state.ProvisioningLock)
        {
            foreach (var skuId in add.Concat(remove))
            {
                if (!state.Skus.ContainsKey(skuId)) return BadRequest(http, $"License {skuId} does not correspond to a valid company License.");
            }
            var newlyAdded = add.Distinct(StringComparer.OrdinalIgnoreCase).Where(s => !user.AssignedSkuIds.Contains(s, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (newlyAdded.Length > 0 && string.IsNullOrEmpty(user.UsageLocation))
            {
                var names = string.Join(", ", newlyAdded.Select(s => state.Skus[s].SkuPartNumber));
                return BadRequest(http, $"License assignment failed because service plans in {names} require a usage location: the user's usageLocation is empty (invalid usage location).");
            }
            foreach (var skuId in newlyAdded)
            {
                var sku = state.Skus[skuId];
                if (sku.Consumed >= sku.Enabled) return BadRequest(http, $"Subscription {sku.SkuId} ({sku.SkuPartNumber}) does not have any available licenses.");
            }
            foreach (var skuId in newlyAdded)
            {
                state.Skus[skuId].Consumed++;
                lock (user.AssignedSkuIds) user.AssignedSkuIds.Add(state.Skus[skuId].SkuId);
            }
            foreach (var skuId in remove)
            {
                var index = user.AssignedSkuIds.FindIndex(s => string.Equals(s, skuId, StringComparison.OrdinalIgnoreCase));
                if (index < 0) continue;
                lock (user.AssignedSkuIds) user.AssignedSkuIds.RemoveAt(index);
                state.Skus[skuId].Consumed--;
            }
            return HttpJson.Json(UserJson(context, version, user));
        }
    }
}
