using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// A cmdlet whose work is asynchronous. PowerShell allows only the pipeline thread to write to the pipeline, so
/// the work runs on a task and queues every write (objects, errors, verbose, debug, warnings, progress,
/// ShouldProcess questions) while the pipeline thread drains the queue until the task ends. Nothing blocks on a
/// task without pumping that queue. StopProcessing (Ctrl+C) cancels <see cref="StopToken"/>, which every request
/// receives, so in-flight HTTP calls end at once.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pending;
    private bool _disposed;

    /// <summary>Cancelled when the pipeline stops (Ctrl+C, or a downstream command that has all it needs).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void BeginProcessing() => RunBlock(BeginProcessingAsync);

    protected override void ProcessRecord() => RunBlock(ProcessRecordAsync);

    protected override void EndProcessing() => RunBlock(EndProcessingAsync);

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        _pending?.CompleteAdding();
    }

    protected virtual Task BeginProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task EndProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called on the pipeline thread just before and after a block's task runs.</summary>
    protected virtual void OnBlockStarting()
    {
    }

    protected virtual void OnBlockFinished()
    {
    }

    // The Queue* methods may be called from any thread while a block runs.
    protected void QueueObject(object? value, bool enumerateCollection = false) =>
        Enqueue(() => WriteObject(value, enumerateCollection));

    protected void QueueError(ErrorRecord record) => Enqueue(() => WriteError(record));

    protected void QueueError(CommsInviteException exception) => QueueError(ErrorRecords.From(exception));

    /// <summary>
    /// Runs one pipeline record's work. A failure that concerns this record alone (an id that names nothing, a call
    /// that has ended, a number not in the tenant, a refusal by the service) is written as this record's
    /// non-terminating error with its stable id, and the pipeline goes on with the next record, as Get-Item does for
    /// a path that does not exist. Bad input (a <see cref="CommsValidationException"/>) and a stopped pipeline still
    /// end the command: PowerShell's rule is that an error is terminating only when nothing can go on.
    /// </summary>
    protected async Task PerRecordAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }

    protected void QueueVerbose(string message) => Enqueue(() => WriteVerbose(message));

    protected void QueueDebug(string message) => Enqueue(() => WriteDebug(message));

    protected void QueueWarning(string message) => Enqueue(() => WriteWarning(message));

    /// <summary>
    /// A message for the person at the host, as Write-Host writes it: the Information stream with the PSHOST tag, so
    /// the host shows it, 6> can capture it, and it never mixes with the output a variable receives.
    /// </summary>
    protected void QueueHostMessage(string message) =>
        Enqueue(() => WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST" }));

    protected internal void QueueProgress(ProgressRecord record) => Enqueue(() => WriteProgress(record));

    /// <summary>Asks ShouldProcess on the pipeline thread (-WhatIf prints there, -Confirm prompts there).</summary>
    protected Task<bool> ShouldProcessAsync(string target, string action)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(() =>
        {
            try
            {
                answer.TrySetResult(ShouldProcess(target, action));
            }
            catch (Exception ex)
            {
                answer.TrySetException(ex);
                throw;
            }
        });
        return answer.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the pipeline thread (where PowerShell commands may be invoked, e.g. another
    /// module's cmdlets) and hands its result back to the task.
    /// </summary>
    protected internal Task<T> OnPipelineThreadAsync<T>(Func<T> work)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(() =>
        {
            try
            {
                answer.TrySetResult(work());
            }
            catch (PipelineStoppedException ex)
            {
                answer.TrySetException(ex);
                throw;
            }
            catch (Exception ex)
            {
                answer.TrySetException(ex);
            }
        });
        return answer.Task;
    }

    private void Enqueue(Action write)
    {
        var pending = _pending ?? throw new InvalidOperationException("Pipeline writes are only possible while a cmdlet block runs.");
        try
        {
            pending.Add(write);
        }
        catch (InvalidOperationException)
        {
            // The queue is closed: the pipeline is stopping, so the work must stop too.
            throw new OperationCanceledException(_stopping.Token);
        }
    }

    private void RunBlock(Func<CancellationToken, Task> block)
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        var pending = new BlockingCollection<Action>();
        _pending = pending;
        OnBlockStarting();
        try
        {
            var work = Start(block);

            // Close the queue only once the task has really ended (a continuation, not a finally inside it), so
            // that when the loop below runs out, the task's outcome is already there to read without blocking.
            _ = work.ContinueWith(
                static (_, queue) => ((BlockingCollection<Action>)queue!).CompleteAdding(),
                pending,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

            try
            {
                foreach (var write in pending.GetConsumingEnumerable(_stopping.Token))
                {
                    write();
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch
            {
                // A write failed on this thread (a downstream command stopped the pipeline, -Confirm said
                // "No to All" with an error...): the work has nobody left to write to.
                _stopping.Cancel();
                throw;
            }

            Finish(work);
        }
        finally
        {
            _pending = null;
            OnBlockFinished();
        }
    }

    /// <summary>
    /// Runs the block on this (the pipeline) thread up to its first await that does not complete at once, as any
    /// async method starts; the rest runs on the thread pool. A block with nothing to wait for (the default
    /// Begin/End blocks, -WhatIf, input refused before any request) so never leaves the pipeline thread, and one
    /// that sends a request hands over once instead of twice: each hand-over between the pipeline thread and the
    /// pool costs a thread wake-up, which is most of a cmdlet call's overhead on a busy machine.
    /// </summary>
    private Task Start(Func<CancellationToken, Task> block)
    {
        // Continuations must never be posted back to this thread: it is blocked pumping the queue until the work
        // ends. Without a synchronization context (whatever the host installed), awaits resume on the pool.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return block(_stopping.Token);
        }
        catch (Exception ex)
        {
            // A block that is not an async method may throw before returning a task: report it the same way.
            return Task.FromException(ex);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void Finish(Task work)
    {
        if (work.IsCanceled)
        {
            throw new PipelineStoppedException();
        }

        if (!work.IsFaulted)
        {
            return;
        }

        var exception = work.Exception!.GetBaseException();
        switch (exception)
        {
            case OperationCanceledException when _stopping.IsCancellationRequested:
                throw new PipelineStoppedException();
            case CommsInviteException comms:
                ThrowTerminatingError(ErrorRecords.From(comms));
                return;
            default:
                ExceptionDispatchInfo.Capture(exception).Throw();
                return;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
