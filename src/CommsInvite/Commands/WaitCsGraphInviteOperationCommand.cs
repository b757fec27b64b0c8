using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
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

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _options = BuildWaitOptions(Timeout, PollInterval);
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
        QueueVerbose($"Waiting for {_operations.Count} invite operation(s), at most {_options!.Timeout.TotalSeconds:0.#} s.");
        return WaitAndReportAsync(_operations, _options, cancellationToken);
    }
}
