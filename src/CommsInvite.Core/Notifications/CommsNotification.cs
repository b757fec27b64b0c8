using System;
using System.Collections.Generic;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>What a commsNotification is about, decided from its resource path and resourceData.</summary>
public enum NotificationKind
{
    /// <summary>A resource kind this module does not model; see <see cref="GenericNotification"/>.</summary>
    Generic,
    /// <summary>A commsOperation (invite, mute, play prompt, ...) changed or ended.</summary>
    Operation,
    /// <summary>The call's roster (participants) changed.</summary>
    Roster,
    /// <summary>The call itself changed (state, termination).</summary>
    Call,
    /// <summary>An entry that could not be understood; see <see cref="InvalidNotification.Reason"/>.</summary>
    Invalid,
}

/// <summary>microsoft.graph.changeType as used by commsNotification; parsed case-insensitively.</summary>
public enum NotificationChangeType
{
    Unknown,
    Created,
    Updated,
    Deleted,
}

/// <summary>One entry of a commsNotifications body (the <c>value</c> array).</summary>
/// <remarks>
/// Abstract so that callers switch on the concrete type (or <see cref="Kind"/>); every concrete
/// notification type is sealed.
/// </remarks>
public abstract class CommsNotification
{
    private protected CommsNotification(NotificationFields fields)
    {
        ODataType = fields.ODataType;
        ChangeTypeText = fields.ChangeTypeText;
        ChangeType = fields.ChangeType;
        Resource = fields.Resource;
        ResourceUrl = fields.ResourceUrl;
        CallId = fields.CallId;
        Json = fields.Json;
        ResourceDataJson = fields.ResourceDataJson;
    }

    public abstract NotificationKind Kind { get; }

    /// <summary>The entry's <c>@odata.type</c> (normally <c>#microsoft.graph.commsNotification</c>).</summary>
    public string? ODataType { get; }

    /// <summary><c>changeType</c> as it was sent (the service mixes case).</summary>
    public string? ChangeTypeText { get; }

    public NotificationChangeType ChangeType { get; }

    /// <summary>
    /// <c>resource</c>, e.g. <c>/app/calls/{id}/operations/{opId}</c>; <c>resourceUrl</c> when only that was sent
    /// (the documented v1.0 shape); empty for an <see cref="InvalidNotification"/> that named neither.
    /// </summary>
    public string Resource { get; }

    /// <summary><c>resourceUrl</c> (the <c>/communications/...</c> form), when sent.</summary>
    public string? ResourceUrl { get; }

    /// <summary>The call the resource belongs to, or null when the resource is not under a call.</summary>
    public string? CallId { get; }

    /// <summary>
    /// The whole notification entry as received, for callers that need fields not modelled here; empty for an
    /// <see cref="InvalidNotification"/> whose text is not valid Unicode.
    /// </summary>
    public string Json { get; }

    /// <summary>The entry's <c>resourceData</c> as received, or null when absent.</summary>
    public string? ResourceDataJson { get; }

    /// <summary>When the listener accepted the POST that carried this notification; null when parsed from text.</summary>
    public DateTimeOffset? ReceivedAt { get; internal set; }

    public override string ToString() => $"{Kind} {ChangeType} {Resource}";
}

/// <summary>The parts every notification type shares, gathered once by the parser.</summary>
internal sealed class NotificationFields
{
    public string? ODataType { get; set; }
    public string? ChangeTypeText { get; set; }
    public NotificationChangeType ChangeType { get; set; }
    public string Resource { get; set; } = string.Empty;
    public string? ResourceUrl { get; set; }
    public string? CallId { get; set; }
    public string Json { get; set; } = string.Empty;
    public string? ResourceDataJson { get; set; }
}

/// <summary>A commsOperation notification: <c>.../calls/{id}/operations/{opId}</c>.</summary>
/// <remarks>
/// Completion of an invite arrives as <c>changeType: deleted</c> with the final operation. The
/// multi-participant example in the seeds names the resource <c>.../operations/participants</c> and
/// sends <c>id: null</c>; <see cref="OperationId"/> is then null rather than the word "participants".
/// </remarks>
public sealed class OperationNotification : CommsNotification
{
    internal OperationNotification(NotificationFields fields, InviteParticipantsOperation operation, string? operationType)
        : base(fields)
    {
        Operation = operation;
        OperationType = operationType;
    }

    public override NotificationKind Kind => NotificationKind.Operation;

    /// <summary>The operation as the notification carries it, with <see cref="InviteParticipantsOperation.CallId"/> filled.</summary>
    public InviteParticipantsOperation Operation { get; }

    /// <summary>resourceData's <c>@odata.type</c>, e.g. <c>#microsoft.graph.inviteParticipantsOperation</c>.</summary>
    public string? OperationType { get; }

    public string? OperationId => Operation.Id;

    public OperationStatus Status => Operation.Status;

    public string? ClientContext => Operation.ClientContext;

    public ResultInfo? ResultInfo => Operation.ResultInfo;

    public IList<InvitationParticipantInfo> Participants => Operation.Participants;

    /// <summary>True when the operation will not change again (completed, failed, or the operation was deleted).</summary>
    public bool IsFinal =>
        Status == OperationStatus.Completed || Status == OperationStatus.Failed || ChangeType == NotificationChangeType.Deleted;

    public override string ToString() => $"Operation {OperationId ?? "(no id)"} on call {CallId}: {Status}";
}

/// <summary>A roster notification: <c>.../calls/{id}/participants</c> with the participants as resourceData.</summary>
public sealed class RosterNotification : CommsNotification
{
    internal RosterNotification(NotificationFields fields, IReadOnlyList<Participant> participants, string? participantId)
        : base(fields)
    {
        Participants = participants;
        ParticipantId = participantId;
    }

    public override NotificationKind Kind => NotificationKind.Roster;

    /// <summary>The participants sent (each with <see cref="Participant.CallId"/> filled).</summary>
    public IReadOnlyList<Participant> Participants { get; }

    /// <summary>Set when the resource named one participant (<c>.../participants/{participantId}</c>).</summary>
    public string? ParticipantId { get; }

    public override string ToString() => $"Roster of call {CallId} {ChangeType}: {Participants.Count} participant(s)";
}

/// <summary>A call notification: <c>.../calls/{id}</c> (state changes, termination).</summary>
public sealed class CallNotification : CommsNotification
{
    internal CallNotification(NotificationFields fields, Call? call, ResultInfo? resultInfo)
        : base(fields)
    {
        Call = call;
        ResultInfo = resultInfo;
    }

    public override NotificationKind Kind => NotificationKind.Call;

    /// <summary>The call as sent, or null when the notification carried no resourceData.</summary>
    public Call? Call { get; }

    /// <summary><c>state</c> (establishing, established, terminated, ...) when sent.</summary>
    public string? State => Call?.State;

    /// <summary>The call's <c>resultInfo</c> (why it ended), when sent.</summary>
    public ResultInfo? ResultInfo { get; }

    public override string ToString() => $"Call {CallId} {ChangeType}: {State ?? "(no state)"}";
}

/// <summary>A notification about a resource kind this module does not model; read <see cref="CommsNotification.Json"/>.</summary>
public sealed class GenericNotification : CommsNotification
{
    internal GenericNotification(NotificationFields fields, string? resourceDataType)
        : base(fields)
    {
        ResourceDataType = resourceDataType;
    }

    public override NotificationKind Kind => NotificationKind.Generic;

    /// <summary>resourceData's <c>@odata.type</c>, when it is an object that has one.</summary>
    public string? ResourceDataType { get; }
}

/// <summary>
/// An entry of a commsNotifications body that could not be understood (not an object, no resource, resourceData of
/// the wrong shape or type, text that is not valid Unicode). The body's other entries are delivered as usual.
/// </summary>
public sealed class InvalidNotification : CommsNotification
{
    internal InvalidNotification(NotificationFields fields, int index, string reason)
        : base(fields)
    {
        Index = index;
        Reason = reason;
    }

    public override NotificationKind Kind => NotificationKind.Invalid;

    /// <summary>The entry's position in the body's <c>value</c> array (0-based).</summary>
    public int Index { get; }

    /// <summary>Why the entry was not understood; names fields and positions, never the entry's text.</summary>
    public string Reason { get; }

    public override string ToString() => $"Invalid entry value[{Index}]: {Reason}";
}
