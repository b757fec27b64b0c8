using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// What the application-instance cmdlets call, over the one <see cref="IApplicationInstanceStore"/> chosen for them:
/// the backend-independent rules (a create that finds its instance already there reuses it; a sync is retried until
/// the new account has replicated or the timeout passes) and the store's reads and writes, so a cmdlet talks to this
/// class alone and never to the store.
/// </summary>
internal sealed class ApplicationInstanceService
{
    /// <summary>The longest a sync may be asked to keep retrying.</summary>
    public static readonly TimeSpan MaxSyncTimeout = TimeSpan.FromHours(1);

    private readonly IApplicationInstanceStore _store;

    public ApplicationInstanceService(IApplicationInstanceStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>The backend, for messages: "MicrosoftTeams" or "emulator".</summary>
    public string BackendName => _store.Name;

    /// <summary>Whether the backend can honour a MicrosoftTeams parameter of <paramref name="commandName"/>.</summary>
    public bool Supports(string commandName, string parameterName) => _store.Supports(commandName, parameterName);

    /// <summary>Wait between sync attempts when the backend suggests none.</summary>
    public TimeSpan SyncRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The instance, or null when <paramref name="identity"/> names none.</summary>
    public Task<ApplicationInstance?> TryGetAsync(string identity, CancellationToken cancellationToken) => _store.TryGetAsync(identity, cancellationToken);

    /// <summary>The instance; ApplicationInstanceNotFound when <paramref name="identity"/> names none.</summary>
    public async Task<ApplicationInstance> GetAsync(string identity, CancellationToken cancellationToken) =>
        await _store.TryGetAsync(identity, cancellationToken).ConfigureAwait(false) ?? throw NotFound(identity);

    public Task<IReadOnlyList<ApplicationInstance>> ListAsync(ApplicationInstanceQuery query, CancellationToken cancellationToken) => _store.ListAsync(query, cancellationToken);

    /// <summary>Changes what <paramref name="changes"/> sets; returns the instance as it then is.</summary>
    public Task<ApplicationInstance> UpdateAsync(string objectId, ApplicationInstanceChanges changes, CancellationToken cancellationToken) =>
        _store.UpdateAsync(objectId, changes, cancellationToken);

    /// <summary>
    /// What a create would do: the instance that is already there with this UPN and application id (reuse, nothing to
    /// send), or null (create it). A UPN held by an instance of another application is UserPrincipalNameTaken.
    /// </summary>
    public async Task<ApplicationInstance?> FindReusableAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken)
    {
        var existing = await _store.TryGetAsync(spec.UserPrincipalName, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        if (spec.ApplicationId is not null && !string.Equals(existing.ApplicationId, spec.ApplicationId, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommsInviteException(ErrorIds.ApplicationInstances.UserPrincipalNameTaken, FailureCategory.ResourceExists,
                $"The user principal name {spec.UserPrincipalName} is already taken by application instance {existing.ObjectId} of application {existing.ApplicationId ?? "(none)"}, not {spec.ApplicationId}. " +
                "Pick another UPN, or change that instance with Set-CsOnlineApplicationInstance -ApplicationId.", spec.UserPrincipalName);
        }

        return existing;
    }

    /// <summary>
    /// Whether a sync has anything to do: an instance that is synced and bound to the requested application is left
    /// alone unless forced.
    /// </summary>
    public static bool NeedsSync(ApplicationInstance current, ApplicationInstanceSyncRequest request) =>
        request.Force || !current.Synced || Rebinds(current, request);

    /// <summary>The request names another application than the instance's.</summary>
    public static bool Rebinds(ApplicationInstance current, ApplicationInstanceSyncRequest request) =>
        request.ApplicationId is not null && !string.Equals(request.ApplicationId, current.ApplicationId, StringComparison.OrdinalIgnoreCase);

    public Task<ApplicationInstance> CreateAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken) => _store.CreateAsync(spec, cancellationToken);

    /// <summary>
    /// Syncs the instance into the voice directory, retrying while it has not replicated yet, up to
    /// <paramref name="timeout"/>; reports each attempt.
    /// </summary>
    public async Task<ApplicationInstance> SyncUntilReplicatedAsync(string objectId, ApplicationInstanceSyncRequest request, TimeSpan timeout, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxSyncTimeout)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Timeout", $"The sync timeout must be positive and at most 1 hour (got {timeout}).", timeout);
        }

        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await _store.TrySyncAsync(objectId, request, cancellationToken).ConfigureAwait(false);
            if (outcome.Done)
            {
                progress?.Report(new SyncProgress { Identity = objectId, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = timeout, Message = $"{objectId} is synced." });
                return outcome.Instance ?? await GetAsync(objectId, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(new SyncProgress
            {
                Identity = objectId, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = timeout,
                Message = $"{objectId} has not replicated yet (attempt {attempt})" + (string.IsNullOrEmpty(outcome.Message) ? "." : $": {outcome.Message}"),
            });
            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new CommsInviteException(ErrorIds.ApplicationInstances.ApplicationInstanceSyncTimedOut, FailureCategory.OperationTimeout,
                    $"{objectId} had not replicated after {clock.Elapsed.TotalSeconds:F0} s ({attempt} attempts); run Sync-CsOnlineApplicationInstance again later.", objectId);
            }

            // The backend's Retry-After says when replication should be done; the last attempt lands on the deadline.
            var wait = outcome.RetryAfter ?? SyncRetryInterval;
            await Task.Delay(wait < remaining ? wait : remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>ApplicationInstanceNotFound for <paramref name="identity"/>, naming this service's backend.</summary>
    public CommsInviteException NotFound(string identity) => NotFound(identity, _store.Name);

    public static CommsInviteException NotFound(string identity, string backend) =>
        new(ErrorIds.ApplicationInstances.ApplicationInstanceNotFound, FailureCategory.ObjectNotFound, $"No application instance '{identity}' was found ({backend}).", identity);
}
