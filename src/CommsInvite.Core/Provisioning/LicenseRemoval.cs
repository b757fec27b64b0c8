using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Provisioning;

/// <summary>What Remove-CsGraphUserLicense asks for: an account and the licences to take away.</summary>
internal sealed class LicenseRemovalRequest
{
    /// <summary>Object id or user principal name.</summary>
    public string UserId { get; set; } = string.Empty;

    public IList<string> SkuPartNumbers { get; set; } = new List<string>();

    public IList<string> SkuIds { get; set; } = new List<string>();
}

/// <summary>A removal worked out before anything changes: which licences the account holds and which it does not.</summary>
internal sealed class LicenseRemovalPlan
{
    public GraphUser User { get; init; } = null!;

    public IReadOnlyList<SubscribedSku> ToRemove { get; init; } = Array.Empty<SubscribedSku>();

    public IReadOnlyList<SubscribedSku> NotAssigned { get; init; } = Array.Empty<SubscribedSku>();
}

/// <summary>
/// The reverse of <see cref="LicenseClient.ApplyAsync"/>: POST /users/{id}/assignLicense with removeLicenses.
/// Reuses <see cref="LicenseClient"/> for SKU resolution, the account lookup and the assignLicense request.
/// </summary>
internal sealed class LicenseRemovalClient
{
    private readonly GraphConnection _connection;

    public LicenseRemovalClient(GraphConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>Resolves the SKUs (SkuNotFound for one the tenant lacks) and reads the account (UserNotFound).</summary>
    public async Task<LicenseRemovalPlan> PlanAsync(LicenseRemovalRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        LicenseClient.UserSegment(request.UserId, "Identity");
        var skus = await _connection.Licenses.ResolveSkusAsync(request.SkuPartNumbers, request.SkuIds, cancellationToken).ConfigureAwait(false);
        var user = await _connection.Licenses.GetUserAsync(request.UserId, cancellationToken).ConfigureAwait(false);
        var held = new HashSet<string>(user.AssignedLicenses.Select(l => l.SkuId), StringComparer.OrdinalIgnoreCase);
        return new LicenseRemovalPlan
        {
            User = user,
            ToRemove = skus.Where(s => held.Contains(s.SkuId)).ToArray(),
            NotAssigned = skus.Where(s => !held.Contains(s.SkuId)).ToArray(),
        };
    }

    /// <summary>Takes the plan's licences away and returns the account as it then stands.</summary>
    public async Task<GraphUser> ApplyAsync(LicenseRemovalPlan plan, CancellationToken cancellationToken = default)
    {
        if (plan is null)
        {
            throw new ArgumentNullException(nameof(plan));
        }

        if (plan.ToRemove.Count == 0)
        {
            return plan.User;
        }

        var body = new
        {
            addLicenses = Array.Empty<object>(),
            removeLicenses = plan.ToRemove.Select(s => s.SkuId).ToArray(),
        };

        var response = await _connection.Licenses.PostAssignLicenseAsync(plan.User, body, cancellationToken).ConfigureAwait(false);
        _connection.Log.Verbose($"Removed {string.Join(", ", plan.ToRemove.Select(s => s.SkuPartNumber))} from {plan.User} (request-id {response.RequestId}).");
        return await _connection.Licenses.GetUserAsync(plan.User.Id, cancellationToken).ConfigureAwait(false);
    }
}
