using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Http;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Provisioning;

/// <summary>Licences through Graph: subscribedSkus, assignLicense and the user's usageLocation.</summary>
internal sealed class LicenseClient
{
    private readonly GraphConnection _connection;

    internal LicenseClient(GraphConnection connection)
    {
        _connection = connection;
    }

    public async Task<IReadOnlyList<SubscribedSku>> GetSubscribedSkusAsync(CancellationToken cancellationToken = default)
    {
        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Get, _connection.GraphUri("v1.0", "subscribedSkus"), RequestSafety.Idempotent),
            cancellationToken).ConfigureAwait(false);
        return response.Read<GraphCollection<SubscribedSku>>().Value.ToArray();
    }

    /// <summary>Maps part numbers and sku ids onto the tenant's subscriptions; an unknown one is SkuNotFound.</summary>
    public async Task<IReadOnlyList<SubscribedSku>> ResolveSkusAsync(IEnumerable<string>? skuPartNumbers, IEnumerable<string>? skuIds, CancellationToken cancellationToken = default)
    {
        var partNumbers = (skuPartNumbers ?? Array.Empty<string>()).ToList();
        var ids = (skuIds ?? Array.Empty<string>()).ToList();
        foreach (var partNumber in partNumbers)
        {
            InputRules.RequireNonEmpty(partNumber, "SkuPartNumber", 128);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            ids[i] = InputRules.RequireGuid(ids[i], "SkuId");
        }

        if (partNumbers.Count == 0 && ids.Count == 0)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "SkuPartNumber", "No licence was given: pass -SkuPartNumber or -SkuId.");
        }

        var skus = await GetSubscribedSkusAsync(cancellationToken).ConfigureAwait(false);
        var resolved = new List<SubscribedSku>();
        foreach (var partNumber in partNumbers)
        {
            var sku = skus.FirstOrDefault(s => string.Equals(s.SkuPartNumber, partNumber.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw SkuNotFound(partNumber, "SkuPartNumber", skus);
            Add(resolved, sku);
        }

        foreach (var id in ids)
        {
            var sku = skus.FirstOrDefault(s => string.Equals(s.SkuId, id, StringComparison.OrdinalIgnoreCase))
                ?? throw SkuNotFound(id, "SkuId", skus);
            Add(resolved, sku);
        }

        return resolved;
    }

    /// <summary>GET /users/{id or UPN}.</summary>
    public async Task<GraphUser> GetUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        var segment = UserSegment(userId, "Identity");
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Get, _connection.GraphUri("v1.0", "users/" + segment + "?$select=id,userPrincipalName,displayName,usageLocation,assignedLicenses"), RequestSafety.Idempotent) { Target = userId },
                cancellationToken).ConfigureAwait(false);
            return response.Read<GraphUser>();
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CommsInviteException(ErrorIds.Licenses.UserNotFound, FailureCategory.ObjectNotFound, $"User '{userId}' was not found (request-id {ex.RequestId}).", userId, ex);
        }
    }

    /// <summary>PATCH /users/{id} usageLocation (two-letter ISO country code).</summary>
    public async Task SetUsageLocationAsync(string userId, string usageLocation, CancellationToken cancellationToken = default)
    {
        var segment = UserSegment(userId, "Identity");
        var location = RequireUsageLocation(usageLocation);
        await _connection.Http.SendAsync(
            new GraphRequest(new HttpMethod("PATCH"), _connection.GraphUri("v1.0", "users/" + segment), RequestSafety.Idempotent, new Dictionary<string, string> { ["usageLocation"] = location }) { Target = userId },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Works out what an assignment would change, with every check that can be made before a change.</summary>
    public async Task<LicenseAssignmentPlan> PlanAsync(LicenseAssignmentRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        UserSegment(request.UserId, "Identity");
        var wantedLocation = request.UsageLocation is null ? null : RequireUsageLocation(request.UsageLocation);
        var skus = await ResolveSkusAsync(request.SkuPartNumbers, request.SkuIds, cancellationToken).ConfigureAwait(false);
        var user = await GetUserAsync(request.UserId, cancellationToken).ConfigureAwait(false);

        var assigned = new HashSet<string>(user.AssignedLicenses.Select(l => l.SkuId), StringComparer.OrdinalIgnoreCase);
        var already = skus.Where(s => assigned.Contains(s.SkuId)).ToArray();
        var toAssign = skus.Where(s => !assigned.Contains(s.SkuId)).ToArray();

        foreach (var sku in toAssign)
        {
            if (sku.AvailableUnits <= 0)
            {
                throw new CommsInviteException(
                    ErrorIds.Licenses.NoLicensesAvailable,
                    FailureCategory.LimitsExceeded,
                    $"No {sku.SkuPartNumber} licences are left: {sku.ConsumedUnits} of {sku.PrepaidUnits.Enabled} are assigned. Buy more or free one before assigning it to {user}.",
                    sku);
            }
        }

        var setLocation = wantedLocation is not null && !string.Equals(wantedLocation, user.UsageLocation, StringComparison.OrdinalIgnoreCase)
            ? wantedLocation
            : null;
        if (toAssign.Length > 0 && setLocation is null && string.IsNullOrWhiteSpace(user.UsageLocation))
        {
            throw new CommsInviteException(
                ErrorIds.Licenses.UsageLocationMissing,
                FailureCategory.InvalidOperation,
                $"{user} has no usage location, which licence assignment needs: pass -UsageLocation (a two-letter country code such as US).",
                user.UserPrincipalName ?? user.Id);
        }

        return new LicenseAssignmentPlan { User = user, ToAssign = toAssign, AlreadyAssigned = already, UsageLocationToSet = setLocation };
    }

    /// <summary>Carries out a plan: usageLocation first (assignLicense needs it), then the missing licences.</summary>
    public async Task<LicenseAssignmentResult> ApplyAsync(LicenseAssignmentPlan plan, CancellationToken cancellationToken = default)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        var user = plan.User;
        if (plan.UsageLocationToSet is not null)
        {
            await SetUsageLocationAsync(user.Id, plan.UsageLocationToSet, cancellationToken).ConfigureAwait(false);
            _connection.Log.Verbose($"Set the usage location of {user} to {plan.UsageLocationToSet}.");
        }

        if (plan.ToAssign.Count > 0)
        {
            var body = new
            {
                addLicenses = plan.ToAssign.Select(s => new { skuId = s.SkuId, disabledPlans = Array.Empty<string>() }).ToArray(),
                removeLicenses = Array.Empty<string>(),
            };
            try
            {
                var response = await PostAssignLicenseAsync(user, body, cancellationToken).ConfigureAwait(false);
                _connection.Log.Verbose($"Assigned {string.Join(", ", plan.ToAssign.Select(s => s.SkuPartNumber))} to {user} (request-id {response.RequestId}).");
            }
            catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
            {
                throw TranslateAssignError(ex, plan);
            }
        }

        var refreshed = plan.HasChanges ? await GetUserAsync(user.Id, cancellationToken).ConfigureAwait(false) : user;
        return new LicenseAssignmentResult
        {
            User = refreshed,
            Assigned = plan.ToAssign,
            AlreadyAssigned = plan.AlreadyAssigned,
            UsageLocationChanged = plan.UsageLocationToSet is not null,
        };
    }

    /// <summary>
    /// POST /users/{id}/assignLicense with <paramref name="body"/> (its addLicenses and removeLicenses). It is a set
    /// operation: sending it twice changes nothing the second time, so it may be retried.
    /// </summary>
    internal Task<GraphResponse> PostAssignLicenseAsync(GraphUser user, object body, CancellationToken cancellationToken) =>
        _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Post, _connection.GraphUri("v1.0", "users/" + Uri.EscapeDataString(user.Id) + "/assignLicense"), RequestSafety.Idempotent, body) { Target = user.UserPrincipalName ?? user.Id },
            cancellationToken);

    /// <summary>Plan + apply in one go.</summary>
    public async Task<LicenseAssignmentResult> AssignAsync(LicenseAssignmentRequest request, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(request, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    internal static string UserSegment(string? userId, string parameterName)
    {
        var trimmed = userId?.Trim();
        if (InputRules.IsGuid(trimmed))
        {
            return trimmed!;
        }

        return Uri.EscapeDataString(InputRules.RequireUserPrincipalName(trimmed, parameterName));
    }

    private static string RequireUsageLocation(string value)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length != 2 || !char.IsLetter(trimmed[0]) || !char.IsLetter(trimmed[1]) || trimmed[0] > 'z' || trimmed[1] > 'z')
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "UsageLocation", $"'{value}' is not a usage location: expected a two-letter ISO country code such as US.", value);
        }

        return trimmed.ToUpperInvariant();
    }

    private static CommsInviteException TranslateAssignError(GraphServiceException ex, LicenseAssignmentPlan plan)
    {
        var text = ex.Message;
        if (text.IndexOf("usage location", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return new CommsInviteException(ErrorIds.Licenses.UsageLocationMissing, FailureCategory.InvalidOperation,
                $"{plan.User} has no usage location, which licence assignment needs: pass -UsageLocation. ({ex.Message})", plan.User.UserPrincipalName ?? plan.User.Id, ex);
        }

        if (text.IndexOf("available licenses", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return new CommsInviteException(ErrorIds.Licenses.NoLicensesAvailable, FailureCategory.LimitsExceeded,
                $"No licences are left for {string.Join(", ", plan.ToAssign.Select(s => s.SkuPartNumber))}. ({ex.Message})", plan.User.UserPrincipalName ?? plan.User.Id, ex);
        }

        return ex;
    }

    private static CommsInviteException SkuNotFound(string value, string parameterName, IReadOnlyList<SubscribedSku> skus) =>
        new(ErrorIds.Licenses.SkuNotFound, FailureCategory.ObjectNotFound,
            $"The tenant has no subscription '{value}'. Its subscriptions: {(skus.Count == 0 ? "none" : string.Join(", ", skus.Select(s => s.SkuPartNumber)))}.",
            value);

    private static void Add(List<SubscribedSku> list, SubscribedSku sku)
    {
        if (!list.Any(s => string.Equals(s.SkuId, sku.SkuId, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(sku);
        }
    }
}
