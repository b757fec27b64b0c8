using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Commands;

/// <summary>
/// Wait-CsGraphInviteOperation: collects the operations piped in (from Invoke-CsGraphParticipantInvite), waits on
/// all of them together behind one progress bar, and emits one outcome each; a failed, timed-out or ended one
/// also writes a non-terminating error (InviteOperationFailed carries the service's code and subcode).
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "CsGraphInviteOperation")]
[OutputType(typeof(InviteOutcome))]
public sealed class WaitCsGraphInviteOperationCommand : InviteWaitingCmdlet
{
    private readonly List<InviteParticipantsOperation> _operations = new();
    private WaitOptions? _options;
    private NotificationListenerInfo? _listener;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public InviteParticipantsOperation[] Operation { get; set; } = Array.Empty<InviteParticipantsOperation>();

    /// <summary>How long to wait for all of them (seconds or a TimeSpan); 120 s by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    /// <summary>How often the call and its roster are read (seconds or a TimeSpan); 2 s by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// Auto (the default): with this session's notification listener running, an operation completes as soon as its
    /// notification arrives, and polling runs alongside as the fallback. Notification: only the listener decides (it
    /// must be running). Poll: only polling.
    /// </summary>
    [Parameter]
    public WaitStrategy Strategy { get; set; } = WaitStrategy.Auto;

    /// <summary>How many operations are waited on (polled) at once, 1 to 64; 5 by default.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 5;

    protected override void BeginProcessing()
    {
        // The listener lives per runspace, and Runspace.DefaultRunspace is only set on the pipeline thread.
        _listener = NotificationListenerStore.GetRunning(Runspace.DefaultRunspace);
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (Strategy == WaitStrategy.Notification && _listener is null)
        {
            // Refused before anything is waited on: without a listener this wait could only time out.
            throw new CommsInviteException(
                CommandErrorIds.Notifications.NotificationListenerNotRunning,
                FailureCategory.InvalidOperation,
                "-Strategy Notification needs a notification listener running in this session: run Start-CsGraphNotificationListener first " +
                "(and use its Uri as the call's callbackUri), or use -Strategy Auto or Poll.",
                Strategy);
        }

        _options = BuildWaitOptions(Timeout, PollInterval);
        _options.Strategy = Strategy;
        _options.ThrottleLimit = ThrottleLimit;
        _options.NotificationSource = Strategy == WaitStrategy.Poll ? null : _listener?.Listener;
        _options.Validate();
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        foreach (var operation in Operation)
        {
            if (operation is not null && !_operations.Contains(operation))
            {
                _operations.Add(operation);
                Session.RememberCall(operation.CallId);
            }
        }

        return Task.CompletedTask;
    }

    protected override Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var how = _options!.NotificationSource is null ? "polling" : $"notifications from {_listener!.Uri}" + (Strategy == WaitStrategy.Auto ? " and polling" : string.Empty);
        QueueVerbose($"Waiting for {_operations.Count} invite operation(s) by {how}, at most {_options.Timeout.TotalSeconds:0.#} s, {_options.ThrottleLimit} at a time.");
        return WaitAndReportAsync(_operations, _options, cancellationToken);
    }
}
