using System.Globalization;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Provisioning;

/// <summary>
/// v1.0 /admin/teams/userConfigurations: the Teams view of the directory's users and resource accounts
/// (microsoft.graph.teamsAdministration.teamsUserConfiguration), which a readiness check reads instead of the
/// MicrosoftTeams module.
/// </summary>
internal static partial class ProvisioningEndpoints
{
    private static readonly string[] UserConfigurationRoles = { "TeamsUserConfiguration.Read.All" };

    private static void MapUserConfigurations(RouteGroupBuilder graph, EmulatorContext context)
    {
        graph.MapGet("/admin/teams/userConfigurations", (HttpContext http) => ListUserConfigurations(context)).RequireRoles(UserConfigurationRoles).AllowDelegated(UserConfigurationRoles, TelephonyAdminRoles);
        graph.MapGet("/admin/teams/userConfigurations/{id}", (string id, HttpContext http) => GetUserConfiguration(context, http, id)).RequireRoles(UserConfigurationRoles).AllowDelegated(UserConfigurationRoles, TelephonyAdminRoles);
    }

    private static IResult ListUserConfigurations(EmulatorContext context)
    {
        var value = new JsonArray();
        lock (context.State.ProvisioningLock)
        {
            foreach (var user in context.State.GetUsers()) value.Add(UserConfigurationJson(context, user));
        }
        return HttpJson.Json(new JsonObject
        {
            ["@odata.context"] = $"{context.BaseUrl}/v1.0/$metadata#admin/teams/userConfigurations",
            ["value"] = value,
        });
    }

    private static IResult GetUserConfiguration(EmulatorContext context, HttpContext http, string id)
    {
        // Documented key: the user's id. A UPN is accepted as well, as /users/{id} accepts one.
        var user = context.State.FindUser(id);
        if (user is null) return GraphErrors.Result(http, 404, "NotFound", $"No Teams user configuration exists for '{id}'.");
        lock (context.State.ProvisioningLock) return HttpJson.Json(UserConfigurationJson(context, user));
    }

    /// <summary>
    /// Instances are resourceAccount, other users user. telephoneNumbers are the number assignments targeting the
    /// account. isEnterpriseVoiceEnabled and featureTypes follow the licences (assumed: the service derives them from
    /// the Teams Phone service plans).
    /// </summary>
    private static JsonObject UserConfigurationJson(EmulatorContext context, DirectoryUser user)
    {
        var state = context.State;
        var isInstance = state.ApplicationInstances.ContainsKey(user.Id);
        var parts = user.AssignedLicenses
            .Select(id => state.Skus.TryGetValue(id, out var sku) ? sku.SkuPartNumber : id)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var phoneSystem = parts.Contains("PHONESYSTEM_VIRTUALUSER") || parts.Contains("MCOEV");
        var features = new JsonArray("Teams");
        if (phoneSystem) features.Add("PhoneSystem");
        if (parts.Contains("MCOPSTN1") || parts.Contains("MCOPSTN2")) features.Add("CallingPlan");
        var numbers = new JsonArray(state.Numbers.Values
            .Where(n => string.Equals(n.AssignmentTargetId, user.Id, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n.TelephoneNumber, StringComparer.Ordinal)
            .Select(n => (JsonNode?)new JsonObject { ["telephoneNumber"] = n.TelephoneNumber, ["assignmentCategory"] = n.AssignmentCategory ?? "primary" })
            .ToArray());
        var created = DateTimeOffset.UnixEpoch.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.teamsAdministration.teamsUserConfiguration",
            ["id"] = user.Id,
            ["tenantId"] = state.TenantId,
            ["userPrincipalName"] = user.UserPrincipalName,
            ["accountType"] = isInstance ? "resourceAccount" : "user",
            ["createdDateTime"] = created,
            ["modifiedDateTime"] = created,
            ["isEnterpriseVoiceEnabled"] = phoneSystem,
            ["featureTypes"] = features,
            ["telephoneNumbers"] = numbers,
            ["effectivePolicyAssignments"] = new JsonArray(new JsonObject
            {
                ["policyType"] = "TeamsCallingPolicy",
                ["policyAssignment"] = new JsonObject
                {
                    ["displayName"] = "Global",
                    ["assignmentType"] = "direct",
                    ["policyId"] = "Global",
                    ["groupId"] = null,
                },
            }),
        };
    }
}
