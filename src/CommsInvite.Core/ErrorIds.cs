namespace CommsInvite.Core;

/// <summary>
/// The core's error ids, one nested class per area: scripts and tests match on these, so never rename one. The cmdlet
/// assembly's own ids are in CommandErrorIds; an id lives in one catalogue only. docs/errors.md lists them all.
/// </summary>
internal static class ErrorIds
{
    /// <summary>Bad input, refused before any request is sent (category InvalidArgument).</summary>
    public static class Input
    {
        public const string InvalidPhoneNumber = "InvalidPhoneNumber";
        public const string InvalidGuid = "InvalidGuid";
        public const string InvalidCallId = "InvalidCallId";
        public const string InvalidApiVersion = "InvalidApiVersion";
        public const string InvalidParticipant = "InvalidParticipant";
        public const string InvalidArgument = "InvalidArgument";
        public const string InvalidUri = "InvalidUri";
        public const string TooManyParticipants = "TooManyParticipants";
        public const string ReplacesCallIdWithMultipleParticipants = "ReplacesCallIdWithMultipleParticipants";
        public const string ClientContextTooLong = "ClientContextTooLong";
        public const string NoParticipants = "NoParticipants";
    }

    /// <summary>Connecting, signing in, and whether a connection may run a cmdlet.</summary>
    public static class Connection
    {
        public const string AuthenticationFailed = "AuthenticationFailed";
        public const string CertificateNotFound = "CertificateNotFound";
        public const string CertificateInvalid = "CertificateInvalid";
        public const string ManagedIdentityUnavailable = "ManagedIdentityUnavailable";
        public const string EmulatorConnectionFileInvalid = "EmulatorConnectionFileInvalid";
        public const string DeviceCodeExpired = "DeviceCodeExpired";
        public const string ConsentRequired = "ConsentRequired";
        public const string BrowserUnavailable = "BrowserUnavailable";
        public const string SignInExpired = "SignInExpired";
    }

    /// <summary>Any Graph request: the service's refusals, throttling, answers that cannot be read.</summary>
    public static class Graph
    {
        public const string GraphRequestFailed = "GraphRequestFailed";
        public const string Throttled = "Throttled";
        public const string PermissionDenied = "PermissionDenied";
        public const string InvalidResponse = "InvalidResponse";

        /// <summary>The connection's cloud has no such Graph API (Graph documents it for the global service only); nothing was sent.</summary>
        public const string NotAvailableInCloud = "NotAvailableInCloud";

        public const string OperationCancelled = "OperationCancelled";
    }

    /// <summary>Calls, invites and waiting for them.</summary>
    public static class Calls
    {
        public const string CallNotFound = "CallNotFound";
        public const string CallEnded = "CallEnded";

        /// <summary>The call has no participant with that id (left, removed, or never there).</summary>
        public const string ParticipantNotFound = "ParticipantNotFound";

        public const string InviteOperationFailed = "InviteOperationFailed";
        public const string InviteWaitTimedOut = "InviteWaitTimedOut";

        /// <summary>An invite operation left undecided at the timeout because polling it kept failing (see the inner exception).</summary>
        public const string InviteWaitPollFailed = "InviteWaitPollFailed";

        /// <summary>
        /// An invite whose answer was lost could not be settled: the roster that says whom to invite again could not be read
        /// before the invite's deadline (the inner exception is the last failure).
        /// </summary>
        public const string InviteUnsettled = "InviteUnsettled";

        public const string InviteParticipantRemoved = "InviteParticipantRemoved";
    }

    /// <summary>Joining Teams meetings.</summary>
    public static class Meetings
    {
        /// <summary>-JoinWebUrl is not a Teams meeting join link this module can read.</summary>
        public const string InvalidJoinWebUrl = "InvalidJoinWebUrl";

        /// <summary>-JoinMeetingId is not the numeric meeting id Teams shows.</summary>
        public const string InvalidJoinMeetingId = "InvalidJoinMeetingId";

        /// <summary>-Passcode is empty where one was passed, too long, or has spaces or control characters.</summary>
        public const string InvalidMeetingPasscode = "InvalidMeetingPasscode";

        /// <summary>The service ended the call while the bot was joining the meeting (unknown meeting, wrong passcode...).</summary>
        public const string MeetingJoinFailed = "MeetingJoinFailed";
    }

    /// <summary>Licences and usage locations.</summary>
    public static class Licenses
    {
        public const string UserNotFound = "UserNotFound";
        public const string SkuNotFound = "SkuNotFound";
        public const string NoLicensesAvailable = "NoLicensesAvailable";
        public const string UsageLocationMissing = "UsageLocationMissing";
    }

    /// <summary>Telephone number assignment.</summary>
    public static class Numbers
    {
        public const string NumberNotFound = "NumberNotFound";
        public const string NumberAssignedElsewhere = "NumberAssignedElsewhere";
        public const string NumberOperationFailed = "NumberOperationFailed";
        public const string NumberOperationTimedOut = "NumberOperationTimedOut";

        /// <summary>A Calling Plan number for an account without a PSTN calling licence (or, for a resource account, Phone System - Virtual User).</summary>
        public const string PstnLicenseRequired = "PstnLicenseRequired";

        /// <summary>A number whose assignment needs the account's usage location, which is empty.</summary>
        public const string UsageLocationRequired = "UsageLocationRequired";
    }

    /// <summary>Application instances (resource accounts).</summary>
    public static class ApplicationInstances
    {
        public const string UserPrincipalNameTaken = "UserPrincipalNameTaken";
        public const string ApplicationInstanceNotFound = "ApplicationInstanceNotFound";
        public const string ApplicationInstanceSyncTimedOut = "ApplicationInstanceSyncTimedOut";
        public const string ApplicationInstanceApiUnavailable = "ApplicationInstanceApiUnavailable";
    }

    /// <summary>The notification listener and notification bodies.</summary>
    public static class Notifications
    {
        /// <summary>A body that is not a commsNotifications body (FailureCategory.InvalidData).</summary>
        public const string InvalidNotificationBody = "InvalidNotificationBody";

        /// <summary>The listener could not bind its address/port (FailureCategory.ResourceExists when the port is taken, else ConnectionError).</summary>
        public const string NotificationListenerStartFailed = "NotificationListenerStartFailed";

        /// <summary>The token issuer's OpenID configuration or keys could not be read (FailureCategory.ConnectionError).</summary>
        public const string NotificationKeysUnavailable = "NotificationKeysUnavailable";
    }
}
