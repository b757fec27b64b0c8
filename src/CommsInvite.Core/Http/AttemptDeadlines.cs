using System;
using System.Diagnostics;
using System.Threading;

namespace CommsInvite.Core.Http;

/// <summary>
/// Cancellation tokens for the per-attempt timeout, shared by every attempt that starts within the same short window.
/// </summary>
/// <remarks>
/// A timer per request (CancelAfter) is added to and removed from the runtime's timer queue on every attempt, and when
/// the queue is otherwise empty that re-arms the timer thread: a system call and a thread wake-up per request, which
/// measurably slows a stream of invites on a small machine. Instead, all attempts that start in the same window (a
/// sixteenth of the timeout, at most one second) share one source that fires one timeout after the window ends. An
/// attempt is therefore cancelled between <c>timeout</c> and <c>timeout + window</c> after it started, never earlier.
/// </remarks>
internal sealed class AttemptDeadlines
{
    private static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _timeout;
    private readonly bool _never;
    private readonly long _windowTicks;
    private readonly object _gate = new();
    private Window? _current;

    public AttemptDeadlines(TimeSpan timeout)
    {
        _timeout = timeout;

        // Timers take at most int.MaxValue milliseconds (about 24.8 days); anything longer is as good as never.
        _never = timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds >= int.MaxValue - MaxWindow.TotalMilliseconds;
        var window = _never ? MaxWindow : TimeSpan.FromTicks(Math.Min(MaxWindow.Ticks, Math.Max(TimeSpan.TicksPerMillisecond, timeout.Ticks / 16)));
        _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
        WindowLength = window;
    }

    /// <summary>How much later than the timeout an attempt may be cancelled.</summary>
    public TimeSpan WindowLength { get; }

    /// <summary>A token that is cancelled no sooner than the timeout from now.</summary>
    public CancellationToken Current()
    {
        if (_never)
        {
            return CancellationToken.None;
        }

        var index = Stopwatch.GetTimestamp() / _windowTicks;
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Index == index)
        {
            return current.Token;
        }

        lock (_gate)
        {
            current = _current;
            if (current is null || current.Index != index)
            {
                // Fires one timeout after the end of this window, so the last attempt to start in it gets its full time.
                // The source is not disposed: once it fires its timer is gone, and attempts may still hold its token.
                var source = new CancellationTokenSource(_timeout + WindowLength);
                current = new Window(index, source.Token);
                Volatile.Write(ref _current, current);
            }

            return current.Token;
        }
    }

    private sealed class Window
    {
        public Window(long index, CancellationToken token)
        {
            Index = index;
            Token = token;
        }

        public long Index { get; }

        public CancellationToken Token { get; }
    }
}
