namespace CommsInvite.Core.Notifications;

/// <summary>Stable error ids of the notification parts (scripts and tests match on these; never rename one).</summary>
internal static class NotificationErrorIds
{
    /// <summary>A body that is not a commsNotifications body (FailureCategory.InvalidData).</summary>
    public const string InvalidNotificationBody = "InvalidNotificationBody";

    /// <summary>The listener could not bind its address/port (FailureCategory.ResourceExists when the port is taken, else ConnectionError).</summary>
    public const string NotificationListenerStartFailed = "NotificationListenerStartFailed";

    /// <summary>The token issuer's OpenID configuration or keys could not be read (FailureCategory.ConnectionError).</summary>
    public const string NotificationKeysUnavailable = "NotificationKeysUnavailable";

    /// <summary>A command needs the runspace's notification listener and none is running (FailureCategory.InvalidOperation).</summary>
    public const string NotificationListenerNotRunning = "NotificationListenerNotRunning";

    /// <summary>Start-CsGraphNotificationListener while this runspace's listener still runs (FailureCategory.ResourceExists).</summary>
    public const string NotificationListenerAlreadyRunning = "NotificationListenerAlreadyRunning";
}
