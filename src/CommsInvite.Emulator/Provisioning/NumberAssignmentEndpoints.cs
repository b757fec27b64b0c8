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

/// <summary>Graph v1.0 telephoneNumberManagement: numberAssignments (list, assignNumber, unassignNumber, updateNumber) and operations.</summary>
internal static partial class ProvisioningEndpoints
{
    /// <summary>Numbers per page of the list; longer lists continue through @odata.nextLink.</summary>
    internal const int NumberPageSize = 100;

    private static readonly string[] EqualsFilterProperties =
        { "telephoneNumber", "numberType", "assignmentStatus", "assignmentTargetId", "assignmentCategory", "isoCountryCode", "activationState", "locationId", "networkSiteId" };

    [GeneratedRegex(@"^\s*(\w+)\s+(eq|gt|lt)\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ComparisonClause();

    [GeneratedRegex(@"^\s*(startswith|contains)\(\s*telephoneNumber\s*,\s*'((?:[^']|'')*)'\s*\)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FunctionClause();

    private static void MapNumbers(RouteGroupBuilder graph, string version, EmulatorContext context)
    {
        graph.MapGet(NumbersPath + "/numberAssignments", (HttpContext http) => ListNumbers(context, version, http)).RequireRoles(ReadNumberRoles).AllowDelegated(DelegatedReadNumberScopes, TelephonyAdminRoles);
        graph.MapPost(NumbersPath + "/numberAssignments/assignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: true)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
        graph.MapPost(NumbersPath + "/numberAssignments/unassignNumber", (HttpContext http, CancellationToken cancellationToken) => AssignNumberAsync(context, version, http, assign: false)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
        graph.MapPost(NumbersPath + "/numberAssignments/updateNumber", (HttpContext http, CancellationToken cancellationToken) => UpdateNumberAsync(context, version, http)).RequireRoles(WriteNumberRoles).AllowDelegated(DelegatedWriteNumberScopes, TelephonyAdminRoles);
        graph.MapGet(NumbersPath + "/operations/{operationId}", (string operationId, HttpContext http) => GetNumberOperation(context, http, operationId)).RequireRoles(ReadNumberRoles).AllowDelegated(DelegatedReadNumberScopes, TelephonyAdminRoles);
    }

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
        ["locationId"] = n.LocationId,
        ["networkSiteId"] = n.NetworkSiteId,
        ["portInStatus"] = "completed",
        ["reverseNumberLookup"] = new JsonArray(n.ReverseNumberLookup.Select(r => (JsonNode?)r).ToArray()),
        ["supportedCustomerActions"] = new JsonArray("assign", "unassign", "update"),
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

        if (!TryReadCount(http, "$top", 1, 1000, out var top, out var topError)) return GraphErrors.Result(http, 400, "BadRequest", topError!);
        if (!TryReadCount(http, "$skip", 0, int.MaxValue, out var skip, out var skipError)) return GraphErrors.Result(http, 400, "BadRequest", skipError!);
        var wanted = top ?? 1000;
        var offset = skip ?? 0;

        var value = new JsonArray();
        string? nextLink = null;
        lock (context.State.ProvisioningLock)
        {
            var matching = context.State.GetNumbers().Select(NumberJson).Where(n => tests.All(t => t(n))).Skip(offset).ToList();
            var page = Math.Min(wanted, NumberPageSize);
            foreach (var n in matching.Take(page)) value.Add(n);
            if (matching.Count > page && wanted > page)
            {
                // The next page goes on where this one stopped, asking for what is still wanted.
                var query = new List<string>();
                if (!string.IsNullOrWhiteSpace(filter)) query.Add("$filter=" + Uri.EscapeDataString(filter));
                query.Add("$top=" + (wanted - page).ToString(CultureInfo.InvariantCulture));
                query.Add("$skip=" + (offset + page).ToString(CultureInfo.InvariantCulture));
                nextLink = $"{context.BaseUrl}/{version}{NumbersPath}/numberAssignments?{string.Join("&", query)}";
            }
        }

        var result = new JsonObject { ["@odata.context"] = $"{context.BaseUrl}/{version}/$metadata#admin/teams/telephoneNumberManagement/numberAssignments", ["value"] = value };
        if (nextLink is not null) result["@odata.nextLink"] = nextLink;
        return HttpJson.Json(result);
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
            ResourceLocation = $"{context.BaseUrl}/v1.0{NumbersPath}/numberAssignments?$filter=telephoneNumber eq '{change.Number}'",
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
