using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>
/// Decides how invite operations end. The documented, pollable truth is the call and its roster; the operation
/// itself is read too where the service serves it (the emulator does, the real service does not document it), and a
/// notification listener can short-cut the wait. Every operation gets exactly one outcome: a failure of one
/// operation, or of one poll, never ends the wait of the others.
/// </summary>
internal sealed class InviteWaiter
{
    private readonly CallsClient _calls;
    private readonly ILogSink _log;

    public InviteWaiter(GraphConnection connection)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        _calls = connection.Calls;
        _log = connection.Log;
    }

    /// <summary>
    /// Waits for every operation and returns one outcome per operation, in order. All of them are watched from the
    /// start and share the timeout; at most ThrottleLimit polls are in flight at once. Failures are outcomes, not
    /// exceptions; cancellation throws OperationCanceledException promptly.
    /// </summary>
    public Task<IReadOnlyList<InviteOutcome>> WaitAsync(
        IReadOnlyList<InviteParticipantsOperation> operations,
        WaitOptions options,
        IProgress<WaitProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        WaitAsync(operations, options, progress, null, cancellationToken);

    /// <summary>
    /// As <see cref="WaitAsync(IReadOnlyList{InviteParticipantsOperation}, WaitOptions, IProgress{WaitProgress}?, CancellationToken)"/>,
    /// and hands each outcome to <paramref name="outcomeReady"/> as soon as it and every outcome before it (in input
    /// order) are known, so a caller can emit them while later ones are still pending. The callback runs on a pool
    /// thread, one call at a time.
    /// </summary>
    public async Task<IReadOnlyList<InviteOutcome>> WaitAsync(
        IReadOnlyList<InviteParticipantsOperation> operations,
        WaitOptions options,
        IProgress<WaitProgress>? progress,
        Action<InviteOutcome>? outcomeReady,
        CancellationToken cancellationToken)
    {
        if (operations is null)
        {
            throw new ArgumentNullException(nameof(operations));
        }

        options ??= new WaitOptions();
        options.Validate();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i] ?? throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Operation", $"Operation {i + 1} is null.");
            if (string.IsNullOrWhiteSpace(operation.CallId))
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidCallId, "Operation", $"Operation {operation.Id} does not say which call it belongs to (CallId is empty).", operation);
            }
        }

        var clock = Stopwatch.StartNew();
        var tracker = new WaitProgressTracker(operations.Count, options.Timeout, clock, progress);
        tracker.Report(null, $"Waiting for {operations.Count} invite operation(s).");
        var release = new InOrderRelease(operations.Count, outcomeReady);
        using var throttle = new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit);
        using var reader = new CallRoundReader(_calls, options.PollInterval, cancellationToken);
        var tasks = operations.Select(async (operation, index) =>
        {
            // Leave the caller's thread first: the first poll of every operation must not run one after another on it.
            await Task.Yield();
            var outcome = await WaitOneAsync(operation, options, clock, throttle, reader, tracker, cancellationToken).ConfigureAwait(false);
            tracker.Finished(outcome);
            release.Ready(index, outcome);
            return outcome;
        }).ToArray();

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Waits for one operation; see <see cref="WaitAsync(IReadOnlyList{InviteParticipantsOperation}, WaitOptions, IProgress{WaitProgress}?, CancellationToken)"/>.</summary>
    public async Task<InviteOutcome> WaitOneAsync(InviteParticipantsOperation operation, WaitOptions options, IProgress<WaitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var outcomes = await WaitAsync(new[] { operation }, options, progress, cancellationToken).ConfigureAwait(false);
        return outcomes[0];
    }

    private async Task<InviteOutcome> WaitOneAsync(InviteParticipantsOperation operation, WaitOptions options, Stopwatch clock, SemaphoreSlim throttle, CallRoundReader reader, WaitProgressTracker tracker, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        var invitees = HonouredInvitees(operation);

        if (operation.Status == OperationStatus.Failed)
        {
            return InviteOutcomes.Failed(operation, operation.ResultInfo, OutcomeSource.Response, clock.Elapsed - started, null);
        }

        using var decided = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notificationTask = options.Strategy != WaitStrategy.Poll && options.NotificationSource is not null && !string.IsNullOrEmpty(operation.Id)
            ? NotifiedAsync(operation, invitees, options.NotificationSource, options.Timeout, started, clock, decided.Token)
            : null;

        // An operation without an id (recovered from the roster) has no notification to wait for: only polling can decide it.
        var pollTask = options.Strategy == WaitStrategy.Notification && notificationTask is not null
            ? null
            : new InvitePoller(_calls, reader, _log, operation, invitees).PollAsync(options, started, clock, throttle, tracker, decided.Token);

        try
        {
            if (pollTask is null)
            {
                try
                {
                    var notified = await notificationTask!.ConfigureAwait(false);
                    return notified ?? InviteOutcomes.Unresolved(operation, options.Timeout, clock.Elapsed - started, null);
                }
                catch (Exception ex) when (IsSourceFailure(ex, cancellationToken))
                {
                    return InviteOutcomes.SourceFailed(operation, clock.Elapsed - started, ex);
                }
            }

            if (notificationTask is null)
            {
                return await pollTask.ConfigureAwait(false);
            }

            var first = await Task.WhenAny((Task)pollTask, notificationTask).ConfigureAwait(false);
            if (first == notificationTask)
            {
                try
                {
                    var notified = await notificationTask.ConfigureAwait(false);
                    if (notified is not null)
                    {
                        return notified;
                    }
                }
                catch (Exception ex) when (IsSourceFailure(ex, cancellationToken))
                {
                    _log.Debug($"The notification listener failed while waiting for operation {operation.Id} ({ex.GetType().Name}: {ex.Message}); polling decides.");
                }

                // The listener learnt nothing: polling decides.
                return await pollTask.ConfigureAwait(false);
            }

            return await pollTask.ConfigureAwait(false);
        }
        finally
        {
            decided.Cancel();
            await Observe(pollTask).ConfigureAwait(false);
            await Observe(notificationTask).ConfigureAwait(false);
        }
    }

    /// <summary>Anything the listener throws but the caller's own cancellation (a listener stopped mid-wait, say).</summary>
    private static bool IsSourceFailure(Exception ex, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not OutOfMemoryException;

    private async Task<InviteOutcome?> NotifiedAsync(InviteParticipantsOperation operation, IReadOnlyList<InvitationParticipantInfo> invitees, IOperationNotificationSource source, TimeSpan timeout, TimeSpan started, Stopwatch clock, CancellationToken cancellationToken)
    {
        // With the client context, id-less completions (multi-participant invites) match too.
        var final = source is IClientContextNotificationSource byContext
            ? await byContext.WaitForOperationAsync(operation.CallId!, operation.Id!, operation.ClientContext, timeout, cancellationToken).ConfigureAwait(false)
            : await source.WaitForOperationAsync(operation.CallId!, operation.Id!, timeout, cancellationToken).ConfigureAwait(false);
        if (final is null)
        {
            return null;
        }

        Merge(operation, final);
        switch (final.Status)
        {
            case OperationStatus.Completed:
                IReadOnlyList<Participant> joined = Array.Empty<Participant>();
                try
                {
                    var roster = await _calls.ListParticipantsAsync(operation.CallId!, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                    joined = Joined(roster, invitees);
                }
                catch (CommsInviteException ex)
                {
                    // The notification is the outcome; the roster only names who joined.
                    _log.Debug($"Operation {operation.Id} completed (notification); the roster could not be read: {ex.Message}");
                }

                return InviteOutcomes.Completed(operation, joined, OutcomeSource.Notification, clock.Elapsed - started);
            case OperationStatus.Failed:
                return InviteOutcomes.Failed(operation, final.ResultInfo, OutcomeSource.Notification, clock.Elapsed - started, null);
            default:
                return null;
        }
    }

    /// <summary>With replacesCallId only the first participant is honoured; otherwise all of them.</summary>
    internal static IReadOnlyList<InvitationParticipantInfo> HonouredInvitees(InviteParticipantsOperation operation)
    {
        var participants = operation.Participants?.Where(p => p is not null && p.Identity.Kind != IdentityKind.Unknown).ToList() ?? new List<InvitationParticipantInfo>();
        if (participants.Count > 0 && !string.IsNullOrEmpty(participants[0].ReplacesCallId))
        {
            return new[] { participants[0] };
        }

        return participants;
    }

    internal static IReadOnlyList<Participant> Joined(IReadOnlyList<Participant> roster, IReadOnlyList<InvitationParticipantInfo> invitees)
    {
        var keys = new HashSet<string>(invitees.Select(i => i.Identity.Key), StringComparer.Ordinal);
        return roster.Where(p => keys.Contains(p.Info.Identity.Key) && p.MediaStreams.Count > 0).ToArray();
    }

    internal static void Merge(InviteParticipantsOperation target, InviteParticipantsOperation latest)
    {
        if (latest.Status != OperationStatus.Unknown)
        {
            target.Status = latest.Status;
        }

        target.ResultInfo = latest.ResultInfo ?? target.ResultInfo;
    }

    private static async Task Observe(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The losing side of the race is cancelled on purpose; its failure does not matter.
        }
    }

    /// <summary>Hands outcomes on in input order, each as soon as every one before it is known.</summary>
    private sealed class InOrderRelease
    {
        private readonly InviteOutcome?[] _outcomes;
        private readonly Action<InviteOutcome>? _ready;
        private readonly object _gate = new();
        private int _next;

        public InOrderRelease(int count, Action<InviteOutcome>? ready)
        {
            _outcomes = new InviteOutcome?[count];
            _ready = ready;
        }

        public void Ready(int index, InviteOutcome outcome)
        {
            if (_ready is null)
            {
                return;
            }

            // Under the lock, so two threads never hand on outcomes out of order or at the same time.
            lock (_gate)
            {
                _outcomes[index] = outcome;
                while (_next < _outcomes.Length && _outcomes[_next] is { } next)
                {
                    _outcomes[_next] = null;
                    _next++;
                    _ready(next);
                }
            }
        }
    }
}
