using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// Remembers the invite operations that ended (from their final notifications) and completes the waiters for
/// them; a waiter that starts after the notification arrived is answered at once. Pure logic, no sockets.
/// </summary>
internal sealed class OperationCompletionRegistry
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly Dictionary<string, InviteParticipantsOperation> _finalOperations = new(StringComparer.Ordinal);
    private readonly Queue<string> _finalOperationOrder = new();
    private readonly Dictionary<string, List<TaskCompletionSource<InviteParticipantsOperation?>>> _waiters = new(StringComparer.Ordinal);
    private bool _closed;

    /// <param name="capacity">Final operations remembered; beyond it the oldest are forgotten.</param>
    public OperationCompletionRegistry(int capacity)
    {
        _capacity = capacity;
    }

    /// <summary>Records the final operations among <paramref name="notifications"/> and completes their waiters.</summary>
    public void Observe(IEnumerable<CommsNotification> notifications)
    {
        var completions = new List<(TaskCompletionSource<InviteParticipantsOperation?> Waiter, InviteParticipantsOperation Operation)>();
        lock (_gate)
        {
            foreach (var notification in notifications)
            {
                if (notification is not OperationNotification { IsFinal: true, CallId: { } callId } operation)
                {
                    continue;
                }

                if (operation.OperationId is { } operationId)
                {
                    Remember(OperationKey(callId, operationId), operation.Operation, completions);
                }
                else if (!string.IsNullOrEmpty(operation.ClientContext))
                {
                    // Only id-less operations are matched by client context: a caller may reuse one
                    // context for several invites, and an id says which one ended.
                    Remember(ClientContextKey(callId, operation.ClientContext!), operation.Operation, completions);
                }
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but this keeps the lock short.
        foreach (var (waiter, operation) in completions)
        {
            waiter.TrySetResult(operation);
        }
    }

    /// <summary>
    /// The final operation <paramref name="operationId"/> of call <paramref name="callId"/> (or the id-less one carrying
    /// <paramref name="clientContext"/>), with its id filled in; null on timeout or once closed.
    /// </summary>
    public async Task<InviteParticipantsOperation?> WaitAsync(
        string callId, string operationId, string? clientContext, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var keys = new List<string> { OperationKey(callId, operationId) };
        if (!string.IsNullOrEmpty(clientContext))
        {
            keys.Add(ClientContextKey(callId, clientContext!));
        }

        TaskCompletionSource<InviteParticipantsOperation?> waiter;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_finalOperations.TryGetValue(key, out var known))
                {
                    return WithId(known, operationId);
                }
            }

            if (_closed || timeout <= TimeSpan.Zero)
            {
                return null;
            }

            waiter = new TaskCompletionSource<InviteParticipantsOperation?>(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var key in keys)
            {
                if (!_waiters.TryGetValue(key, out var waiters))
                {
                    waiters = new List<TaskCompletionSource<InviteParticipantsOperation?>>();
                    _waiters[key] = waiters;
                }

                waiters.Add(waiter);
            }
        }

        try
        {
            var operation = await TaskWaits.WaitAsync(waiter.Task, timeout, cancellationToken).ConfigureAwait(false);
            return operation is null ? null : WithId(operation, operationId);
        }
        finally
        {
            lock (_gate)
            {
                foreach (var key in keys)
                {
                    if (_waiters.TryGetValue(key, out var waiters))
                    {
                        waiters.Remove(waiter);
                        if (waiters.Count == 0)
                        {
                            _waiters.Remove(key);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Ends every pending wait with null; later waits answer from what is remembered, else null at once.</summary>
    public void Close()
    {
        var waiters = new List<TaskCompletionSource<InviteParticipantsOperation?>>();
        lock (_gate)
        {
            _closed = true;
            foreach (var list in _waiters.Values)
            {
                waiters.AddRange(list);
            }
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(null);
        }
    }

    /// <summary>Records a final operation under one key and collects the waiters to complete. Call under the lock.</summary>
    private void Remember(
        string key,
        InviteParticipantsOperation operation,
        List<(TaskCompletionSource<InviteParticipantsOperation?> Waiter, InviteParticipantsOperation Operation)> completions)
    {
        if (!_finalOperations.ContainsKey(key))
        {
            _finalOperationOrder.Enqueue(key);
            while (_finalOperationOrder.Count > _capacity)
            {
                _finalOperations.Remove(_finalOperationOrder.Dequeue());
            }
        }

        _finalOperations[key] = operation;
        if (_waiters.TryGetValue(key, out var waiters))
        {
            foreach (var waiter in waiters)
            {
                completions.Add((waiter, operation));
            }
        }
    }

    /// <summary>The stored operation is shared between waiters, so an id is filled into a copy.</summary>
    private static InviteParticipantsOperation WithId(InviteParticipantsOperation operation, string operationId) =>
        operation.Id is not null
            ? operation
            : new InviteParticipantsOperation
            {
                ODataType = operation.ODataType,
                Id = operationId,
                Status = operation.Status,
                ClientContext = operation.ClientContext,
                ResultInfo = operation.ResultInfo,
                Participants = operation.Participants,
                CallId = operation.CallId,
                Location = operation.Location,
                ApiVersion = operation.ApiVersion,
            };

    private static string OperationKey(string callId, string operationId) =>
        "id:" + callId.Trim().ToLowerInvariant() + "/" + operationId.Trim().ToLowerInvariant();

    // Client contexts are opaque strings chosen by the client: compared exactly.
    private static string ClientContextKey(string callId, string clientContext) =>
        "context:" + callId.Trim().ToLowerInvariant() + "/" + clientContext;
}
