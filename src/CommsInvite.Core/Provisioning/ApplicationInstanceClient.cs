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

/// <summary>
/// Teams resource accounts through the emulator's REST surface: the emulator backend of
/// <see cref="IApplicationInstanceStore"/>. No public Graph API exists for them; against the real service the
/// cmdlets use the MicrosoftTeams module as the store instead.
/// </summary>
internal sealed class ApplicationInstanceClient : IApplicationInstanceStore
{
    /// <summary>MicrosoftTeams parameters the emulator has nothing to model with (Agent Provisioning callbacks, ACS, on-premises numbers).</summary>
    private static readonly string[] Unsupported = { "CallbackUri", "AcsResourceId", "OnpremPhoneNumber" };

    private const string Root = "admin/teams/applicationInstances";

    private readonly GraphConnection _connection;

    internal ApplicationInstanceClient(GraphConnection connection)
    {
        _connection = connection;
    }

    /// <summary>True against the emulator, the only place this REST surface exists.</summary>
    public bool IsSupported => _connection.Context.Environment == CloudEnvironment.Emulator;

    string IApplicationInstanceStore.Name => "emulator";

    bool IApplicationInstanceStore.Supports(string commandName, string parameterName) =>
        Array.IndexOf(Unsupported, parameterName) < 0;

    Task<ApplicationInstance> IApplicationInstanceStore.CreateAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken) =>
        CreateAsync(spec.UserPrincipalName, spec.DisplayName, spec.ApplicationId, cancellationToken);

    async Task<IReadOnlyList<ApplicationInstance>> IApplicationInstanceStore.ListAsync(ApplicationInstanceQuery query, CancellationToken cancellationToken)
    {
        IEnumerable<ApplicationInstance> found;
        if (query.Identities.Count > 0)
        {
            var list = new List<ApplicationInstance>();
            foreach (var identity in query.Identities)
            {
                if (await TryGetAsync(identity, cancellationToken).ConfigureAwait(false) is { } instance && !list.Exists(i => i.ObjectId == instance.ObjectId))
                {
                    list.Add(instance);
                }
            }

            found = list;
        }
        else
        {
            found = await ListAsync(cancellationToken).ConfigureAwait(false);
        }

        found = found.Skip(query.Skip ?? 0);
        return (query.ResultSize is { } size ? found.Take(size) : found).ToArray();
    }

    Task<ApplicationInstance> IApplicationInstanceStore.UpdateAsync(string objectId, ApplicationInstanceChanges changes, CancellationToken cancellationToken) =>
        SetAsync(objectId, changes.DisplayName, changes.ApplicationId, cancellationToken);

    async Task<SyncAttempt> IApplicationInstanceStore.TrySyncAsync(string objectId, ApplicationInstanceSyncRequest request, CancellationToken cancellationToken)
    {
        RequireSupported();

        // MicrosoftTeams' sync binds the instance to -ApplicationId; the emulator's sync takes no body, so bind first.
        if (request.ApplicationId is { } applicationId)
        {
            await SetAsync(objectId, null, applicationId, cancellationToken).ConfigureAwait(false);
        }

        GraphResponse response;
        try
        {
            response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Post, Uri("/" + Segment(objectId) + "/sync"), RequestSafety.Idempotent) { Target = objectId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CommsInviteException(ErrorIds.ApplicationInstances.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{objectId}' was found (request-id {ex.RequestId}).", objectId, ex);
        }

        return response.StatusCode == HttpStatusCode.OK
            ? new SyncAttempt { Done = true, Instance = Read(response) }
            : new SyncAttempt { Done = false, RetryAfter = response.RetryAfter, Message = "the account is still replicating" };
    }

    /// <summary>Creates a resource account; without a display name the UPN's name part is used, as MicrosoftTeams does.</summary>
    public async Task<ApplicationInstance> CreateAsync(string userPrincipalName, string? displayName, string? applicationId, CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var upn = InputRules.RequireUserPrincipalName(userPrincipalName);
        var name = displayName is null ? upn.Substring(0, upn.IndexOf('@')) : InputRules.RequireNonEmpty(displayName, "DisplayName", 256);
        var appId = applicationId is null ? null : InputRules.RequireGuid(applicationId, "ApplicationId");
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Post, Uri(string.Empty), RequestSafety.NotIdempotent, new { userPrincipalName = upn, displayName = name, applicationId = appId }) { Target = upn },
                cancellationToken).ConfigureAwait(false);
            return Read(response);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            throw new CommsInviteException(ErrorIds.ApplicationInstances.UserPrincipalNameTaken, FailureCategory.ResourceExists,
                $"The user principal name {upn} is already taken (request-id {ex.RequestId}). Use Get-CsOnlineApplicationInstance -Identity {upn} to reuse it.", upn, ex);
        }
        catch (GraphServiceException ex) when (ex.MayHaveBeenProcessed)
        {
            // The answer was lost: if the account now exists with our values, the create went through.
            var existing = await TryGetAsync(upn, cancellationToken).ConfigureAwait(false);
            if (existing is not null && string.Equals(existing.ApplicationId, appId, StringComparison.OrdinalIgnoreCase))
            {
                return existing;
            }

            throw;
        }
    }

    /// <summary>By object id or user principal name; ApplicationInstanceNotFound when absent.</summary>
    public async Task<ApplicationInstance> GetAsync(string identity, CancellationToken cancellationToken = default) =>
        await TryGetAsync(identity, cancellationToken).ConfigureAwait(false)
        ?? throw new CommsInviteException(ErrorIds.ApplicationInstances.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{identity}' was found.", identity);

    public async Task<ApplicationInstance?> TryGetAsync(string identity, CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var segment = Segment(identity);
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Get, Uri("/" + segment), RequestSafety.Idempotent) { Target = identity },
                cancellationToken).ConfigureAwait(false);
            return Read(response);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ApplicationInstance>> ListAsync(CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var response = await _connection.Http.SendAsync(new GraphRequest(HttpMethod.Get, Uri(string.Empty), RequestSafety.Idempotent), cancellationToken).ConfigureAwait(false);
        return response.Read<GraphCollection<ApplicationInstance>>().Value.Select(WithTenant).ToArray();
    }

    /// <summary>PATCH displayName and/or applicationId; unchanged values are not sent.</summary>
    public async Task<ApplicationInstance> SetAsync(string identity, string? displayName, string? applicationId, CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var changes = new Dictionary<string, string>();
        if (displayName is not null)
        {
            changes["displayName"] = InputRules.RequireNonEmpty(displayName, "DisplayName", 256);
        }

        if (applicationId is not null)
        {
            changes["applicationId"] = InputRules.RequireGuid(applicationId, "ApplicationId");
        }

        var current = await GetAsync(identity, cancellationToken).ConfigureAwait(false);
        if (changes.Count == 0
            || ((displayName is null || displayName == current.DisplayName) && (applicationId is null || string.Equals(applicationId.Trim(), current.ApplicationId, StringComparison.OrdinalIgnoreCase))))
        {
            return current;
        }

        var response = await _connection.Http.SendAsync(
            new GraphRequest(new HttpMethod("PATCH"), Uri("/" + System.Uri.EscapeDataString(current.ObjectId)), RequestSafety.Idempotent, changes) { Target = identity },
            cancellationToken).ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(response.Body) ? await GetAsync(current.ObjectId, cancellationToken).ConfigureAwait(false) : Read(response);
    }

    /// <summary>Syncs the account, retrying while it replicates (the rule lives in <see cref="ApplicationInstanceService"/>).</summary>
    public Task<ApplicationInstance> SyncAsync(string identity, TimeSpan timeout, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default, TimeSpan? retryInterval = null)
    {
        RequireSupported();
        var service = new ApplicationInstanceService(this) { SyncRetryInterval = retryInterval ?? TimeSpan.FromSeconds(1) };
        _ = Segment(identity);
        return service.SyncUntilReplicatedAsync(identity.Trim(), new ApplicationInstanceSyncRequest(), timeout, progress, cancellationToken);
    }

    private ApplicationInstance Read(GraphResponse response) => WithTenant(response.Read<ApplicationInstance>());

    /// <summary>The emulator's instances belong to the connected tenant; MicrosoftTeams shows it on every instance.</summary>
    private ApplicationInstance WithTenant(ApplicationInstance instance)
    {
        instance.TenantId ??= _connection.Context.TenantId;
        return instance;
    }

    private void RequireSupported()
    {
        if (!IsSupported)
        {
            throw new CommsInviteException(ErrorIds.ApplicationInstances.ApplicationInstanceApiUnavailable, FailureCategory.InvalidOperation,
                "Application instances have no public Graph API; against Microsoft 365 use the MicrosoftTeams module (Install-Module MicrosoftTeams; Connect-MicrosoftTeams).");
        }
    }

    private static string Segment(string? identity)
    {
        var trimmed = identity?.Trim();
        if (InputRules.IsGuid(trimmed))
        {
            return trimmed!;
        }

        return System.Uri.EscapeDataString(InputRules.RequireUserPrincipalName(trimmed, "Identity"));
    }

    private Uri Uri(string suffix) => _connection.GraphUri("beta", Root + suffix);
}
