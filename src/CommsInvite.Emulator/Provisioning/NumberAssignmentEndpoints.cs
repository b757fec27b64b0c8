using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommsInvite.Emulator.Graph;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Provisioning;

/// <summary>Graph v1.0 telephoneNumberManagement: numberAssignments (list, assignNumber, unassignNumber, updateNumber) and operations.</summary>
internal static partial class ProvisioningEndpoints
{
    /// <summary>Numbers per page when the request has no $top (Graph documents 500).</summary>
    internal const int DefaultNumberPageSize = 500;

    /// <summary>The namespace Graph's SDKs put before the action names (they post to the fully-qualified form).</summary>
    private const string ActionNamespace = "microsoft.graph.teamsAdministration.";

    private static readonly string[] EqualsFilterProperties =
        { "telephoneNumber", "numberType", "assignmentStatus", "assignmentTargetId", "assignmentCategory", "isoCountryCode", "activationState", "locationId", "networkSiteId" };

    [GeneratedRegex(@"^\s*(\w+)\s+(eq|gt|lt)\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ComparisonClause();

    [GeneratedRegex(@"^\s*(startswith|contains)\(\s*telephoneNumber\s*,\s*'((?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FunctionClause();

    private static void MapNumbers(RouteGroupBuilder graph, string version, EmulatorContext context)
    {
        const string assignments = NumbersPath + "/numberAssignments/";
        graph.MapGet(NumbersPath + "/numberAssignments", (HttpContext http) => ListNumbers(context, version, http)).RequireRoles(ReadNumberRoles).AllowDelegated(DelegatedReadNumberScopes, TelephonyAdminRoles);
        graph.MapGet(assignments + "{numberAssignmentId}", (string numberAssignmentId, HttpContext http) => GetNumber(context, version, http, numberAssignmentId)).RequireRoles(ReadNumberRoles).AllowDelegated(DelegatedReadNumberScopes, TelephonyAdminRoles);

        // Each action answers under its short name (Graph's pages) and its fully-qualified one (what the SDKs post to).
        foreach (var prefix in new[] { "", ActionNamespace })
        {
            graph.MapPost(assignments + prefix + "assignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: true)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
            graph.MapPost(assignments + prefix + "unassignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: false)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
            graph.MapPost(assignments + prefix + "updateNumber", (HttpContext http, CancellationToken cancellationToken) => UpdateNumberAsync(context, version, http)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
        }

        graph.MapGet(NumbersPath + "/operations/{operationId}", (string operationId, HttpContext http) => GetNumberOperation(context, http, operationId)).RequireRoles(ReadNumberRoles).AllowDelegated(DelegatedReadNumberScopes, TelephonyAdminRoles);
    }

    /// <summary>
    /// A number's id as Graph gives it: base64url, unpadded, of "{tenantId}|{telephoneNumber}" (Graph's examples decode
    /// to that form). Clients treat it as opaque; the emulator decodes it to find the number.
    /// </summary>
    internal static string NumberId(string tenantId, string telephoneNumber) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(tenantId + "|" + telephoneNumber)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The telephone number an id names in this tenant; null when the id is not one of this tenant's.</summary>
    private static string? NumberFromId(string tenantId, string id)
    {
        var text = id.Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        string decoded;
        try
        {
            decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return null;
        }

        var bar = decoded.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && string.Equals(decoded[..bar], tenantId, StringComparison.OrdinalIgnoreCase) ? decoded[(bar + 1)..] : null;
    }

    private static string NumberUrl(EmulatorContext context, string version, string telephoneNumber) =>
        $"{context.BaseUrl}/{version}{NumbersPath}/numberAssignments/{NumberId(context.State.TenantId, telephoneNumber)}";

    /// <summary>A number as Graph v1.0's numberAssignment (the property names and enum values of its resource page).</summary>
    private static JsonObject NumberJson(string tenantId, PhoneNumberRecord n) => new()
    {
        ["@odata.type"] = "#microsoft.graph.teamsAdministration.numberAssignment",
        ["id"] = NumberId(tenantId, n.TelephoneNumber),
        ["telephoneNumber"] = n.TelephoneNumber,
        ["operatorId"] = null,
        ["numberType"] = n.NumberType,
        ["activationState"] = n.ActivationState,
        ["capabilities"] = new JsonArray(n.Capabilities.Select(c => (JsonNode?)c).ToArray()),
        ["assignmentTargetId"] = n.AssignmentTargetId,
        ["assignmentCategory"] = n.AssignmentCategory,
        ["assignmentStatus"] = n.AssignmentStatus,
        ["city"] = n.CityCode,
        ["civicAddressId"] = null,
        ["isoCountryCode"] = n.IsoCountryCode,
        ["locationId"] = n.LocationId,
        ["networkSiteId"] = n.NetworkSiteId,
        ["numberSource"] = string.Equals(n.NumberType, "directRouting", StringComparison.Ordinal) ? "onPremises" : "online",
        ["portInStatus"] = "completed",
        ["reverseNumberLookupOptions"] = new JsonArray(n.ReverseNumberLookup.Select(r => (JsonNode?)r).ToArray()),
        ["supportedCustomerActions"] = new JsonArray("locationUpdate", "release"),
    };

    /// <summary>One $filter clause as a test on a number's JSON; null with an error message when the clause is not understood.</summary>
    private static Func<JsonObject, bool>? ParseClause(string clause, out string? error)
    {
        error = null;
        var function = FunctionClause().Match(clause);
        if (function.Success)
        {
            var value = function.Groups[2].Value.Replace("''", "'");
            var starts = function.Groups[1].Value.Equals("startswith", StringComparison.OrdinalIgnoreCase);
            return n => n.GetString("telephoneNumber") is { } t && (starts ? t.StartsWith(value, StringComparison.Ordinal) : t.Contains(value, StringComparison.OrdinalIgnoreCase));
        }

        var comparison = ComparisonClause().Match(clause);
        var property = comparison.Success ? EqualsFilterProperties.FirstOrDefault(p => p.Equals(comparison.Groups[1].Value, StringComparison.OrdinalIgnoreCase)) : null;
        var op = comparison.Success ? comparison.Groups[2].Value.ToLowerInvariant() : "";
        if (property is null || (op != "eq" && property != "telephoneNumber"))
        {
            error = $"Invalid filter clause '{clause.Trim()}': use \"property eq 'value'\" on {string.Join(", ", EqualsFilterProperties)}, " +
                "\"telephoneNumber gt|lt 'value'\", startswith(telephoneNumber,'value') or contains(telephoneNumber,'value'), joined with 'and'.";
            return null;
        }

        var text = comparison.Groups[3].Value.Replace("''", "'");
        if (property == "telephoneNumber" && Regex.IsMatch(text, @"^ \d+$"))
        {
            error = $"Invalid filter value '{text}': a '+' in the query string means a space; percent-encode it as %2B.";
            return null;
        }

        return op switch
        {
            "gt" => n => string.CompareOrdinal(n.GetString(property), text) > 0,
            "lt" => n => string.CompareOrdinal(n.GetString(property), text) < 0,
            _ => n => string.Equals(n.GetString(property), text, StringComparison.OrdinalIgnoreCase),
        };
    }

    private static IResult ListNumbers(EmulatorContext context, string version, HttpContext http)
    {
        var tests = new List<Func<JsonObject, bool>>();
        var filter = http.Request.Query["$filter"].ToString();
        if (!string.IsNullOrWhiteSpace(filter))
        {
            foreach (var clause in And().Split(filter))
            {
                var test = ParseClause(clause, out var error);
                if (test is null) return GraphErrors.Result(http, 400, "BadRequest", error!);
                tests.Add(test);
            }
        }

        if (!TryReadCount(http, "$top", 1, EmulatorSettings.MaxNumberPageSize, out var top, out var topError)) return GraphErrors.Result(http, 400, "BadRequest", topError!);
        if (!TryReadCount(http, "$skip", 0, int.MaxValue, out var skip, out var skipError)) return GraphErrors.Result(http, 400, "BadRequest", skipError!);
        var offset = skip ?? 0;

        // $top is the page size, as Graph documents it; what is left continues through @odata.nextLink.
        var pageSize = Math.Min(top ?? DefaultNumberPageSize, context.State.Settings.NumberPageSizeLimit);
        var value = new JsonArray();
        string? nextLink = null;
        lock (context.State.ProvisioningLock)
        {
            var tenantId = context.State.TenantId;
            var matching = context.State.GetNumbers().Select(n => NumberJson(tenantId, n)).Where(n => tests.All(t => t(n))).Skip(offset).ToList();
            foreach (var n in matching.Take(pageSize)) value.Add(n);
            if (matching.Count > pageSize)
            {
                var query = new List<string>();
                if (!string.IsNullOrWhiteSpace(filter)) query.Add("$filter=" + Uri.EscapeDataString(filter));
                if (top is not null) query.Add("$top=" + top.Value.ToString(CultureInfo.InvariantCulture));
                query.Add("$skip=" + (offset + pageSize).ToString(CultureInfo.InvariantCulture));
                nextLink = $"{context.BaseUrl}/{version}{NumbersPath}/numberAssignments?{string.Join("&", query)}";
            }
        }

        var result = new JsonObject { ["@odata.context"] = $"{context.BaseUrl}/{version}/$metadata#admin/teams/telephoneNumberManagement/numberAssignments", ["value"] = value };
        if (nextLink is not null) result["@odata.nextLink"] = nextLink;
        return HttpJson.Json(result);
    }

    private static IResult GetNumber(EmulatorContext context, string version, HttpContext http, string id)
    {
        var tenantId = context.State.TenantId;
        if (NumberFromId(tenantId, id) is not { } number || !context.State.Numbers.TryGetValue(number, out var record))
            return GraphErrors.Result(http, 404, "NotFound", $"Number assignment {id} was not found.");
        lock (context.State.ProvisioningLock)
        {
            var json = NumberJson(tenantId, record);
            json.Insert(0, "@odata.context", $"{context.BaseUrl}/{version}/$metadata#admin/teams/telephoneNumberManagement/numberAssignments/$entity");
            return HttpJson.Json(json);
        }
    }

    private static bool TryReadCount(HttpContext http, string name, int min, int max, out int? value, out string? error)
    {
        value = null;
        error = null;
        var text = http.Request.Query[name].ToString();
        if (string.IsNullOrEmpty(text)) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"Invalid {name} value '{text}': use {min}..{(max == int.MaxValue ? "any" : max.ToString(CultureInfo.InvariantCulture))}.";
            return false;
        }

        value = parsed;
        return true;
    }

    private static async Task<IResult> AssignNumberAsync(EmulatorContext context, string version, HttpContext http, bool assign)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return GraphErrors.BadRequest(http, "The request body must be a JSON object.");
        var number = body.GetString("telephoneNumber");
        if (number is null || !E164().IsMatch(number)) return GraphErrors.BadRequest(http, $"telephoneNumber '{number}' is not an E.164 phone number.");
        var numberType = NumberTypes.FirstOrDefault(t => string.Equals(t, body.GetString("numberType"), StringComparison.OrdinalIgnoreCase));
        if (numberType is null) return GraphErrors.BadRequest(http, $"numberType '{body.GetString("numberType")}' is not one of {string.Join(", ", NumberTypes)}.");
        var change = new NumberChange { Number = number, NumberType = numberType, Assign = assign };
        if (assign)
        {
            change.TargetId = body.GetString("assignmentTargetId");
            if (change.TargetId is null || !Guid.TryParse(change.TargetId, out _)) return GraphErrors.BadRequest(http, $"assignmentTargetId '{change.TargetId}' is not a GUID.");
            if (body.GetString("assignmentCategory") is { } c)
            {
                change.Category = AssignmentCategories.FirstOrDefault(a => string.Equals(a, c, StringComparison.OrdinalIgnoreCase)) ?? string.Empty;
                if (change.Category.Length == 0) return GraphErrors.BadRequest(http, $"assignmentCategory '{c}' is not one of {string.Join(", ", AssignmentCategories)}.");
            }

            change.LocationId = body.GetString("locationId");
        }

        return StartNumberOperation(context, version, http, change);
    }

    private static async Task<IResult> UpdateNumberAsync(EmulatorContext context, string version, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return GraphErrors.BadRequest(http, "The request body must be a JSON object.");
        var number = body.GetString("telephoneNumber");
        if (number is null || !E164().IsMatch(number)) return GraphErrors.BadRequest(http, $"telephoneNumber '{number}' is not an E.164 phone number.");
        var change = new NumberChange { Number = number, Update = true, LocationId = body.GetString("locationId"), NetworkSiteId = body.GetString("networkSiteId") };
        if (body.Get("reverseNumberLookupOptions") is JsonArray options)
        {
            change.ReverseNumberLookup = options.Select(o => o?.GetValueKind() == JsonValueKind.String ? o.GetValue<string>() : "").ToList();
            if (change.ReverseNumberLookup.Any(o => !string.Equals(o, "skipInternalVoip", StringComparison.OrdinalIgnoreCase)))
                return GraphErrors.BadRequest(http, "reverseNumberLookupOptions may only contain skipInternalVoip.");
        }

        if (change.LocationId is null && change.NetworkSiteId is null && change.ReverseNumberLookup is null)
            return GraphErrors.BadRequest(http, "Nothing to update: give locationId, networkSiteId or reverseNumberLookupOptions.");
        return StartNumberOperation(context, version, http, change);
    }

    private static IResult StartNumberOperation(EmulatorContext context, string version, HttpContext http, NumberChange change)
    {
        if (!context.State.Numbers.ContainsKey(change.Number))
            return GraphErrors.Result(http, 404, "NumberNotFound", $"The telephone number {change.Number} is not in this tenant.");

        var operation = new NumberOperation
        {
            Id = Guid.NewGuid().ToString(),
            ResourceLocation = NumberUrl(context, "v1.0", change.Number),
        };
        context.State.NumberOperations[operation.Id] = operation;
        _ = RunNumberOperationAsync(context, operation, change);
        http.Response.Headers.Location = $"{context.BaseUrl}/{version}{NumbersPath}/operations/{operation.Id}";
        return HttpJson.Json(new JsonObject { ["id"] = operation.Id, ["status"] = "notStarted" }, StatusCodes.Status202Accepted);
    }

    private static async Task RunNumberOperationAsync(EmulatorContext context, NumberOperation operation, NumberChange change)
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
            var failure = NumberRules.Apply(state, state.Numbers[change.Number], change);
            operation.Status = failure is null ? "succeeded" : "failed";
            operation.ErrorCode = failure?.Code;
            operation.ErrorMessage = failure?.Message;
        }
    }

    private static IResult GetNumberOperation(EmulatorContext context, HttpContext http, string operationId)
    {
        if (!context.State.NumberOperations.TryGetValue(operationId, out var operation))
            return GraphErrors.Result(http, 404, "NotFound", $"Operation {operationId} was not found.");
        lock (context.State.ProvisioningLock)
        {
            // Graph's telephoneNumberLongRunningOperation: the operation's status, and per number its own status and
            // where it lives. resourceLocation and error at the top are kept for clients written before numbers[].
            var detail = new JsonObject { ["resourceLocation"] = operation.ResourceLocation, ["status"] = operation.Status, ["statusDetail"] = operation.ErrorMessage };
            var json = new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.teamsAdministration.telephoneNumberLongRunningOperation",
                ["id"] = operation.Id,
                ["status"] = operation.Status,
                ["createdDateTime"] = HttpJson.Timestamp(operation.CreatedDateTime),
                ["numbers"] = new JsonArray(detail),
                ["resourceLocation"] = operation.ResourceLocation,
            };
            if (operation.ErrorCode is not null) json["error"] = new JsonObject { ["code"] = operation.ErrorCode, ["message"] = operation.ErrorMessage };
            return HttpJson.Json(json);
        }
    }
}
