using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// The accepted notifications waiting to be read: a bounded queue (oldest dropped, and counted, beyond its
/// capacity) and the receivers waiting for the next one. Pure logic, no sockets.
/// </summary>
internal sealed class NotificationInbox
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly LinkedList<CommsNotification> _queue = new();
    private readonly LinkedList<TaskCompletionSource<CommsNotification?>> _receivers = new();
    private long _dropped;
    private bool _closed;

    public NotificationInbox(int capacity)
    {
        _capacity = capacity;
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Hands each notification to a waiting receiver, or queues it.</summary>
    public void Add(IReadOnlyList<CommsNotification> notifications)
    {
        var deliveries = new List<(TaskCompletionSource<CommsNotification?> Receiver, CommsNotification Notification)>();
        lock (_gate)
        {
            foreach (var notification in notifications)
            {
                if (_receivers.First is { } receiver)
                {
                    _receivers.RemoveFirst();
                    deliveries.Add((receiver.Value, notification));
                    continue;
                }

                Enqueue(notification);
            }
        }

        foreach (var (receiver, notification) in deliveries)
        {
            if (!receiver.TrySetResult(notification))
            {
                // The receiver gave up at the same moment; keep the notification for others.
                lock (_gate)
                {
                    _queue.AddFirst(notification);
                }
            }
        }
    }

    public IReadOnlyList<CommsNotification> Peek()
    {
        lock (_gate)
        {
            return new List<CommsNotification>(_queue);
        }
    }

    public IReadOnlyList<CommsNotification> Drain(int maxCount)
    {
        var drained = new List<CommsNotification>();
        lock (_gate)
        {
            while (drained.Count < maxCount && _queue.First is { } first)
            {
                drained.Add(first.Value);
                _queue.RemoveFirst();
            }
        }

        return drained;
    }

    /// <summary>The oldest notification, waiting up to <paramref name="timeout"/>; null on timeout or once closed.</summary>
    public async Task<CommsNotification?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource<CommsNotification?> receiver;
        LinkedListNode<TaskCompletionSource<CommsNotification?>> node;
        lock (_gate)
        {
            if (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                return first.Value;
            }

            if (_closed || timeout <= TimeSpan.Zero)
            {
                return null;
            }

            receiver = new TaskCompletionSource<CommsNotification?>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _receivers.AddLast(receiver);
        }

        try
        {
            return await TaskWaits.WaitAsync(receiver.Task, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _receivers.Remove(node);
                }
            }
        }
    }

    /// <summary>Ends every pending receive with null; later receives return what is queued, else null at once.</summary>
    public void Close()
    {
        List<TaskCompletionSource<CommsNotification?>> receivers;
        lock (_gate)
        {
            _closed = true;
            receivers = new List<TaskCompletionSource<CommsNotification?>>(_receivers);
            _receivers.Clear();
        }

        foreach (var receiver in receivers)
        {
            receiver.TrySetResult(null);
        }
    }

    private void Enqueue(CommsNotification notification)
    {
        _queue.AddLast(notification);
        while (_queue.Count > _capacity)
        {
            _queue.RemoveFirst();
            Interlocked.Increment(ref _dropped);
        }
    }
}

/// <summary>Waiting on a task with a timeout and cancellation, on netstandard2.0 (no Task.WaitAsync).</summary>
internal static class TaskWaits
{
    /// <summary>The task's result, or null when <paramref name="timeout"/> passes first; throws when cancelled.</summary>
    public static async Task<T?> WaitAsync<T>(Task<T?> task, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Task.Delay takes at most int.MaxValue milliseconds; longer means "until cancelled or stopped".
        var delay = Task.Delay(
            timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds > int.MaxValue ? Timeout.InfiniteTimeSpan : timeout,
            delayCancellation.Token);
        var finished = await Task.WhenAny(task, delay).ConfigureAwait(false);
        delayCancellation.Cancel();
        if (finished == task)
        {
            return await task.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }
}
