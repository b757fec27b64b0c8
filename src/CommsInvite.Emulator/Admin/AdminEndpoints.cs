using System.Text.Json;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Admin;

/// <summary>/_emulator: test knobs (seeding, settings, stats, faults). Loopback only, no auth.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app, EmulatorContext context)
    {
        var admin = app.MapGroup("/_emulator");
        admin.MapPost("/calls", (HttpContext http, CancellationToken cancellationToken) => SeedCallAsync(context, http));
        admin.MapGet("/calls", () => HttpJson.Json(JsonSerializer.SerializeToNode(context.State.GetCalls(), JsonOptions)));
        admin.MapPost("/users", (HttpContext http, CancellationToken cancellationToken) => AddUserAsync(context, http));
        admin.MapGet("/users", () => HttpJson.Json(new JsonObject { ["value"] = new JsonArray(context.State.GetUsers().Select(UserJson).ToArray<JsonNode?>()) }));
        admin.MapPost("/clients", (HttpContext http, CancellationToken cancellationToken) => AddClientAsync(context, http));
        admin.MapPost("/settings", (HttpContext http, CancellationToken cancellationToken) => SettingsAsync(context, http));
        admin.MapGet("/settings", () => HttpJson.Json(SettingsJson(context.State.Settings)));
        admin.MapGet("/stats", () => HttpJson.Json(context.State.Stats.ToJson()));
        admin.MapGet("/notifications", () => HttpJson.Json(JsonSerializer.SerializeToNode(context.State.Notifications, JsonOptions)));
        admin.MapPost("/skus", (HttpContext http, CancellationToken cancellationToken) => SetSkuAsync(context, http));
        admin.MapPost("/numbers", (HttpContext http, CancellationToken cancellationToken) => AddNumberAsync(context, http));
        SignInAdminEndpoints.Map(admin, context);
        MeetingEndpoints.MapAdmin(admin, context);
        FaultEndpoints.Map(admin, context);
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static IResult Problem(string message, int status = 400) =>
        HttpJson.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadRequest", ["message"] = message } }, status);

    private static JsonObject UserJson(DirectoryUser u) => new()
    {
        ["id"] = u.Id,
        ["userPrincipalName"] = u.UserPrincipalName,
        ["displayName"] = u.DisplayName,
        ["usageLocation"] = u.UsageLocation,
        ["declines"] = u.Declines,
        ["roles"] = new JsonArray(u.Roles.Select(r => (JsonNode?)r).ToArray()),
    };

    private static string[]? StringArray(JsonObject body, string name) =>
        body.Get(name) is JsonArray array ? array.Select(n => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null).OfType<string>().ToArray() : null;

    private static async Task<IResult> SeedCallAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return Problem("Body must be a JSON object.");
        var id = body.GetString("id") ?? Guid.NewGuid().ToString();
        var peerToPeer = body.Get("peerToPeer") is JsonValue p && p.GetValueKind() == JsonValueKind.True;
        var callbackUri = body.GetString("callbackUri");
        if (callbackUri is not null && !CallsEndpoints.IsAcceptableCallback(callbackUri))
            return Problem("callbackUri must be https (http only for loopback hosts).");
        var instanceId = body.GetString("sourceApplicationInstanceId");
        var chatInfo = body.Get("chatInfo") as JsonObject;
        var source = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.participantInfo",
            ["identity"] = new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.identitySet",
                ["application"] = new JsonObject { ["@odata.type"] = "#microsoft.graph.identity", ["id"] = EmulatorDefaults.ClientId, ["displayName"] = "CommsInvite Bot" },
                ["applicationInstance"] = instanceId is null ? null : new JsonObject { ["@odata.type"] = "#microsoft.graph.identity", ["id"] = instanceId },
            },
        };
        var call = new CallRecord
        {
            Id = id,
            OwnerClientId = body.GetString("ownerClientId") ?? EmulatorDefaults.ClientId,
            CallbackUri = callbackUri,
            IsGroupCall = !peerToPeer,
            ChatInfo = (JsonObject?)chatInfo?.DeepClone(),
            SourceApplicationInstanceId = instanceId,
            Source = source,
            Subject = body.GetString("subject"),
        };
        var targets = new List<(string, string, JsonObject)>();
        if (body.Get("participants") is JsonArray seeded)
        {
            foreach (var userId in seeded.Select(n => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null).OfType<string>())
            {
                targets.Add(("user", userId, new JsonObject
                {
                    ["id"] = userId,
                    ["displayName"] = context.State.FindUser(userId)?.DisplayName,
                    ["identityProvider"] = "AAD",
                    ["tenantId"] = context.State.TenantId,
                }));
            }
        }
        try
        {
            CallsEndpoints.AddCall(context, call, targets, establishNow: true);
        }
        catch (InvalidOperationException e)
        {
            return Problem(e.Message, 409);
        }
        JsonObject json;
        lock (call.Sync) json = GraphShapes.Call(call, context.State.TenantId);
        return HttpJson.Json(json, 201);
    }

    private static async Task<IResult> AddUserAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return Problem("Body must be a JSON object.");
        var id = body.GetString("id") ?? Guid.NewGuid().ToString();
        var user = new DirectoryUser
        {
            Id = id,
            UserPrincipalName = body.GetString("userPrincipalName") ?? $"user-{id[..8]}@contoso.onmicrosoft.com",
            DisplayName = body.GetString("displayName") ?? "Emulated User",
            UsageLocation = body.GetString("usageLocation"),
            Declines = body.Get("declines") is JsonValue d && d.GetValueKind() == JsonValueKind.True,
            Roles = StringArray(body, "roles") ?? Array.Empty<string>(),
        };
        context.State.AddUser(user);
        return HttpJson.Json(UserJson(user), 201);
    }

    private static async Task<IResult> AddClientAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return Problem("Body must be a JSON object.");
        var clientId = body.GetString("clientId") ?? Guid.NewGuid().ToString();
        var roles = body.Get("roles") is JsonArray r ? r.Select(n => n?.GetValue<string>()).OfType<string>().ToArray() : Array.Empty<string>();
        var isPublic = body.Get("publicClient") is JsonValue p && p.GetValueKind() == JsonValueKind.True;
        var scopes = StringArray(body, "delegatedScopes") ?? Array.Empty<string>();
        if (body.Get("callingEnabled") is { } calling && calling.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            return Problem("callingEnabled must be true or false.");
        var callingEnabled = body.Get("callingEnabled")?.GetValueKind() != JsonValueKind.False;
        var tenantId = body.GetString("tenantId");
        if (tenantId is not null && !Guid.TryParse(tenantId, out _)) return Problem("tenantId must be a GUID.");
        context.State.AddClient(new ClientRegistration { ClientId = clientId, ClientSecret = body.GetString("clientSecret"), Roles = roles, CallingEnabled = callingEnabled, TenantId = tenantId, IsPublicClient = isPublic, DelegatedScopes = scopes });
        return HttpJson.Json(new JsonObject
        {
            ["clientId"] = clientId,
            ["roles"] = new JsonArray(roles.Select(x => (JsonNode?)x).ToArray()),
            ["callingEnabled"] = callingEnabled,
            ["tenantId"] = tenantId ?? context.State.TenantId,
            ["publicClient"] = isPublic,
            ["delegatedScopes"] = new JsonArray(scopes.Select(x => (JsonNode?)x).ToArray()),
        }, 201);
    }

    private static async Task<IResult> SettingsAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return Problem("Body must be a JSON object.");
        var settings = context.State.Settings;
        double? Number(string name) => body.Get(name) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;
        foreach (var name in new[] { "answerDelayMs", "replicationDelayMs", "numberOperationDelayMs", "tokenLifetimeSeconds", "throttleRatePerSecond", "deviceCodeLifetimeSeconds", "deviceCodeIntervalSeconds" })
        {
            if (body.Get(name) is { } node && (node.GetValueKind() != JsonValueKind.Number || node.GetValue<double>() < 0))
                return Problem($"{name} must be a non-negative number.");
        }
        if (Number("answerDelayMs") is { } answer) settings.AnswerDelay = TimeSpan.FromMilliseconds(answer);
        if (Number("replicationDelayMs") is { } replication) settings.ReplicationDelay = TimeSpan.FromMilliseconds(replication);
        if (Number("numberOperationDelayMs") is { } numberOp) settings.NumberOperationDelay = TimeSpan.FromMilliseconds(numberOp);
        if (Number("tokenLifetimeSeconds") is { } lifetime) settings.TokenLifetime = TimeSpan.FromSeconds(lifetime);
        if (Number("throttleRatePerSecond") is { } rate) settings.ThrottleRatePerSecond = rate;
        if (body.Get("numberPageSizeLimit") is { } pageNode)
        {
            if (pageNode.GetValueKind() != JsonValueKind.Number || pageNode.GetValue<double>() is var limit && (limit < 1 || limit > EmulatorSettings.MaxNumberPageSize || limit != Math.Floor(limit)))
                return Problem($"numberPageSizeLimit must be a whole number from 1 to {EmulatorSettings.MaxNumberPageSize}.");
            settings.NumberPageSizeLimit = (int)pageNode.GetValue<double>();
        }
        if (body.Get("autoApproveSignIns") is { } autoApprove)
        {
            var who = autoApprove.GetValueKind() == JsonValueKind.String ? autoApprove.GetValue<string>() : null;
            if (autoApprove.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null))
                return Problem("autoApproveSignIns must be a user id (or UPN), or null to wait for approval.");
            if (!string.IsNullOrEmpty(who) && context.State.FindUser(who) is null)
                return Problem($"autoApproveSignIns: no user '{who}'.");
            settings.AutoApproveSignIns = string.IsNullOrEmpty(who) ? null : context.State.FindUser(who)!.Id;
        }
        if (Number("deviceCodeLifetimeSeconds") is { } codeLifetime) settings.DeviceCodeLifetime = TimeSpan.FromSeconds(codeLifetime);
        if (Number("deviceCodeIntervalSeconds") is { } interval) settings.DeviceCodeInterval = TimeSpan.FromSeconds(interval);
        if (body.Get("trustedCallbackThumbprints") is JsonArray thumbprints)
            settings.TrustedCallbackThumbprints = thumbprints.Select(n => n?.GetValue<string>()).OfType<string>().ToArray();
        return HttpJson.Json(SettingsJson(settings));
    }

    private static JsonObject SettingsJson(EmulatorSettings s) => new()
    {
        ["answerDelayMs"] = s.AnswerDelay.TotalMilliseconds,
        ["replicationDelayMs"] = s.ReplicationDelay.TotalMilliseconds,
        ["numberOperationDelayMs"] = s.NumberOperationDelay.TotalMilliseconds,
        ["tokenLifetimeSeconds"] = s.TokenLifetime.TotalSeconds,
        ["throttleRatePerSecond"] = s.ThrottleRatePerSecond,
        ["numberPageSizeLimit"] = s.NumberPageSizeLimit,
        ["trustedCallbackThumbprints"] = new JsonArray(s.TrustedCallbackThumbprints.Select(t => (JsonNode?)t).ToArray()),
        ["autoApproveSignIns"] = s.AutoApproveSignIns,
        ["deviceCodeLifetimeSeconds"] = s.DeviceCodeLifetime.TotalSeconds,
        ["deviceCodeIntervalSeconds"] = s.DeviceCodeInterval.TotalSeconds,
    };

    private static async Task<IResult> SetSkuAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var key = body?.GetString("skuPartNumber") ?? body?.GetString("skuId");
        if (body is null || key is null || body.Get("enabled") is not JsonValue enabled || enabled.GetValueKind() != JsonValueKind.Number)
            return Problem("Body needs skuPartNumber (or skuId) and enabled (seats).");
        return context.State.SetSkuSeats(key, enabled.GetValue<int>())
            ? Results.NoContent()
            : Problem($"SKU '{key}' is not subscribed.", 404);
    }

    private static async Task<IResult> AddNumberAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var number = body?.GetString("telephoneNumber");
        if (number is null) return Problem("Body needs telephoneNumber.");
        var capabilities = body!.Get("capabilities") is JsonArray c ? c.Select(n => n?.GetValue<string>()).OfType<string>().ToArray() : null;
        context.State.AddPhoneNumber(number, body!.GetString("numberType") ?? "callingPlan", capabilities, body!.GetString("activationState") ?? "activated");
        return Results.NoContent();
    }
}
