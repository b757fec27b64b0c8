using System;
using System.Collections.Generic;
using System.Globalization;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>What polling learnt about its failures, for the error of an operation that ran out of time.</summary>
internal sealed class PollRecord
{
    public int Polls { get; set; }

    public int FailedPolls { get; set; }

    /// <summary>The failure of the most recent failed poll.</summary>
    public CommsInviteException? LastFailure { get; set; }

    /// <summary>Whether the most recent poll that ended failed (a poll cut off by the timeout did not end).</summary>
    public bool LastPollFailed { get; set; }

    /// <summary>Whether the most recent poll was still waiting for an answer (or retrying) when the time ran out.</summary>
    public bool LastPollCutOff { get; set; }
}

/// <summary>Builds the outcomes the waiter returns, each with the error a cmdlet writes for it.</summary>
internal static class InviteOutcomes
{
    public static InviteOutcome Completed(InviteParticipantsOperation operation, IReadOnlyList<Participant> joined, OutcomeSource source, TimeSpan elapsed)
    {
        operation.Status = OperationStatus.Completed;
        return new InviteOutcome { Operation = operation, Status = InviteOutcomeStatus.Completed, ResultInfo = operation.ResultInfo, JoinedParticipants = joined, Source = source, Elapsed = elapsed };
    }

    public static InviteOutcome Failed(InviteParticipantsOperation operation, ResultInfo? resultInfo, OutcomeSource source, TimeSpan elapsed, string? why)
    {
        operation.Status = OperationStatus.Failed;
        operation.ResultInfo = resultInfo ?? operation.ResultInfo;
        var message = why ?? $"Invite operation {operation.Id} on call {operation.CallId} failed" +
            (resultInfo is null ? "." : $": code {resultInfo.Code}, subcode {resultInfo.Subcode}: {resultInfo.Message}");
        return new InviteOutcome
        {
            Operation = operation,
            Status = InviteOutcomeStatus.Failed,
            ResultInfo = operation.ResultInfo,
            Source = source,
            Elapsed = elapsed,
            Error = new InviteFailedException(message, operation.ResultInfo, operation),
        };
    }

    public static InviteOutcome CallEnded(InviteParticipantsOperation operation, TimeSpan elapsed, string message) => new()
    {
        Operation = operation,
        Status = InviteOutcomeStatus.CallEnded,
        ResultInfo = operation.ResultInfo,
        Source = OutcomeSource.Poll,
        Elapsed = elapsed,
        Error = new CommsInviteException(ErrorIds.Calls.CallEnded, FailureCategory.ObjectNotFound, message, operation),
    };

    /// <summary>
    /// Not decided within the timeout. When the last poll failed, the error is InviteWaitPollFailed with the category of
    /// that failure (ConnectionError, LimitsExceeded, AuthenticationError...) and the failure as its inner exception:
    /// the service may well have finished the operation, the client just could not see it. Otherwise it is
    /// InviteWaitTimedOut (OperationTimeout): the operation was seen still running.
    /// </summary>
    public static InviteOutcome Unresolved(InviteParticipantsOperation operation, TimeSpan timeout, TimeSpan elapsed, PollRecord? polls)
    {
        var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var what = $"Invite operation {operation.Id} on call {operation.CallId}";
        CommsInviteException error;
        if (polls is { LastPollFailed: true, LastFailure: { } cause })
        {
            error = new CommsInviteException(
                ErrorIds.Calls.InviteWaitPollFailed,
                cause.Category,
                $"{what} could not be decided within {seconds} s: {polls.FailedPolls} of {Count(polls.Polls, "poll")} failed" +
                (polls.LastPollCutOff ? " and the last was cut off by the timeout" : string.Empty) +
                $"; the last failure: {cause.ErrorId}: {cause.Message}",
                operation,
                cause);
        }
        else
        {
            var message = $"{what} did not finish within {seconds} s (last status {OperationStatusConverter.Format(operation.Status)}).";
            if (polls is { LastPollCutOff: true })
            {
                message += " The last poll had not been answered when the time ran out.";
            }

            if (polls is { FailedPolls: > 0, LastFailure: { } earlier })
            {
                message += $" {polls.FailedPolls} of {Count(polls.Polls, "poll")} failed; the last failure: {earlier.ErrorId}: {earlier.Message}";
            }

            error = new CommsInviteException(ErrorIds.Calls.InviteWaitTimedOut, FailureCategory.OperationTimeout, message, operation);
        }

        return new InviteOutcome
        {
            Operation = operation,
            Status = InviteOutcomeStatus.TimedOut,
            ResultInfo = operation.ResultInfo,
            Source = OutcomeSource.Poll,
            Elapsed = elapsed,
            Error = error,
        };
    }

    /// <summary>The notification listener failed and nothing else could decide the operation (Strategy Notification).</summary>
    public static InviteOutcome SourceFailed(InviteParticipantsOperation operation, TimeSpan elapsed, Exception cause) => new()
    {
        Operation = operation,
        Status = InviteOutcomeStatus.TimedOut,
        ResultInfo = operation.ResultInfo,
        Source = OutcomeSource.Notification,
        Elapsed = elapsed,
        Error = new CommsInviteException(
            ErrorIds.Calls.InviteWaitPollFailed,
            cause is CommsInviteException comms ? comms.Category : FailureCategory.InvalidOperation,
            $"Invite operation {operation.Id} on call {operation.CallId} could not be decided: the notification listener failed ({cause.GetType().Name}: {cause.Message}).",
            operation,
            cause),
    };

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
