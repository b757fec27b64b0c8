using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>What one polling round read of a call: the call, and its roster unless the call has ended.</summary>
internal sealed class CallSnapshot
{
    /// <summary>The call, or null when it is gone (<see cref="NotFound"/> says how the service answered).</summary>
    public Call? Call { get; init; }

    public GraphServiceException? NotFound { get; init; }

    /// <summary>The roster; empty when the call is gone or terminated (it was not read then).</summary>
    public IReadOnlyList<Participant> Roster { get; init; } = Array.Empty<Participant>();
}

/// <summary>
/// Reads each call a wait polls once per polling round, whatever the number of operations waiting on it: every
/// operation's poll in the same round (the same <see cref="WaitOptions.PollInterval"/> window of the wait's clock)
/// shares one GET of the call and one of its roster, and a failure of that read is every such poll's failure. So
/// the cost of polling follows the number of calls, not of operations, which is what Graph's throttling counts.
/// </summary>
/// <remarks>
/// A read belongs to the wait, not to the poll that started it: a poll cut off by its operation's timeout, or by a
/// notification that decided it, stops waiting for the read but does not cancel it for the others. Disposing the
/// reader (when the wait ends) cancels whatever is still in flight.
/// </remarks>
internal sealed class CallRoundReader : IDisposable
{
    private readonly CallsClient _calls;
    private readonly long _intervalTicks;
    private readonly CancellationTokenSource _stop;
    private readonly object _gate = new();
    private readonly Dictionary<string, (long Round, Task<CallSnapshot> Read)> _latest = new(StringComparer.Ordinal);

    public CallRoundReader(CallsClient calls, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        _calls = calls;
        _intervalTicks = Math.Max(1, pollInterval.Ticks);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>
    /// The snapshot of <paramref name="callId"/> for the round that <paramref name="pollStarted"/> (on the wait's clock)
    /// falls in: read now by the first poll of the round, shared by the others. Throws what the read threw (a call
    /// that is gone is a snapshot, not an exception), or OperationCanceledException when
    /// <paramref name="cancellationToken"/> ends this poll's wait first.
    /// </summary>
    /// <param name="lastRound">
    /// The round of the caller's previous snapshot (-1 before its first), updated to this one's: a poll is never
    /// handed the snapshot its previous poll already saw, whatever the timer's jitter did to its start.
    /// </param>
    public Task<CallSnapshot> ReadAsync(string callId, string apiVersion, TimeSpan pollStarted, ref long lastRound, CancellationToken cancellationToken)
    {
        // Polls start about a whole number of intervals after the wait did, a little late: rounds are centred on those
        // moments (half an interval either side) so that a poll's jitter does not move it into another round.
        var round = Math.Max((pollStarted.Ticks + (_intervalTicks / 2)) / _intervalTicks, lastRound + 1);
        var key = apiVersion + "|" + callId;
        Task<CallSnapshot> read;
        lock (_gate)
        {
            if (!_latest.TryGetValue(key, out var latest) || latest.Round < round)
            {
                read = FetchAsync(callId, apiVersion, _stop.Token);

                // Observed here so a read whose polls were all cut off does not surface as an unobserved exception.
                _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _latest[key] = (round, read);
            }
            else
            {
                read = latest.Read;
                round = latest.Round;
            }
        }

        lastRound = round;
        return WithCancellation(read, cancellationToken);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task<CallSnapshot> FetchAsync(string callId, string apiVersion, CancellationToken cancellationToken)
    {
        // Leave the first poller's lock-free path at once: the read runs on its own, whoever waits for it.
        await Task.Yield();
        Call call;
        try
        {
            call = await _calls.GetCallAsync(callId, apiVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (GraphServiceException ex) when (ex.ErrorId == ErrorIds.Calls.CallNotFound)
        {
            return new CallSnapshot { NotFound = ex };
        }

        if (string.Equals(call.State, "terminated", StringComparison.OrdinalIgnoreCase))
        {
            return new CallSnapshot { Call = call };
        }

        var roster = await _calls.ListParticipantsAsync(callId, apiVersion, cancellationToken).ConfigureAwait(false);
        return new CallSnapshot { Call = call, Roster = roster };
    }

    private static async Task<T> WithCancellation<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted && cancellationToken.CanBeCanceled)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        return await task.ConfigureAwait(false);
    }
}
