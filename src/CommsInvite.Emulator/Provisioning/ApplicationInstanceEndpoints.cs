using System.Globalization;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Provisioning;

/// <summary>Application instances (resource accounts): an emulator-only REST surface, since Graph has none.</summary>
internal static partial class ProvisioningEndpoints
{
    // ---- application instances ------------------------------------------------------------------------

    private static JsonObject InstanceJson(ApplicationInstance instance) => new()
    {
        ["objectId"] = instance.ObjectId,
        ["userPrincipalName"] = instance.UserPrincipalName,
        ["displayName"] = instance.DisplayName,
        ["applicationId"] = instance.ApplicationId.Length == 0 ? null : instance.ApplicationId,
        ["phoneNumber"] = instance.PhoneNumber,
        ["synced"] = instance.Synced,
    };

    private static async Task<IResult> CreateInstanceAsync(EmulatorContext context, string version, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return BadRequest(http, "The request body must be a JSON object with userPrincipalName, displayName and applicationId.");
        var upn = body.GetString("userPrincipalName");
        var displayName = body.GetString("displayName");
        var applicationId = body.GetString("applicationId");
        if (upn is null || !Upn().IsMatch(upn)) return BadRequest(http, $"userPrincipalName '{upn}' is not a valid user principal name (name@domain).");
        if (body.ContainsKey("displayName") && body.Get("displayName") is not null && string.IsNullOrWhiteSpace(displayName)) return BadRequest(http, "displayName must not be empty.");
        displayName ??= upn[..upn.IndexOf('@')];
        if (applicationId is not null && !Guid.TryParse(applicationId, out _)) return BadRequest(http, $"applicationId '{applicationId}' is not a GUID.");

        var state = context.State;
        ApplicationInstance instance;
        lock (state.ProvisioningLock)
        {
            if (state.FindUser(upn) is not null || state.FindApplicationInstance(upn) is not null)
                return GraphErrors.Result(http, 409, "UserPrincipalNameConflict", $"Another object with the same value for property userPrincipalName ('{upn}') already exists.");
            instance = new ApplicationInstance
            {
                ObjectId = Guid.NewGuid().ToString(),
                UserPrincipalName = upn,
                DisplayName = displayName,
                ApplicationId = applicationId ?? "",
                ReplicatedAt = DateTimeOffset.UtcNow + state.Settings.ReplicationDelay,
            };
            state.ApplicationInstances[instance.ObjectId] = instance;
            state.AddUser(new DirectoryUser { Id = instance.ObjectId, UserPrincipalName = upn, DisplayName = displayName });
        }
        http.Response.Headers.Location = $"{context.BaseUrl}/{version}/admin/teams/applicationInstances/{instance.ObjectId}";
        lock (state.ProvisioningLock) return HttpJson.Json(InstanceJson(instance), StatusCodes.Status201Created);
    }

    private static IResult ListInstances(EmulatorContext context)
    {
        lock (context.State.ProvisioningLock)
        {
            var value = new JsonArray(context.State.ApplicationInstances.Values.OrderBy(i => i.UserPrincipalName, StringComparer.OrdinalIgnoreCase)
                .Select(i => (JsonNode?)InstanceJson(i)).ToArray());
            return HttpJson.Json(new JsonObject { ["value"] = value });
        }
    }

    private static IResult GetInstance(EmulatorContext context, HttpContext http, string id)
    {
        var instance = context.State.FindApplicationInstance(id);
        if (instance is null) return GraphErrors.NotFound(http, id);
        lock (context.State.ProvisioningLock) return HttpJson.Json(InstanceJson(instance));
    }

    private static async Task<IResult> PatchInstanceAsync(EmulatorContext context, HttpContext http, string id)
    {
        var instance = context.State.FindApplicationInstance(id);
        if (instance is null) return GraphErrors.NotFound(http, id);
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return BadRequest(http, "The request body must be a JSON object.");
        var displayName = body.GetString("displayName");
        var applicationId = body.GetString("applicationId");
        if (body.ContainsKey("displayName") && string.IsNullOrWhiteSpace(displayName)) return BadRequest(http, "displayName must not be empty.");
        if (body.ContainsKey("applicationId") && (applicationId is null || !Guid.TryParse(applicationId, out _)))
            return BadRequest(http, $"applicationId '{applicationId}' is not a GUID.");
        lock (context.State.ProvisioningLock)
        {
            if (displayName is not null) instance.DisplayName = displayName;
            if (applicationId is not null) instance.ApplicationId = applicationId;
            return HttpJson.Json(InstanceJson(instance));
        }
    }

    private static IResult SyncInstance(EmulatorContext context, HttpContext http, string id)
    {
        var instance = context.State.FindApplicationInstance(id);
        if (instance is null) return GraphErrors.NotFound(http, id);
        var remaining = instance.ReplicatedAt - DateTimeOffset.UtcNow;
        if (remaining > TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return HttpJson.Json(new JsonObject
            {
                ["status"] = "replicating",
                ["message"] = $"The account {instance.UserPrincipalName} has not replicated yet; retry the sync later.",
                ["retryAfterSeconds"] = seconds,
            }, StatusCodes.Status202Accepted);
        }
        lock (context.State.ProvisioningLock)
        {
            instance.Synced = true;
            return HttpJson.Json(InstanceJson(instance));
        }
    }
}
