namespace CommsInvite.Commands;

/// <summary>
/// The error ids the cmdlets raise themselves, one nested class per area (the core's are in <see cref="CommsInvite.Core.ErrorIds"/>):
/// scripts and tests match on these, so never rename one. An id lives in one catalogue only; docs/errors.md lists them all.
/// </summary>
internal static class CommandErrorIds
{
    /// <summary>Bad input, refused before any request is sent (category InvalidArgument).</summary>
    public static class Input
    {
        public const string InvalidUserPrincipalName = "InvalidUserPrincipalName";
        public const string InvalidIdentity = "InvalidIdentity";
    }

    /// <summary>Connecting, signing in, and whether a connection may run a cmdlet.</summary>
    public static class Connection
    {
        public const string NotConnected = "NotConnected";
        public const string ConnectionNotFound = "ConnectionNotFound";
        public const string ApplicationPermissionRequired = "ApplicationPermissionRequired";
        public const string PermissionMissing = "PermissionMissing";
    }

    /// <summary>Licences and usage locations.</summary>
    public static class Licenses
    {
        /// <summary>Remove-CsGraphUserLicense named a licence the account does not hold (a warning, not an error, by default).</summary>
        public const string LicenseNotAssigned = "LicenseNotAssigned";

        public const string InvalidSkuPartNumber = "InvalidSkuPartNumber";
        public const string InvalidUsageLocation = "InvalidUsageLocation";
    }

    /// <summary>Telephone number assignment.</summary>
    public static class Numbers
    {
        public const string InvalidNumberType = "InvalidNumberType";
        public const string InvalidAssignmentStatus = "InvalidAssignmentStatus";
        public const string InvalidAssignmentCategory = "InvalidAssignmentCategory";
        public const string InvalidActivationState = "InvalidActivationState";
        public const string InvalidReverseNumberLookup = "InvalidReverseNumberLookup";
        public const string NumberTypeMismatch = "NumberTypeMismatch";
    }

    /// <summary>Commands run through the MicrosoftTeams module.</summary>
    public static class MicrosoftTeams
    {
        public const string MicrosoftTeamsModuleRequired = "MicrosoftTeamsModuleRequired";
        public const string MicrosoftTeamsCommandFailed = "MicrosoftTeamsCommandFailed";

        /// <summary>A MicrosoftTeams parameter this backend cannot honour (ErrorCategory.NotImplemented), raised before any request.</summary>
        public const string ParameterNotSupported = "ParameterNotSupported";
    }

    /// <summary>The notification listener and notification bodies.</summary>
    public static class Notifications
    {
        /// <summary>A command needs the runspace's notification listener and none is running (FailureCategory.InvalidOperation).</summary>
        public const string NotificationListenerNotRunning = "NotificationListenerNotRunning";

        /// <summary>Start-CsGraphNotificationListener while this runspace's listener still runs (FailureCategory.ResourceExists).</summary>
        public const string NotificationListenerAlreadyRunning = "NotificationListenerAlreadyRunning";

        public const string NotificationFileNotFound = "NotificationFileNotFound";
        public const string NotificationFileUnreadable = "NotificationFileUnreadable";
    }
}
