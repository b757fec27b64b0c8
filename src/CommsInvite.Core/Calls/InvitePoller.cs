using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>
/// Decides one invite operation by polling its call and the call's roster (read once per round for every operation on
/// the call, by <see cref="CallRoundReader"/>), and the operation itself, where the service serves it, only when the
/// roster cannot decide. A poll that fails after the connection's own retries is not the invite failing: it is tried
/// again at the next interval until the timeout, and only then does the operation get an error, naming the last failure.
/// </summary>
internal sealed class InvitePoller
{
    private readonly CallsClient _calls;
    private readonly CallRoundReader _reader;
    private readonly ILogSink _log;
    private readonly InviteParticipantsOperation _operation;
    private readonly IReadOnlyList<InvitationParticipantInfo> _invitees;
    private readonly HashSet<string> _seenRinging = new(StringComparer.Ordinal);
    private readonly PollRecord _record = new();
    private bool _operationServed;
    private long _lastRound = -1;

    public InvitePoller(CallsClient calls, CallRoundReader reader, ILogSink log, InviteParticipantsOperation operation, IReadOnlyList<InvitationParticipantInfo> invitees)
    {
        _calls = calls;
        _reader = reader;
        _log = log;
        _operation = operation;
        _invitees = invitees;
        _operationServed = !string.IsNullOrEmpty(operation.Id);
    }

    /// <summary>
    /// Polls every <see cref="WaitOptions.PollInterval"/> until the operation is decided or <see cref="WaitOptions.Timeout"/>
    /// (counted from <paramref name="started"/>) runs out. <paramref name="throttle"/> bounds the polls in flight across
    /// all operations. Throws only OperationCanceledException, when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<InviteOutcome> PollAsync(WaitOptions options, TimeSpan started, Stopwatch clock, SemaphoreSlim throttle, WaitProgressTracker tracker, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            var pollStarted = clock.Elapsed;
            try
            {
                var remaining = options.Timeout - (pollStarted - started);
                if (remaining <= TimeSpan.Zero)
                {
                    return InviteOutcomes.Unresolved(_operation, options.Timeout, pollStarted - started, _record);
                }

                var outcome = await PollWithinAsync(remaining, pollStarted, started, clock, tracker, cancellationToken).ConfigureAwait(false);
                if (outcome is not null)
                {
                    return outcome;
                }
            }
            finally
            {
                throttle.Release();
            }

            var elapsed = clock.Elapsed - started;
            if (elapsed >= options.Timeout)
            {
                return InviteOutcomes.Unresolved(_operation, options.Timeout, elapsed, _record);
            }

            // Polls start one interval apart (not one interval after the last poll ended), so an outcome is
            // learnt at most one interval after it happened, however long the poll's own requests took.
            var wait = options.PollInterval - (clock.Elapsed - pollStarted);
            if (wait < TimeSpan.Zero)
            {
                wait = TimeSpan.Zero;
            }

            if (elapsed + wait > options.Timeout)
            {
                wait = options.Timeout - elapsed;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One poll, cut off when the wait's time runs out; null when the operation is not decided yet.</summary>
    private async Task<InviteOutcome?> PollWithinAsync(TimeSpan remaining, TimeSpan pollStarted, TimeSpan started, Stopwatch clock, WaitProgressTracker tracker, CancellationToken cancellationToken)
    {
        _record.Polls++;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(remaining);
        try
        {
            var outcome = await PollOnceAsync(pollStarted, started, clock, tracker, deadline.Token).ConfigureAwait(false);
            _record.LastPollFailed = false;
            _record.LastPollCutOff = false;
            return outcome;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait's timeout, not Ctrl+C: a poll still retrying (a long Retry-After) must not outlive the wait.
            // LastPollFailed keeps what the poll before it learnt: that failure is still the best-known cause.
            _record.LastPollCutOff = true;
            return null;
        }
        catch (CommsInviteException ex)
        {
            // Whatever it was (a reset, throttling, a second 401 in a row, a truncated body), the next poll may see
            // through it; the operation is only given up on when its time runs out.
            _record.FailedPolls++;
            _record.LastFailure = ex;
            _record.LastPollFailed = true;
            _record.LastPollCutOff = false;
            _log.Debug($"Poll {_record.Polls} of operation {_operation.Id} failed ({ex.ErrorId}: {ex.Message}); trying again at the next interval.");
            return null;
        }
    }

    private async Task<InviteOutcome?> PollOnceAsync(TimeSpan pollStarted, TimeSpan started, Stopwatch clock, WaitProgressTracker tracker, CancellationToken cancellationToken)
    {
        var operation = _operation;
        var callId = operation.CallId!;
        var snapshot = await _reader.ReadAsync(callId, operation.ApiVersion, pollStarted, ref _lastRound, cancellationToken).ConfigureAwait(false);
        if (snapshot.NotFound is { } gone)
        {
            return InviteOutcomes.CallEnded(operation, clock.Elapsed - started, $"Call {callId} ended (not found: request-id {gone.RequestId}) before operation {operation.Id} completed.");
        }

        if (string.Equals(snapshot.Call?.State, "terminated", StringComparison.OrdinalIgnoreCase))
        {
            return InviteOutcomes.CallEnded(operation, clock.Elapsed - started, $"Call {callId} was terminated before operation {operation.Id} completed.");
        }

        var byKey = new Dictionary<string, Participant>(StringComparer.Ordinal);
        foreach (var participant in snapshot.Roster)
        {
            var key = participant.Info.Identity.Key;
            if (!byKey.ContainsKey(key))
            {
                byKey[key] = participant;
            }
        }

        var joined = new List<Participant>();
        string? removed = null;
        var unseen = 0;
        foreach (var invitee in _invitees)
        {
            var key = invitee.Identity.Key;
            if (byKey.TryGetValue(key, out var entry))
            {
                _seenRinging.Add(key);
                if (entry.MediaStreams.Count > 0)
                {
                    joined.Add(entry);
                }
            }
            else if (_seenRinging.Contains(key))
            {
                removed = invitee.Identity.ToString();
            }
            else
            {
                unseen++;
            }
        }

        if (joined.Count == _invitees.Count)
        {
            return InviteOutcomes.Completed(operation, joined, OutcomeSource.Poll, clock.Elapsed - started);
        }

        if (removed is not null)
        {
            if (_operationServed)
            {
                // The roster says the invite failed; the operation says why (its resultInfo).
                var final = await _calls.GetOperationAsync(callId, operation.Id!, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
                if (final is not null)
                {
                    InviteWaiter.Merge(operation, final);
                }
            }

            return InviteOutcomes.Failed(operation, operation.ResultInfo, OutcomeSource.Poll, clock.Elapsed - started, $"{removed} left the roster of call {callId} after ringing: the invite was declined or not answered.");
        }

        if (unseen > 0 && _operationServed)
        {
            // An invitee the roster has never shown: not yet added, or failed before a poll saw them ring (no PSTN
            // sponsor, an unknown user). Only the operation can tell which; ringing invitees need no such read.
            var served = await _calls.GetOperationAsync(callId, operation.Id!, operation.ApiVersion, cancellationToken).ConfigureAwait(false);
            if (served is null)
            {
                // Not served (the real service does not document it): the roster alone decides from now on.
                _operationServed = false;
                _log.Debug($"GET of operation {operation.Id} is not served; deciding from the roster.");
            }
            else
            {
                InviteWaiter.Merge(operation, served);
                if (served.Status == OperationStatus.Failed)
                {
                    return InviteOutcomes.Failed(operation, served.ResultInfo, OutcomeSource.Poll, clock.Elapsed - started, null);
                }

                if (served.Status == OperationStatus.Completed)
                {
                    // The operation says done while the roster lags: trust the operation.
                    return InviteOutcomes.Completed(operation, joined, OutcomeSource.Poll, clock.Elapsed - started);
                }
            }
        }

        tracker.Report(operation.Id, $"Call {callId}: {joined.Count} of {_invitees.Count} joined, {_seenRinging.Count - joined.Count} ringing (poll {_record.Polls}).");
        return null;
    }
}
