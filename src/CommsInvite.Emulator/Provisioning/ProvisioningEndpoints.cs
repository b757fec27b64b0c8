using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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
    private static readonly string[] NumberTypes = { "callingPlan", "directRouting", "operatorConnect" };
    private static readonly string[] AssignmentCategories = { "primary", "private", "alternate" };

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Upn();

    [GeneratedRegex(@"^\s*(\w+)\s+eq\s+'([^']*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FilterClause();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex And();

    private const string NumbersPath = "/admin/teams/telephoneNumberManagement";

    public static void Map(RouteGroupBuilder graph, string version, EmulatorContext context)
    {
        graph.MapGet("/subscribedSkus", (HttpContext http) => SubscribedSkus(context, http)).RequireRoles(ReadSkuRoles);
        graph.MapGet("/users/{user}", (string user, HttpContext http) => GetUser(context, version, http, user)).RequireRoles(ReadUserRoles);
        graph.MapPatch("/users/{user}", (string user, HttpContext http, CancellationToken cancellationToken) => PatchUserAsync(context, http, user)).RequireRoles(WriteUserRoles);
        graph.MapPost("/users/{user}/assignLicense", (string user, HttpContext http, CancellationToken cancellationToken) => AssignLicenseAsync(context, version, http, user)).RequireRoles(LicenseRoles);

        graph.MapPost("/admin/teams/applicationInstances", (HttpContext http, CancellationToken cancellationToken) => CreateInstanceAsync(context, version, http)).RequireRoles(InstanceRoles);
        graph.MapGet("/admin/teams/applicationInstances", (HttpContext http) => ListInstances(context)).RequireRoles(InstanceRoles);
        graph.MapGet("/admin/teams/applicationInstances/{instance}", (string instance, HttpContext http) => GetInstance(context, http, instance)).RequireRoles(InstanceRoles);
        graph.MapPatch("/admin/teams/applicationInstances/{instance}", (string instance, HttpContext http, CancellationToken cancellationToken) => PatchInstanceAsync(context, http, instance)).RequireRoles(InstanceRoles);
        graph.MapPost("/admin/teams/applicationInstances/{instance}/sync", (string instance, HttpContext http) => SyncInstance(context, http, instance)).RequireRoles(InstanceRoles);

        graph.MapGet(NumbersPath + "/numberAssignments", (HttpContext http) => ListNumbers(context, http)).RequireRoles(ReadNumberRoles);
        graph.MapPost(NumbersPath + "/numberAssignments/assignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: true)).RequireRoles(WriteNumberRoles);
        graph.MapPost(NumbersPath + "/numberAssignments/unassignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: false)).RequireRoles(WriteNumberRoles);
        graph.MapGet(NumbersPath + "/operations/{operationId}", (string operationId, HttpContext http) => GetNumberOperation(context, http, operationId)).RequireRoles(ReadNumberRoles);
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

    // ---- application instances ------------------------------------------------------------------------

    private static JsonObject InstanceJson(ApplicationInstance instance) => new()
    {
        ["objectId"] = instance.ObjectId,
        ["userPrincipalName"] = instance.UserPrincipalName,
        ["displayName"] = instance.DisplayName,
        ["applicationId"] = instance.ApplicationId,
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
        if (string.IsNullOrWhiteSpace(displayName)) return BadRequest(http, "displayName is required.");
        if (applicationId is null || !Guid.TryParse(applicationId, out _)) return BadRequest(http, $"applicationId '{applicationId}' is not a GUID.");

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
                ApplicationId = applicationId,
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

    // ---- telephone numbers ----------------------------------------------------------------------------

    private static JsonObject NumberJson(PhoneNumberRecord n) => new()
    {
        ["id"] = n.TelephoneNumber,
        ["telephoneNumber"] = n.TelephoneNumber,
        ["operatorId"] = null,
        ["numberType"] = n.NumberType,
        ["activationState"] = "activated",
        ["assignmentTargetId"] = n.AssignmentTargetId,
        ["assignmentCategory"] = n.AssignmentCategory,
        ["assignmentStatus"] = n.AssignmentStatus,
        ["cityCode"] = n.CityCode,
        ["isoCountryCode"] = n.IsoCountryCode,
        ["locationId"] = null,
        ["networkSiteId"] = null,
        ["portInStatus"] = "completed",
        ["reverseNumberLookup"] = new JsonArray(),
        ["supportedCustomerActions"] = new JsonArray("assign", "unassign", "update"),
    };

    private static IResult ListNumbers(EmulatorContext context, HttpContext http)
    {
        var filters = new List<(string Property, string Value)>();
        var filter = http.Request.Query["$filter"].ToString();
        if (!string.IsNullOrWhiteSpace(filter))
        {
            foreach (var clause in And().Split(filter))
            {
                var match = FilterClause().Match(clause);
                var property = match.Success ? match.Groups[1].Value : "";
                if (!match.Success || property.ToLowerInvariant() is not ("telephonenumber" or "numbertype" or "assignmentstatus" or "assignmenttargetid" or "assignmentcategory" or "isocountrycode" or "activationstate"))
                    return GraphErrors.Result(http, 400, "BadRequest", $"Invalid filter clause '{clause.Trim()}': use \"property eq 'value'\" on telephoneNumber, numberType, assignmentStatus, assignmentTargetId, assignmentCategory, isoCountryCode or activationState, joined with 'and'.");
                if (property.Equals("telephoneNumber", StringComparison.OrdinalIgnoreCase) && Regex.IsMatch(match.Groups[2].Value, @"^ \d+$"))
                    return GraphErrors.Result(http, 400, "BadRequest", $"Invalid filter value '{match.Groups[2].Value}': a '+' in the query string means a space; percent-encode it as %2B.");
                filters.Add((property, match.Groups[2].Value));
            }
        }
        int? top = null;
        var topText = http.Request.Query["$top"].ToString();
        if (!string.IsNullOrEmpty(topText))
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t < 1 || t > 1000)
                return GraphErrors.Result(http, 400, "BadRequest", $"Invalid $top value '{topText}': use 1..1000.");
            top = t;
        }
        var value = new JsonArray();
        lock (context.State.ProvisioningLock)
        {
            var numbers = context.State.GetNumbers().Select(NumberJson)
                .Where(n => filters.All(f => string.Equals(n[char.ToLowerInvariant(f.Property[0]) + f.Property[1..]]?.GetValue<string>() ?? FindCaseInsensitive(n, f.Property), f.Value, StringComparison.OrdinalIgnoreCase)));
            if (top is not null) numbers = numbers.Take(top.Value);
            foreach (var n in numbers) value.Add(n);
        }
        return HttpJson.Json(new JsonObject { ["@odata.context"] = $"{context.BaseUrl}/v1.0/$metadata#admin/teams/telephoneNumberManagement/numberAssignments", ["value"] = value });
    }

    private static string? FindCaseInsensitive(JsonObject obj, string property) =>
        obj.Get(property) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static async Task<IResult> AssignNumberAsync(EmulatorContext context, string version, HttpContext http, bool assign)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return GraphErrors.BadRequest(http, "The request body must be a JSON object.");
        var number = body.GetString("telephoneNumber");
        if (number is null || !E164().IsMatch(number)) return GraphErrors.BadRequest(http, $"telephoneNumber '{number}' is not an E.164 phone number.");
        var numberType = NumberTypes.FirstOrDefault(t => string.Equals(t, body.GetString("numberType"), StringComparison.OrdinalIgnoreCase));
        if (numberType is null) return GraphErrors.BadRequest(http, $"numberType '{body.GetString("numberType")}' is not one of {string.Join(", ", NumberTypes)}.");
        string? targetId = null;
        var category = "primary";
        if (assign)
        {
            targetId = body.GetString("assignmentTargetId");
            if (targetId is null || !Guid.TryParse(targetId, out _)) return GraphErrors.BadRequest(http, $"assignmentTargetId '{targetId}' is not a GUID.");
            if (body.GetString("assignmentCategory") is { } c)
            {
                category = AssignmentCategories.FirstOrDefault(a => string.Equals(a, c, StringComparison.OrdinalIgnoreCase))
                    ?? string.Empty;
                if (category.Length == 0) return GraphErrors.BadRequest(http, $"assignmentCategory '{c}' is not one of {string.Join(", ", AssignmentCategories)}.");
            }
        }
        if (!context.State.Numbers.ContainsKey(number))
            return GraphErrors.Result(http, 404, "NumberNotFound", $"The telephone number {number} is not in this tenant.");

        var operation = new NumberOperation
        {
            Id = Guid.NewGuid().ToString(),
            ResourceLocation = $"{context.BaseUrl}/v1.0{NumbersPath}/numberAssignments?$filter=telephoneNumber eq '{number}'",
        };
        context.State.NumberOperations[operation.Id] = operation;
        _ = RunNumberOperationAsync(context, operation, number, numberType, targetId, category, assign);
        http.Response.Headers.Location = $"{context.BaseUrl}/{version}{NumbersPath}/operations/{operation.Id}";
        return HttpJson.Json(new JsonObject { ["id"] = operation.Id, ["status"] = "notStarted" }, StatusCodes.Status202Accepted);
    }

    private static async Task RunNumberOperationAsync(EmulatorContext context, NumberOperation operation, string number, string numberType, string? targetId, string category, bool assign)
    {
        var state = context.State;
        var half = state.Settings.NumberOperationDelay / 2;
        try
        {
            await Task.Delay(half, context.Stopping.Token).ConfigureAwait(false);
            lock (state.ProvisioningLock) operation.Status = "running";
            await Task.Delay(half, context.Stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (state.ProvisioningLock)
        {
            var record = state.Numbers[number];
            void Fail(string code, string message)
            {
                operation.Status = "failed";
                operation.ErrorCode = code;
                operation.ErrorMessage = message;
            }

            if (!string.Equals(record.NumberType, numberType, StringComparison.OrdinalIgnoreCase))
            {
                Fail("NumberTypeMismatch", $"The number {number} is a {record.NumberType} number, not {numberType}.");
                return;
            }
            if (!assign)
            {
                if (record.AssignmentTargetId is { } previous && state.FindApplicationInstance(previous) is { } holder && holder.PhoneNumber == number) holder.PhoneNumber = null;
                record.AssignmentTargetId = null;
                record.AssignmentCategory = null;
                record.AssignmentStatus = "unassigned";
                operation.Status = "succeeded";
                return;
            }
            var instance = state.FindApplicationInstance(targetId!);
            var user = state.FindUser(targetId!);
            if (instance is null && user is null)
            {
                Fail("TargetNotFound", $"The assignment target {targetId} is not a user or resource account of this tenant.");
                return;
            }
            if (record.AssignmentTargetId is { } current && !string.Equals(current, targetId, StringComparison.OrdinalIgnoreCase))
            {
                Fail("NumberAlreadyAssigned", $"The telephone number {number} is already assigned to another target ({current}).");
                return;
            }
            if (instance is not null && instance.PhoneNumber is { } old && old != number && state.Numbers.TryGetValue(old, out var oldRecord))
            {
                // A new primary number replaces the instance's previous one.
                oldRecord.AssignmentTargetId = null;
                oldRecord.AssignmentCategory = null;
                oldRecord.AssignmentStatus = "unassigned";
            }
            record.AssignmentTargetId = targetId;
            record.AssignmentCategory = category;
            record.AssignmentStatus = instance is not null ? "voiceApplicationAssigned" : "userAssigned";
            if (instance is not null) instance.PhoneNumber = number;
            operation.Status = "succeeded";
        }
    }

    private static IResult GetNumberOperation(EmulatorContext context, HttpContext http, string operationId)
    {
        if (!context.State.NumberOperations.TryGetValue(operationId, out var operation))
            return GraphErrors.Result(http, 404, "NotFound", $"Operation {operationId} was not found.");
        lock (context.State.ProvisioningLock)
        {
            var json = new JsonObject
            {
                ["id"] = operation.Id,
                ["status"] = operation.Status,
                ["createdDateTime"] = HttpJson.Timestamp(operation.CreatedDateTime),
                ["resourceLocation"] = operation.ResourceLocation,
            };
            if (operation.ErrorCode is not null) json["error"] = new JsonObject { ["code"] = operation.ErrorCode, ["message"] = operation.ErrorMessage };
            return HttpJson.Json(json);
        }
    }
}
