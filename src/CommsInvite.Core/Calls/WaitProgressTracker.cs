using System;
using System.Diagnostics;
using System.Threading;

namespace CommsInvite.Core.Calls;

/// <summary>Counts finished operations and turns the waiter's events into <see cref="WaitProgress"/> reports.</summary>
internal sealed class WaitProgressTracker
{
    private readonly int _total;
    private readonly TimeSpan _timeout;
    private readonly Stopwatch _clock;
    private readonly IProgress<WaitProgress>? _progress;
    private int _completed;
    private int _failed;

    public WaitProgressTracker(int total, TimeSpan timeout, Stopwatch clock, IProgress<WaitProgress>? progress)
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
