namespace CommsInvite.Core.Calls;

/// <summary>
/// Stable error ids of joining meetings and ending what the module started (beside <see cref="ErrorIds"/>; the
/// same rule holds: scripts match on these, so never rename one).
/// </summary>
internal static class CallErrorIds
{
    /// <summary>-JoinWebUrl is not a Teams meeting join link this module can read.</summary>
    public const string InvalidJoinWebUrl = "InvalidJoinWebUrl";

    /// <summary>-JoinMeetingId is not the numeric meeting id Teams shows.</summary>
    public const string InvalidJoinMeetingId = "InvalidJoinMeetingId";

    /// <summary>-Passcode is empty where one was passed, too long, or has spaces or control characters.</summary>
    public const string InvalidMeetingPasscode = "InvalidMeetingPasscode";

    /// <summary>The service ended the call while the bot was joining the meeting (unknown meeting, wrong passcode...).</summary>
    public const string MeetingJoinFailed = "MeetingJoinFailed";

    /// <summary>The call has no participant with that id (left, removed, or never there).</summary>
    public const string ParticipantNotFound = "ParticipantNotFound";

    /// <summary>Remove-CsGraphUserLicense named a licence the account does not hold (a warning, not an error, by default).</summary>
    public const string LicenseNotAssigned = "LicenseNotAssigned";
}
