using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Calls;

/// <summary>How the waiter learns an operation's outcome.</summary>
public enum WaitStrategy
{
    /// <summary>Notifications when a source is attached, polling otherwise (and as a fallback).</summary>
    Auto,

    /// <summary>Only notifications (a source is required).</summary>
    Notification,

    /// <summary>Only polling the call, its roster and (where served) the operation.</summary>
    Poll,
}

/// <summary>How an outcome was learnt.</summary>
public enum OutcomeSource
{
    Poll,
    Notification,

    /// <summary>The invite response itself was already final.</summary>
    Response,
}

/// <summary>What became of one invite operation.</summary>
public enum InviteOutcomeStatus
{
    Completed,
    Failed,
    CallEnded,
    TimedOut,
}

internal sealed class WaitOptions
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many operations are polled at once.</summary>
    public int ThrottleLimit { get; set; } = 5;

    public WaitStrategy Strategy { get; set; } = WaitStrategy.Auto;

    /// <summary>A notification listener, used by Auto and Notification.</summary>
    public IOperationNotificationSource? NotificationSource { get; set; }

    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromHours(24))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Timeout", $"The timeout must be positive and at most 24 hours (got {Timeout}).", Timeout);
        }

        if (PollInterval < TimeSpan.FromMilliseconds(50) || PollInterval > TimeSpan.FromMinutes(5))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "PollInterval", $"The poll interval must be between 50 ms and 5 minutes (got {PollInterval}).", PollInterval);
        }

        if (ThrottleLimit < 1 || ThrottleLimit > 64)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "ThrottleLimit", $"ThrottleLimit must be between 1 and 64 (got {ThrottleLimit}).", ThrottleLimit);
        }

        if (Strategy == WaitStrategy.Notification && NotificationSource is null)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Strategy", "The Notification strategy needs a notification listener; use Auto or Poll, or start a listener.");
        }
    }
}

/// <summary>A snapshot for a progress bar.</summary>
internal sealed class WaitProgress
{
    public int Total { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }
    public int Pending => Total - Completed - Failed;
    public TimeSpan Elapsed { get; init; }
    public TimeSpan Timeout { get; init; }

    /// <summary>The operation this report is about, if any.</summary>
    public string? OperationId { get; init; }

    public string Message { get; init; } = string.Empty;

    public int PercentComplete => Total == 0 ? 100 : (int)Math.Min(100, (Completed + Failed) * 100L / Total);
}

/// <summary>The outcome of one invite operation.</summary>
public sealed class InviteOutcome
{
    public InviteParticipantsOperation Operation { get; init; } = null!;
    public InviteOutcomeStatus Status { get; init; }
    public ResultInfo? ResultInfo { get; init; }

    /// <summary>
    /// The service's diagnostic code from the resultInfo message ("412#10073" out of "... DiagCode: 412#10073"), or
    /// null when there is none. Support cases and Microsoft's troubleshooting pages are keyed on it.
    /// </summary>
    public string? DiagnosticCode => DiagnosticCodes.Parse(ResultInfo?.Message);

    /// <summary>
    /// For an outcome that is not Completed because the service refused the bot (7504, 7505, 412#10073...): the likely
    /// cause and fix, the same text as the error's RecommendedAction; otherwise null.
    /// </summary>
    public string? RecommendedAction => Status == InviteOutcomeStatus.Completed
        ? null
        : ServiceRefusals.RecommendedAction(Error) ?? ServiceRefusals.RecommendedAction(ResultInfo);

    /// <summary>Invitees found in the roster with media (joined).</summary>
    public IReadOnlyList<Participant> JoinedParticipants { get; init; } = Array.Empty<Participant>();

    public OutcomeSource Source { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>
    /// For anything but Completed: the error a cmdlet writes (id, category, message). InviteOperationFailed for a
    /// failed operation, CallEnded, InviteWaitTimedOut when the operation was still running at the timeout, and
    /// InviteWaitPollFailed (with the category and, as InnerException, the failure of the last poll) when polling
    /// could not see the operation's state at the timeout.
    /// </summary>
    public CommsInviteException? Error { get; init; }

    public string? CallId => Operation.CallId;
    public string? OperationId => Operation.Id;

    public override string ToString() => $"{OperationId}: {Status}";
}

/// <summary>
/// Something that learns an operation's final state from the service's callbacks (the notification listener).
/// Returns null when it learns nothing within the timeout; the waiter then keeps polling (Auto).
/// </summary>
internal interface IOperationNotificationSource
{
    Task<InviteParticipantsOperation?> WaitForOperationAsync(string callId, string operationId, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// A notification source that also matches a completion carrying no operation id but the operation's client
/// context on the same call: the service reports multi-participant invites on <c>.../operations/participants</c>
/// with <c>id: null</c> (the seeds' example 2). The waiter uses this overload when the source offers it.
/// </summary>
internal interface IClientContextNotificationSource : IOperationNotificationSource
{
    Task<InviteParticipantsOperation?> WaitForOperationAsync(string callId, string operationId, string? clientContext, TimeSpan timeout, CancellationToken cancellationToken);
}
