using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Http;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Provisioning;

/// <summary>Teams telephone numbers: Graph v1.0 /admin/teams/telephoneNumberManagement.</summary>
public sealed class NumberAssignmentClient
{
    private const string Root = "admin/teams/telephoneNumberManagement";

    private readonly GraphConnection _connection;

    internal NumberAssignmentClient(GraphConnection connection)
    {
        _connection = connection;
    }

    /// <summary>How long assign/unassign wait for their long-running operation.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan OperationPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Graph's spelling of a number type: CallingPlan/callingPlan → callingPlan, etc.</summary>
    public static string NormalizeNumberType(string? value, string parameterName = "NumberType")
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "callingplan": return "callingPlan";
            case "directrouting": return "directRouting";
            case "operatorconnect": return "operatorConnect";
            default:
                throw new CommsValidationException(ErrorIds.InvalidArgument, parameterName, $"'{value}' is not a number type: use CallingPlan, DirectRouting or OperatorConnect.", value);
        }
    }

    /// <summary>Graph's spelling of an assignment status (Unassigned → unassigned, UserAssigned → userAssigned...).</summary>
    public static string NormalizeAssignmentStatus(string? value, string parameterName = "PstnAssignmentStatus")
    {
        var known = new[] { "unassigned", "userAssigned", "conferenceAssigned", "voiceApplicationAssigned", "thirdPartyAppAssigned", "policyAssigned" };
        var match = known.FirstOrDefault(k => string.Equals(k, value?.Trim(), StringComparison.OrdinalIgnoreCase));
        return match ?? throw new CommsValidationException(ErrorIds.InvalidArgument, parameterName, $"'{value}' is not an assignment status: use one of {string.Join(", ", known)}.", value);
    }

    public async Task<IReadOnlyList<NumberAssignment>> ListAsync(NumberAssignmentQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new NumberAssignmentQuery();
        var filters = new List<string>();
        if (query.TelephoneNumber is not null)
        {
            filters.Add($"telephoneNumber eq '{InputRules.RequirePhoneNumber(query.TelephoneNumber, "TelephoneNumber")}'");
        }

        if (query.NumberType is not null)
        {
            filters.Add($"numberType eq '{NormalizeNumberType(query.NumberType)}'");
        }

        if (query.AssignmentStatus is not null)
        {
            filters.Add($"assignmentStatus eq '{NormalizeAssignmentStatus(query.AssignmentStatus)}'");
        }

        if (query.Top is { } top && (top < 1 || top > 1000))
        {
            throw new CommsValidationException(ErrorIds.InvalidArgument, "Top", $"Top must be between 1 and 1000 (got {top}).", top);
        }

        var parameters = new List<string>();
        if (filters.Count > 0)
        {
            parameters.Add("$filter=" + Uri.EscapeDataString(string.Join(" and ", filters)));
        }

        if (query.Top is { } topValue)
        {
            parameters.Add("$top=" + topValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var path = Root + "/numberAssignments" + (parameters.Count == 0 ? string.Empty : "?" + string.Join("&", parameters));
        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Get, _connection.GraphUri("v1.0", path), RequestSafety.Idempotent),
            cancellationToken).ConfigureAwait(false);
        var list = response.Read<GraphCollection<NumberAssignment>>().Value.AsEnumerable();

        // Filter again locally: a service that ignores $filter must not make us act on the wrong number.
        if (query.TelephoneNumber is not null)
        {
            list = list.Where(n => n.TelephoneNumber == query.TelephoneNumber.Trim());
        }

        if (query.Top is { } limit)
        {
            list = list.Take(limit);
        }

        return list.ToArray();
    }

    public async Task<NumberAssignment?> GetAsync(string telephoneNumber, CancellationToken cancellationToken = default)
    {
        var number = InputRules.RequirePhoneNumber(telephoneNumber, "TelephoneNumber");
        var found = await ListAsync(new NumberAssignmentQuery { TelephoneNumber = number }, cancellationToken).ConfigureAwait(false);
        return found.FirstOrDefault();
    }

    /// <summary>
    /// Assigns a number and waits for the operation. Already assigned to the same target: no change.
    /// Assigned to someone else: NumberAssignedElsewhere. Not in the tenant: NumberNotFound.
    /// </summary>
    public async Task<NumberAssignmentResult> AssignAsync(NumberAssignRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var number = InputRules.RequirePhoneNumber(request.TelephoneNumber, "TelephoneNumber");
        var numberType = NormalizeNumberType(request.NumberType);
        var category = string.IsNullOrWhiteSpace(request.AssignmentCategory) ? "primary" : request.AssignmentCategory.Trim();
        var targetId = await ResolveTargetIdAsync(request.AssignmentTargetId, cancellationToken).ConfigureAwait(false);

        var current = await GetAsync(number, cancellationToken).ConfigureAwait(false) ?? throw NotFound(number, null);
        if (current.IsAssigned)
        {
            if (string.Equals(current.AssignmentTargetId, targetId, StringComparison.OrdinalIgnoreCase))
            {
                _connection.Log.Verbose($"{number} is already assigned to {targetId}; nothing to change.");
                return new NumberAssignmentResult { Assignment = current, Changed = false };
            }

            throw AssignedElsewhere(number, current.AssignmentTargetId);
        }

        var body = new { telephoneNumber = number, assignmentTargetId = targetId, numberType, assignmentCategory = category };
        var operation = await StartAndWaitAsync("assignNumber", body, number, cancellationToken).ConfigureAwait(false);
        if (IsFailed(operation))
        {
            if (string.Equals(operation.Error?.Code, "NumberAlreadyAssigned", StringComparison.OrdinalIgnoreCase))
            {
                throw AssignedElsewhere(number, null);
            }

            throw OperationFailed("assign", number, operation);
        }

        var after = await GetAsync(number, cancellationToken).ConfigureAwait(false);
        return new NumberAssignmentResult { Assignment = after, Changed = true, Operation = operation };
    }

    /// <summary>Removes a number's assignment and waits; an unassigned number is no change.</summary>
    public async Task<NumberAssignmentResult> UnassignAsync(string telephoneNumber, string? numberType = null, CancellationToken cancellationToken = default)
    {
        var number = InputRules.RequirePhoneNumber(telephoneNumber, "TelephoneNumber");
        var current = await GetAsync(number, cancellationToken).ConfigureAwait(false) ?? throw NotFound(number, null);
        if (!current.IsAssigned)
        {
            return new NumberAssignmentResult { Assignment = current, Changed = false };
        }

        var type = NormalizeNumberType(numberType ?? current.NumberType ?? "callingPlan");
        var operation = await StartAndWaitAsync("unassignNumber", new { telephoneNumber = number, numberType = type }, number, cancellationToken).ConfigureAwait(false);
        if (IsFailed(operation))
        {
            throw OperationFailed("unassign", number, operation);
        }

        var after = await GetAsync(number, cancellationToken).ConfigureAwait(false);
        return new NumberAssignmentResult { Assignment = after, Changed = true, Operation = operation };
    }

    /// <summary>A GUID is used as is; a UPN is looked up to its object id.</summary>
    private async Task<string> ResolveTargetIdAsync(string? identity, CancellationToken cancellationToken)
    {
        if (InputRules.IsGuid(identity))
        {
            return identity!.Trim();
        }

        InputRules.RequireUserPrincipalName(identity, "Identity");
        var user = await _connection.Licenses.GetUserAsync(identity!, cancellationToken).ConfigureAwait(false);
        return user.Id;
    }

    private async Task<NumberOperation> StartAndWaitAsync(string action, object body, string number, CancellationToken cancellationToken)
    {
        GraphResponse response;
        try
        {
            // Assigning the same number to the same target twice is harmless, so a retry cannot do damage.
            response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Post, _connection.GraphUri("v1.0", Root + "/numberAssignments/" + action), RequestSafety.Idempotent, body) { Target = number },
                cancellationToken).ConfigureAwait(false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw NotFound(number, ex);
        }

        NumberOperation? operation = null;
        try
        {
            operation = response.Read<NumberOperation>();
        }
        catch (GraphServiceException) when (response.Location is not null)
        {
            // An empty 202 body is fine: the Location header names the operation.
        }

        var location = response.Location ?? (operation?.Id is { } id ? _connection.GraphUri("v1.0", Root + "/operations/" + Uri.EscapeDataString(id)) : null);
        if (location is null)
        {
            throw new GraphServiceException(ErrorIds.InvalidResponse, FailureCategory.InvalidResult, $"{action} for {number} returned neither a Location header nor an operation id.", response.StatusCode, null, response.RequestId, response.ClientRequestId, null);
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (operation is not null && IsFinal(operation))
            {
                return operation;
            }

            if (clock.Elapsed > OperationTimeout)
            {
                throw new CommsInviteException(ErrorIds.NumberOperationTimedOut, FailureCategory.OperationTimeout,
                    $"The {action} operation for {number} did not finish within {OperationTimeout.TotalSeconds:F0} s (last status {operation?.Status ?? "unknown"}).", number);
            }

            await Task.Delay(OperationPollInterval, cancellationToken).ConfigureAwait(false);
            var poll = await _connection.Http.SendAsync(new GraphRequest(HttpMethod.Get, location, RequestSafety.Idempotent) { Target = number }, cancellationToken).ConfigureAwait(false);
            operation = poll.Read<NumberOperation>();
            _connection.Log.Debug($"{action} {number}: operation {operation.Id} is {operation.Status}.");
        }
    }

    private static bool IsFinal(NumberOperation operation) =>
        string.Equals(operation.Status, "succeeded", StringComparison.OrdinalIgnoreCase) || IsFailed(operation);

    private static bool IsFailed(NumberOperation operation) => string.Equals(operation.Status, "failed", StringComparison.OrdinalIgnoreCase);

    private static CommsInviteException NotFound(string number, Exception? inner) =>
        new(ErrorIds.NumberNotFound, FailureCategory.ObjectNotFound, $"{number} is not one of the tenant's telephone numbers; acquire it first (Get-CsPhoneNumberAssignment lists them).", number, inner);

    private static CommsInviteException AssignedElsewhere(string number, string? target) =>
        new(ErrorIds.NumberAssignedElsewhere, FailureCategory.ResourceExists,
            $"{number} is already assigned to {(target is null ? "another account" : target)}; remove that assignment first (Remove-CsPhoneNumberAssignment) or pick a free number.", number);

    private static CommsInviteException OperationFailed(string action, string number, NumberOperation operation) =>
        new(ErrorIds.NumberOperationFailed, FailureCategory.InvalidResult,
            $"Could not {action} {number}: operation {operation.Id} failed: {operation.Error?.Code}: {operation.Error?.Message}", number);
}
