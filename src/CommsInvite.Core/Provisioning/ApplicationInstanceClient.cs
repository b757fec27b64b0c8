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

/// <summary>
/// Teams resource accounts. No public Graph API exists for them: against the real service the cmdlets delegate to
/// the MicrosoftTeams module; this client speaks the emulator's REST surface only.
/// </summary>
public sealed class ApplicationInstanceClient
{
    private const string Root = "admin/teams/applicationInstances";

    private readonly GraphConnection _connection;

    internal ApplicationInstanceClient(GraphConnection connection)
    {
        _connection = connection;
    }

    /// <summary>True against the emulator, the only place this REST surface exists.</summary>
    public bool IsSupported => _connection.Context.Environment == CloudEnvironment.Emulator;

    public async Task<ApplicationInstance> CreateAsync(string userPrincipalName, string displayName, string applicationId, CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var upn = InputRules.RequireUserPrincipalName(userPrincipalName);
        var name = InputRules.RequireNonEmpty(displayName, "DisplayName", 256);
        var appId = InputRules.RequireGuid(applicationId, "ApplicationId");
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Post, Uri(string.Empty), RequestSafety.NotIdempotent, new { userPrincipalName = upn, displayName = name, applicationId = appId }) { Target = upn },
                cancellationToken).ConfigureAwait(false);
            return response.Read<ApplicationInstance>();
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            throw new CommsInviteException(ErrorIds.UserPrincipalNameTaken, FailureCategory.ResourceExists,
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
        ?? throw new CommsInviteException(ErrorIds.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{identity}' was found.", identity);

    public async Task<ApplicationInstance?> TryGetAsync(string identity, CancellationToken cancellationToken = default)
    {
        RequireSupported();
        var segment = Segment(identity);
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Get, Uri("/" + segment), RequestSafety.Idempotent) { Target = identity },
                cancellationToken).ConfigureAwait(false);
            return response.Read<ApplicationInstance>();
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
        return response.Read<GraphCollection<ApplicationInstance>>().Value.ToArray();
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
        return string.IsNullOrWhiteSpace(response.Body) ? await GetAsync(current.ObjectId, cancellationToken).ConfigureAwait(false) : response.Read<ApplicationInstance>();
    }

    /// <summary>
    /// Syncs the account into the voice directory, retrying while the new account has not replicated yet (202),
    /// up to <paramref name="timeout"/>; reports each attempt.
    /// </summary>
    public async Task<ApplicationInstance> SyncAsync(string identity, TimeSpan timeout, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default, TimeSpan? retryInterval = null)
    {
        RequireSupported();
        var segment = Segment(identity);
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1))
        {
            throw new CommsValidationException(ErrorIds.InvalidArgument, "Timeout", $"The sync timeout must be positive and at most 1 hour (got {timeout}).", timeout);
        }

        var interval = retryInterval ?? TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            GraphResponse response;
            try
            {
                response = await _connection.Http.SendAsync(
                    new GraphRequest(HttpMethod.Post, Uri("/" + segment + "/sync"), RequestSafety.Idempotent) { Target = identity },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                throw new CommsInviteException(ErrorIds.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{identity}' was found (request-id {ex.RequestId}).", identity, ex);
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                progress?.Report(new SyncProgress { Identity = identity, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = timeout, Message = $"{identity} is synced." });
                return response.Read<ApplicationInstance>();
            }

            progress?.Report(new SyncProgress { Identity = identity, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = timeout, Message = $"{identity} has not replicated yet (attempt {attempt})." });
            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new CommsInviteException(ErrorIds.ApplicationInstanceSyncTimedOut, FailureCategory.OperationTimeout,
                    $"{identity} had not replicated after {clock.Elapsed.TotalSeconds:F0} s ({attempt} attempts); run Sync-CsOnlineApplicationInstance again later.", identity);
            }

            // The service's Retry-After says when replication should be done; the last attempt lands on the deadline.
            var wait = response.RetryAfter ?? interval;
            await Task.Delay(wait < remaining ? wait : remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RequireSupported()
    {
        if (!IsSupported)
        {
            throw new CommsInviteException(ErrorIds.ApplicationInstanceApiUnavailable, FailureCategory.InvalidOperation,
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
