using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>Waiting on invite operations, shared by Wait-CsGraphInviteOperation and Invoke-... -Wait.</summary>
public abstract class InviteWaitingCmdlet : GraphSessionCmdlet
{
    private const int ProgressActivityId = 0x1C0;

    /// <summary>Checked before anything is sent, so a bad -Timeout never leaves invites half done.</summary>
    private protected static WaitOptions BuildWaitOptions(TimeSpan? timeout, TimeSpan? pollInterval)
    {
        var options = new WaitOptions();
        if (timeout is { } t)
        {
            options.Timeout = t;
        }

        if (pollInterval is { } p)
        {
            options.PollInterval = p;
        }

        options.Validate();
        return options;
    }

    /// <summary>
    /// Waits on every operation at once behind one progress bar and emits one outcome per operation, in input order,
    /// each as soon as it and those before it are known, with a non-terminating error for each that did not complete.
    /// Outcomes emitted before Ctrl+C stay emitted.
    /// </summary>
    private protected async Task WaitAndReportAsync(IReadOnlyList<InviteParticipantsOperation> operations, WaitOptions options, CancellationToken cancellationToken)
    {
        if (operations.Count == 0)
        {
            return;
        }

        const string activity = "Waiting for invited participants to join";
        var progress = new QueuedProgress(this, activity);
        try
        {
            await new InviteWaiter(Connection).WaitAsync(operations, options, progress, Emit, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                QueueProgress(new ProgressRecord(ProgressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    private void Emit(InviteOutcome outcome)
    {
        QueueObject(outcome);
        if (outcome.Status != InviteOutcomeStatus.Completed)
        {
            QueueError(ErrorFor(outcome));
        }
    }

    private static ErrorRecord ErrorFor(InviteOutcome outcome)
    {
        var exception = outcome.Error ?? outcome.Status switch
        {
            InviteOutcomeStatus.Failed => new InviteFailedException(
                $"Invite operation {outcome.OperationId} on call {outcome.CallId} failed: {outcome.ResultInfo?.Message ?? "no reason given"}.",
                outcome.ResultInfo,
                outcome),
            InviteOutcomeStatus.TimedOut => new CommsInviteException(
                ErrorIds.Calls.InviteWaitTimedOut,
                FailureCategory.OperationTimeout,
                $"Invite operation {outcome.OperationId} on call {outcome.CallId} had not finished after {outcome.Elapsed.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s.",
                outcome),
            _ => new CommsInviteException(
                ErrorIds.Calls.CallEnded,
                FailureCategory.ObjectNotFound,
                $"Call {outcome.CallId} ended before invite operation {outcome.OperationId} finished.",
                outcome),
        };

        var record = ErrorRecords.From(exception);
        if (outcome.ResultInfo is { } result && record.ErrorDetails is null)
        {
            record.ErrorDetails = new ErrorDetails(
                string.Format(CultureInfo.InvariantCulture, "{0} (code {1}, subcode {2}, message: {3})", exception.Message, result.Code, result.Subcode, result.Message));
        }

        if (outcome.DiagnosticCode is { } diagnosticCode && record.ErrorDetails is { } details && details.Message.IndexOf(diagnosticCode, StringComparison.Ordinal) < 0)
        {
            record.ErrorDetails = new ErrorDetails(details.Message + " DiagCode " + diagnosticCode + ".");
        }

        ErrorRecords.Recommend(record, outcome.RecommendedAction);
        return record;
    }

    /// <summary>Turns the waiter's reports into one progress bar, written from the pipeline thread.</summary>
    private sealed class QueuedProgress : IProgress<WaitProgress>
    {
        private readonly InviteWaitingCmdlet _cmdlet;
        private readonly string _activity;

        public QueuedProgress(InviteWaitingCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        public void Report(WaitProgress value)
        {
            var status = string.Format(
                CultureInfo.CurrentCulture,
                "{0} of {1} done ({2} failed), {3:0} s of {4:0} s",
                value.Completed + value.Failed,
                value.Total,
                value.Failed,
                value.Elapsed.TotalSeconds,
                value.Timeout.TotalSeconds);
            var record = new ProgressRecord(ProgressActivityId, _activity, status)
            {
                PercentComplete = value.PercentComplete,
                CurrentOperation = string.IsNullOrEmpty(value.Message) ? null : value.Message,
            };

            try
            {
                _cmdlet.QueueProgress(record);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the bar goes away with the pipeline.
            }
            catch (InvalidOperationException)
            {
                // A late report after the block ended.
            }
        }
    }
}
