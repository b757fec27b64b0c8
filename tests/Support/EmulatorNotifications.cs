using CommsInvite.Core;
using CommsInvite.Core.Notifications;

namespace CommsInvite.TestSupport;

/// <summary>
/// Notification listeners for the emulator, as the tests and benchmarks start them: compiled into each of those
/// projects (never into the module), reaching the core's internals through InternalsVisibleTo.
/// </summary>
internal static class EmulatorNotifications
{
    /// <summary>
    /// A validator for the emulator's notifications: audience = its client id, issuer = its notificationIssuer,
    /// keys from its notificationOpenIdConfiguration over an HttpClient that trusts only the emulator's
    /// certificate (pinned by thumbprint). The validator owns that HttpClient.
    /// </summary>
    public static NotificationTokenValidator CreateValidator(EmulatorConnectionInfo connection)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        if (connection.NotificationOpenIdConfiguration is null)
        {
            throw new InvalidOperationException(
                $"The emulator connection file {connection.SourcePath} names no notificationOpenIdConfiguration, so its notifications cannot be validated.");
        }

        var options = new NotificationTokenValidatorOptions
        {
            AppId = connection.ClientId,
            OpenIdConfigurationUri = connection.NotificationOpenIdConfiguration,
            ValidIssuers = new List<string> { connection.NotificationIssuer ?? NotificationTokenValidatorOptions.DefaultIssuer },
        };
        return new NotificationTokenValidator(options, CloudEndpoints.ForEmulator(connection).CreateKeyFetchClient(), ownsHttpClient: true);
    }

    /// <summary>Starts a listener whose validator (see <see cref="CreateValidator"/>) it owns.</summary>
    public static Task<NotificationListener> StartListenerAsync(
        EmulatorConnectionInfo connection, NotificationListenerOptions options, ILogSink? log = null, CancellationToken cancellationToken = default) =>
        NotificationListener.StartAsync(options, CreateValidator(connection), log, ownsValidator: true, cancellationToken);
}
