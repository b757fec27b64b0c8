using System.Text.Json.Nodes;

namespace CommsInvite.Emulator;

/// <summary>A call and its roster; every read or write of its mutable parts holds <see cref="Sync"/>.</summary>
internal sealed class CallRecord
{
    public object Sync { get; } = new();
    public required string Id { get; init; }
    public required string OwnerClientId { get; init; }
    public string State { get; set; } = "establishing";
    public string? CallbackUri { get; init; }
    public bool IsGroupCall { get; init; }
    public JsonObject? ChatInfo { get; init; }
    public string? SourceApplicationInstanceId { get; init; }
    public JsonObject? Source { get; init; }
    public JsonArray Targets { get; init; } = new();
    public JsonArray RequestedModalities { get; init; } = new() { "audio" };
    public JsonObject? MediaConfig { get; init; }
    public string? Subject { get; init; }
    /// <summary>The meetingInfo a join sent (organizerMeetingInfo or joinMeetingIdMeetingInfo); null for other calls.</summary>
    public JsonObject? MeetingInfo { get; init; }
    /// <summary>The emulated meeting this call joined, when it found one.</summary>
    public string? MeetingId { get; init; }
    /// <summary>A join the service will refuse once it has looked (unknown meeting, wrong passcode): the call ends with this.</summary>
    public (int Code, int Subcode, string Message)? JoinFailure { get; init; }
    /// <summary>Why the call ended (set when it is terminated by the service).</summary>
    public JsonObject? ResultInfo { get; set; }
    public string BotParticipantId { get; } = Guid.NewGuid().ToString();
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public List<RosterEntry> Roster { get; } = new();
    public Dictionary<string, InviteOperation> Operations { get; } = new(StringComparer.OrdinalIgnoreCase);
    public bool Ended { get; set; }

    /// <summary>Guards the notification queue (separate from <see cref="Sync"/>: sending never holds the call's lock).</summary>
    public object NotificationSync { get; } = new();
    public List<object> PendingNotifications { get; } = new();
    public bool NotificationsDraining { get; set; }
    private int _nextSourceId = 1;

    public int NextSourceId() => ++_nextSourceId;

    public RosterEntry? FindEntry(string kind, string identityId) =>
        Roster.FirstOrDefault(e => e.Kind == kind && string.Equals(e.IdentityId, identityId, StringComparison.OrdinalIgnoreCase));

    public CallSnapshot Snapshot()
    {
        lock (Sync)
        {
            var roster = new List<RosterEntrySnapshot> { new(BotParticipantId, "application", OwnerClientId, true, null) };
            roster.AddRange(Roster.Select(e => new RosterEntrySnapshot(e.ParticipantId, e.Kind, e.IdentityId, e.Joined, e.OperationId)));
            var operations = Operations.Values.Select(o => new OperationSnapshot(o.Id, o.Status, o.ClientContext, o.ResultCode, o.ResultSubcode, o.ResultMessage)).ToArray();
            return new CallSnapshot(Id, State, IsGroupCall, CallbackUri, SourceApplicationInstanceId, roster, operations);
        }
    }
}

/// <summary>A participant in the roster other than the bot: ringing until it answers, then joined.</summary>
internal sealed class RosterEntry
{
    public required string ParticipantId { get; init; }
    public required string Kind { get; init; }
    public required string IdentityId { get; init; }
    /// <summary>The identity object ({id, displayName?, identityProvider?, tenantId?}).</summary>
    public required JsonObject Identity { get; init; }
    public bool Joined { get; set; }
    public int SourceId { get; set; }
    public string? OperationId { get; init; }
}

/// <summary>One invitee of an invite operation.</summary>
internal sealed class InvitedParticipant
{
    public required string Kind { get; init; }
    public required string IdentityId { get; init; }
    public required JsonObject Identity { get; init; }
    public string? ReplacesCallId { get; init; }
    /// <summary>Already ringing or joined when invited: the roster entry is not this operation's.</summary>
    public bool Duplicate { get; set; }
}

/// <summary>An inviteParticipantsOperation.</summary>
internal sealed class InviteOperation
{
    public required string Id { get; init; }
    public required string CallId { get; init; }
    public string Status { get; set; } = "Running";
    public string? ClientContext { get; init; }
    public int? ResultCode { get; set; }
    public int? ResultSubcode { get; set; }
    public string? ResultMessage { get; set; }
    public required List<InvitedParticipant> Participants { get; init; }
    public bool ViaAppAlias { get; init; }
    public string? ReplacesCallId { get; init; }
}

/// <summary>A long-running telephone number operation.</summary>
internal sealed class NumberOperation
{
    public required string Id { get; init; }
    public string Status { get; set; } = "notStarted";
    public DateTimeOffset CreatedDateTime { get; } = DateTimeOffset.UtcNow;
    public required string ResourceLocation { get; init; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
}
