using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
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
internal sealed class NumberAssignmentClient
{
    private const string Root = "admin/teams/telephoneNumberManagement";

    /// <summary>A bound on pages read for one list: 1000 numbers in pages of at least 10.</summary>
    private const int MaxPages = 100;

    private readonly GraphConnection _connection;

    internal NumberAssignmentClient(GraphConnection connection)
    {
        _connection = connection;
    }

    /// <summary>
    /// NotAvailableInCloud, before any request, when the connection's cloud has no telephone number management
    /// (Graph documents it for the global service only); <paramref name="microsoftTeamsCommand"/> is named as the way there.
    /// </summary>
    public void EnsureAvailable(string microsoftTeamsCommand) =>
        GraphApiAvailability.EnsureAvailable(_connection.Endpoints, GraphApi.TelephoneNumberManagement, microsoftTeamsCommand);

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
                throw new CommsValidationException(ErrorIds.Input.InvalidArgument, parameterName, $"'{value}' is not a number type: use CallingPlan, DirectRouting or OperatorConnect.", value);
        }
    }

    /// <summary>Graph's spelling of an assignment status (Unassigned → unassigned, UserAssigned → userAssigned...).</summary>
    public static string NormalizeAssignmentStatus(string? value, string parameterName = "PstnAssignmentStatus")
    {
        var known = new[] { "unassigned", "userAssigned", "conferenceAssigned", "voiceApplicationAssigned", "thirdPartyAppAssigned", "policyAssigned" };
        var match = known.FirstOrDefault(k => string.Equals(k, value?.Trim(), StringComparison.OrdinalIgnoreCase));
        return match ?? throw new CommsValidationException(ErrorIds.Input.InvalidArgument, parameterName, $"'{value}' is not an assignment status: use one of {string.Join(", ", known)}.", value);
    }

    /// <summary>
    /// The tenant's numbers that match <paramref name="query"/>, sorted by number, skipping <see cref="NumberAssignmentQuery.Skip"/>
    /// and returning at most <see cref="NumberAssignmentQuery.Top"/> (500 by default): MicrosoftTeams' meaning, a count
    /// over the whole list. Graph's $top is a page size, and a page may hold fewer, so pages are followed through
    /// @odata.nextLink and the count is capped here. Every filter is applied again here, so a service that ignores one of them
    /// cannot make a caller act on the wrong number.
    /// </summary>
    public async Task<IReadOnlyList<NumberAssignment>> ListAsync(NumberAssignmentQuery? query = null, CancellationToken cancellationToken = default)
    {
        EnsureAvailable("Get-CsPhoneNumberAssignment");
        query ??= new NumberAssignmentQuery();
        var filter = NumberFilter.From(query);
        var top = query.Top ?? NumberAssignmentQuery.DefaultTop;
        if (top < 1 || top > NumberAssignmentQuery.MaxTop)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Top", $"Top must be between 1 and {NumberAssignmentQuery.MaxTop} (got {top}).", top);
        }

        var skip = query.Skip ?? 0;
        if (skip < 0)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Skip", $"Skip must not be negative (got {skip}).", skip);
        }

        var parameters = new List<string>();
        if (filter.ODataFilter is { } odata)
        {
            parameters.Add("$filter=" + Uri.EscapeDataString(odata));
        }

        parameters.Add("$top=" + top.ToString(CultureInfo.InvariantCulture));
        if (skip > 0)
        {
            parameters.Add("$skip=" + skip.ToString(CultureInfo.InvariantCulture));
        }

        var next = _connection.GraphUri("v1.0", Root + "/numberAssignments?" + string.Join("&", parameters));
        var found = new List<NumberAssignment>();
        for (var page = 0; next is not null && found.Count < top; page++)
        {
            if (page >= MaxPages)
            {
                throw new CommsInviteException(ErrorIds.Graph.InvalidResponse, FailureCategory.InvalidResult,
                    $"The number list did not end after {MaxPages} pages; stopping rather than reading forever.");
            }

            var response = await _connection.Http.SendAsync(new GraphRequest(HttpMethod.Get, next, RequestSafety.Idempotent), cancellationToken).ConfigureAwait(false);
            var collection = response.Read<GraphCollection<NumberAssignment>>();
            found.AddRange(collection.Value.Where(filter.Matches));
            next = NextPage(collection.NextLink);
        }

        return found.Take(top).ToArray();
    }

    /// <summary>
    /// updateNumber: changes a number's emergency location, network site or reverse number lookup options, and waits
    /// for the operation. Only the attributes given are sent.
    /// </summary>
    public async Task<NumberAssignmentResult> UpdateAsync(NumberUpdateRequest request, CancellationToken cancellationToken = default)
    {
        EnsureAvailable("Set-CsPhoneNumberAssignment");
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var number = InputRules.RequirePhoneNumber(request.TelephoneNumber, "TelephoneNumber");
        if (!request.HasChanges)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "LocationId", "Nothing to update: give a location id, a network site id or reverse number lookup options.");
        }

        var body = new Dictionary<string, object?> { ["telephoneNumber"] = number };
        if (request.LocationId is not null)
        {
            body["locationId"] = request.LocationId.Trim();
        }

        if (request.NetworkSiteId is not null)
        {
            body["networkSiteId"] = request.NetworkSiteId.Trim();
        }

        if (request.ReverseNumberLookup is not null)
        {
            body["reverseNumberLookupOptions"] = request.ReverseNumberLookup.Select(TeamsSpelling.Camel).ToArray();
        }

        var operation = await StartAndWaitAsync("updateNumber", body, number, cancellationToken).ConfigureAwait(false);
        if (IsFailed(operation))
        {
            throw OperationFailed("update", number, operation);
        }

        var after = await GetAsync(number, cancellationToken).ConfigureAwait(false);
        return new NumberAssignmentResult { Assignment = after, Changed = true, Operation = operation };
    }

    /// <summary>Pages stay on the connection's Graph endpoint: a nextLink elsewhere is not followed with our token.</summary>
    private Uri? NextPage(string? nextLink)
    {
        if (string.IsNullOrWhiteSpace(nextLink) || !Uri.TryCreate(nextLink, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var root = _connection.GraphUri("v1.0", Root);
        if (!string.Equals(uri.Scheme, root.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Authority, root.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ErrorIds.Graph.InvalidResponse, FailureCategory.InvalidResult,
                $"The number list's next page points to another host ({uri.Host}); not following it.");
        }

        return uri;
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
        EnsureAvailable("Set-CsPhoneNumberAssignment");
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

        var body = new Dictionary<string, object?> { ["telephoneNumber"] = number, ["assignmentTargetId"] = targetId, ["numberType"] = numberType, ["assignmentCategory"] = category };
        if (!string.IsNullOrWhiteSpace(request.LocationId))
        {
            body["locationId"] = request.LocationId!.Trim();
        }

        var operation = await StartAndWaitAsync("assignNumber", body, number, cancellationToken).ConfigureAwait(false);
        if (IsFailed(operation))
        {
            if (string.Equals(operation.Error?.Code, "NumberAlreadyAssigned", StringComparison.OrdinalIgnoreCase))
            {
                throw AssignedElsewhere(number, null);
            }

            if (NumberOperationErrors.Refusal(operation, number, targetId) is { } refusal)
            {
                throw refusal;
            }

            throw OperationFailed("assign", number, operation);
        }

        var after = await GetAsync(number, cancellationToken).ConfigureAwait(false);
        return new NumberAssignmentResult { Assignment = after, Changed = true, Operation = operation };
    }

    /// <summary>Removes a number's assignment and waits; an unassigned number is no change.</summary>
    public async Task<NumberAssignmentResult> UnassignAsync(string telephoneNumber, string? numberType = null, CancellationToken cancellationToken = default)
    {
        EnsureAvailable("Remove-CsPhoneNumberAssignment");
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
            throw new GraphServiceException(ErrorIds.Graph.InvalidResponse, FailureCategory.InvalidResult, $"{action} for {number} returned neither a Location header nor an operation id.", response.StatusCode, null, response.RequestId, response.ClientRequestId, null);
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
                throw new CommsInviteException(ErrorIds.Numbers.NumberOperationTimedOut, FailureCategory.OperationTimeout,
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
        new(ErrorIds.Numbers.NumberNotFound, FailureCategory.ObjectNotFound, $"{number} is not one of the tenant's telephone numbers; acquire it first (Get-CsPhoneNumberAssignment lists them).", number, inner);

    private static CommsInviteException AssignedElsewhere(string number, string? target) =>
        new(ErrorIds.Numbers.NumberAssignedElsewhere, FailureCategory.ResourceExists,
            $"{number} is already assigned to {(target is null ? "another account" : target)}; remove that assignment first (Remove-CsPhoneNumberAssignment) or pick a free number.", number);

    private static CommsInviteException OperationFailed(string action, string number, NumberOperation operation) =>
        new(ErrorIds.Numbers.NumberOperationFailed, FailureCategory.InvalidResult,
            $"Could not {action} {number}: operation {operation.Id} failed: {operation.Error?.Code}: {operation.Error?.Message}", number);
}
