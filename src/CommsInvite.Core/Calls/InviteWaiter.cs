using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>
/// Decides how invite operations end. The documented, pollable truth is the call and its roster; the operation
/// itself is read too where the service serves it (the emulator does, the real service does not document it), and a
/// notification listener can short-cut the wait.
/// </summary>
public sealed class InviteWaiter
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
    /// Waits for every operation (at most ThrottleLimit at once) and returns one outcome per operation, in order.
    /// Failures are outcomes, not exceptions; cancellation throws OperationCanceledException promptly.
    /// </summary>
    public async Task<IReadOnlyList<InviteOutcome>> WaitAsync(
        IReadOnlyList<InviteParticipantsOperation> operations,
        WaitOptions options,
        IProgress<WaitProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (operations is null)
        {
            throw new ArgumentNullException(nameof(operations));
        }

        options ??= new WaitOptions();
        options.Validate();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i] ?? throw new CommsValidationException(ErrorIds.InvalidArgument, "Operation", $"Operation {i + 1} is null.");
            if (string.IsNullOrWhiteSpace(operation.CallId))
            {
                throw new CommsValidationException(ErrorIds.InvalidCallId, "Operation", $"Operation {operation.Id} does not say which call it belongs to (CallId is empty).", operation);
            }
        }

        var clock = Stopwatch.StartNew();
        var tracker = new ProgressTracker(operations.Count, options.Timeout, clock, progress);
        tracker.Report(null, $"Waiting for {operations.Count} invite operation(s).");
        using var throttle = new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit);
        var tasks = operations.Select(async operation =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var outcome = await WaitOneAsync(operation, options, clock, tracker, cancellationToken).ConfigureAwait(false);
                tracker.Finished(outcome);
                return outcome;
            }
            finally
            {
                throttle.Release();
            }
        }).ToArray();

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Waits for one operation; see <see cref="WaitAsync"/>.</summary>
    public async Task<InviteOutcome> WaitOneAsync(InviteParticipantsOperation operation, WaitOptions options, IProgress<WaitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var outcomes = await WaitAsync(new[] { operation }, options, progress, cancellationToken).ConfigureAwait(false);
        return outcomes[0];
    }

    private async Task<InviteOutcome> WaitOneAsync(InviteParticipantsOperation operation, WaitOptions options, Stopwatch clock, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        var invitees = HonouredInvitees(operation);

        if (operation.Status == OperationStatus.Failed)
        {
            return Failed(operation, operation.ResultInfo, OutcomeSource.Response, clock.Elapsed - started, null);
        }

        using var decided = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var remaining = options.Timeout - (clock.Elapsed - started);
        var notificationTask = options.Strategy != WaitStrategy.Poll && options.NotificationSource is not null && !string.IsNullOrEmpty(operation.Id)
            ? NotifiedAsync(operation, invitees, options.NotificationSource, remaining, started, clock, decided.Token)
            : null;

        // An operation without an id (recovered from the roster) has no notification to wait for: only polling can decide it.
        var pollTask = options.Strategy == WaitStrategy.Notification && notificationTask is not null
            ? null
            : PollAsync(operation, invitees, options, started, clock, tracker, decided.Token);

        try
        {
            if (pollTask is null)
            {
                var notified = await notificationTask!.ConfigureAwait(false);
                return notified ?? TimedOut(operation, options.Timeout, clock.Elapsed - started);
            }

            if (notificationTask is null)
            {
                return await pollTask.ConfigureAwait(false);
            }

            var first = await Task.WhenAny((Task)pollTask, notificationTask).ConfigureAwait(false);
            if (first == notificationTask)
            {
                var notified = await notificationTask.ConfigureAwait(false);
                if (notified is not null)
                {
                    return notified;
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
                catch (GraphServiceException ex)
                {
                    _log.Debug($"Operation {operation.Id} completed (notification); the roster could not be read: {ex.Message}");
                }

                return Completed(operation, joined, OutcomeSource.Notification, clock.Elapsed - started);
            case OperationStatus.Failed:
                return Failed(operation, final.ResultInfo, OutcomeSource.Notification, clock.Elapsed - started, null);
            default:
                return null;
        }
    }

    private async Task<InviteOutcome> PollAsync(InviteParticipantsOperation operation, IReadOnlyList<InvitationParticipantInfo> invitees, WaitOptions options, TimeSpan started, Stopwatch clock, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var callId = operation.CallId!;
        var operationServed = !string.IsNullOrEmpty(operation.Id);
        var seenRinging = new HashSet<string>(StringComparer.Ordinal);
        var polls = 0;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            polls++;
            try
            {
                Call call;
                try
                {
                    call = await _calls.GetCallAsync(callId, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                }
                catch (GraphServiceException ex) when (ex.ErrorId == ErrorIds.CallNotFound)
                {
                    return CallEnded(operation, clock.Elapsed - started, $"Call {callId} ended (not found: request-id {ex.RequestId}) before operation {operation.Id} completed.");
                }

                if (string.Equals(call.State, "terminated", StringComparison.OrdinalIgnoreCase))
                {
                    return CallEnded(operation, clock.Elapsed - started, $"Call {callId} was terminated before operation {operation.Id} completed.");
                }

                InviteParticipantsOperation? served = null;
                if (operationServed)
                {
                    served = await _calls.GetOperationAsync(callId, operation.Id!, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                    if (served is null)
                    {
                        // Not served (the real service does not document it): the roster alone decides from now on.
                        operationServed = false;
                        _log.Debug($"GET of operation {operation.Id} is not served; deciding from the roster.");
                    }
                    else
                    {
                        Merge(operation, served);
                        if (served.Status == OperationStatus.Failed)
                        {
                            return Failed(operation, served.ResultInfo, OutcomeSource.Poll, clock.Elapsed - started, null);
                        }
                    }
                }

                var roster = await _calls.ListParticipantsAsync(callId, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                var byKey = roster.GroupBy(p => p.Info.Identity.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                var joined = new List<Participant>();
                string? removed = null;
                foreach (var invitee in invitees)
                {
                    var key = invitee.Identity.Key;
                    if (byKey.TryGetValue(key, out var entry))
                    {
                        seenRinging.Add(key);
                        if (entry.MediaStreams.Count > 0)
                        {
                            joined.Add(entry);
                        }
                    }
                    else if (seenRinging.Contains(key))
                    {
                        removed = invitee.Identity.ToString();
                    }
                }

                if (joined.Count == invitees.Count)
                {
                    if (operation.Status is not OperationStatus.Failed)
                    {
                        operation.Status = OperationStatus.Completed;
                    }

                    return Completed(operation, joined, OutcomeSource.Poll, clock.Elapsed - started);
                }

                if (served?.Status == OperationStatus.Completed)
                {
                    // The operation says done, yet the roster lags: trust the operation.
                    return Completed(operation, joined, OutcomeSource.Poll, clock.Elapsed - started);
                }

                if (removed is not null)
                {
                    if (operationServed)
                    {
                        // The roster and the operation change together; read the operation again for its resultInfo.
                        var final = await _calls.GetOperationAsync(callId, operation.Id!, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                        if (final is not null)
                        {
                            Merge(operation, final);
                        }
                    }

                    return Failed(operation, operation.ResultInfo, OutcomeSource.Poll, clock.Elapsed - started, $"{removed} left the roster of call {callId} after ringing: the invite was declined or not answered.");
                }

                tracker.Report(operation.Id, $"Call {callId}: {joined.Count} of {invitees.Count} joined, {seenRinging.Count - joined.Count} ringing (poll {polls}).");
            }
            catch (GraphServiceException ex) when (ex.Category is FailureCategory.ConnectionError or FailureCategory.LimitsExceeded || ex.ErrorId == ErrorIds.InvalidResponse)
            {
                // A poll that failed after its own retries is not the invite failing: keep waiting until the timeout.
                _log.Debug($"Polling operation {operation.Id} failed ({ex.Message}); trying again.");
            }

            var elapsed = clock.Elapsed - started;
            if (elapsed >= options.Timeout)
            {
                return TimedOut(operation, options.Timeout, elapsed);
            }

            var wait = options.PollInterval;
            if (elapsed + wait > options.Timeout)
            {
                wait = options.Timeout - elapsed;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
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

    private static void Merge(InviteParticipantsOperation target, InviteParticipantsOperation latest)
    {
        if (latest.Status != OperationStatus.Unknown)
        {
            target.Status = latest.Status;
        }

        target.ResultInfo = latest.ResultInfo ?? target.ResultInfo;
    }

    private static InviteOutcome Completed(InviteParticipantsOperation operation, IReadOnlyList<Participant> joined, OutcomeSource source, TimeSpan elapsed)
    {
        operation.Status = OperationStatus.Completed;
        return new InviteOutcome { Operation = operation, Status = InviteOutcomeStatus.Completed, ResultInfo = operation.ResultInfo, JoinedParticipants = joined, Source = source, Elapsed = elapsed };
    }

    private static InviteOutcome Failed(InviteParticipantsOperation operation, ResultInfo? resultInfo, OutcomeSource source, TimeSpan elapsed, string? why)
    {
        operation.Status = OperationStatus.Failed;
        operation.ResultInfo = resultInfo ?? operation.ResultInfo;
        var message = why ?? $"Invite operation {operation.Id} on call {operation.CallId} failed" +
            (resultInfo is null ? "." : $": code {resultInfo.Code}, subcode {resultInfo.Subcode}: {resultInfo.Message}");
        return new InviteOutcome
        {
            Operation = operation,
            Status = InviteOutcomeStatus.Failed,
            ResultInfo = operation.ResultInfo,
            Source = source,
            Elapsed = elapsed,
            Error = new InviteFailedException(message, operation.ResultInfo, operation),
        };
    }

    private static InviteOutcome CallEnded(InviteParticipantsOperation operation, TimeSpan elapsed, string message) => new()
    {
        Operation = operation,
        Status = InviteOutcomeStatus.CallEnded,
        ResultInfo = operation.ResultInfo,
        Source = OutcomeSource.Poll,
        Elapsed = elapsed,
        Error = new CommsInviteException(ErrorIds.CallEnded, FailureCategory.InvalidOperation, message, operation),
    };

    private static InviteOutcome TimedOut(InviteParticipantsOperation operation, TimeSpan timeout, TimeSpan elapsed) => new()
    {
        Operation = operation,
        Status = InviteOutcomeStatus.TimedOut,
        ResultInfo = operation.ResultInfo,
        Source = OutcomeSource.Poll,
        Elapsed = elapsed,
        Error = new CommsInviteException(
            ErrorIds.InviteWaitTimedOut,
            FailureCategory.OperationTimeout,
            $"Invite operation {operation.Id} on call {operation.CallId} did not finish within {timeout.TotalSeconds:F0} s (last status {OperationStatusConverter.Format(operation.Status)}).",
            operation),
    };

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

    private sealed class ProgressTracker
    {
        private readonly int _total;
        private readonly TimeSpan _timeout;
        private readonly Stopwatch _clock;
        private readonly IProgress<WaitProgress>? _progress;
        private int _completed;
        private int _failed;

        public ProgressTracker(int total, TimeSpan timeout, Stopwatch clock, IProgress<WaitProgress>? progress)
        {
            _total = total;
            _timeout = timeout;
            _clock = clock;
            _progress = progress;
        }

        public void Finished(InviteOutcome outcome)
        {
            if (outcome.Status == InviteOutcomeStatus.Completed)
            {
                Interlocked.Increment(ref _completed);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }

            Report(outcome.OperationId, $"Operation {outcome.OperationId}: {outcome.Status}.");
        }

        public void Report(string? operationId, string message)
        {
            _progress?.Report(new WaitProgress
            {
                Total = _total,
                Completed = Volatile.Read(ref _completed),
                Failed = Volatile.Read(ref _failed),
                Elapsed = _clock.Elapsed,
                Timeout = _timeout,
                OperationId = operationId,
                Message = message,
            });
        }
    }
}
