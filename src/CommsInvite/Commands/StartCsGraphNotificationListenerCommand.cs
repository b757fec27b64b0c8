using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Notifications;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Start-CsGraphNotificationListener: an HTTP(S) endpoint for the commsNotifications Graph POSTs to a call's
/// callbackUri. Each POST must carry a bearer token signed with a key from the issuer's OpenID configuration, for
/// the bot's application id, within its lifetime; anything else is refused (and counted in Statistics). Accepted
/// notifications are queued, and invite completions let Wait-CsGraphInviteOperation finish without polling.
/// One listener per runspace. Tokens are checked against the keys of the connection's notification issuer (Graph's,
/// or the emulator's own over its pinned certificate).
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "CsGraphNotificationListener", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NotificationListenerInfo))]
public sealed class StartCsGraphNotificationListenerCommand : AsyncCmdlet
{
    private Runspace? _runspace;
    private GraphSession? _session;

    /// <summary>TCP port; 0 (the default) picks a free one: read it back from the output's Port and Uri.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>The local address to listen on; 127.0.0.1 by default (put a reverse proxy or the bot's public endpoint in front).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The path Graph POSTs to (the path of the callbackUri); /api/calls by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = NotificationListenerOptions.DefaultPath;

    /// <summary>Serve HTTPS with this certificate (it needs its private key); plain HTTP without it.</summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>The bot's application id (the tokens' audience); the connected client id by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AppId { get; set; }

    /// <summary>Accepted token issuers; https://api.botframework.com by default (the emulator's own when connected to it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Issuer { get; set; }

    /// <summary>Where the signing keys are published; Graph's calling OpenID configuration by default (the emulator's when connected to it).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? OpenIdConfigurationUri { get; set; }

    protected override void BeginProcessing()
    {
        // Both live per runspace and Runspace.DefaultRunspace is only set on the pipeline thread.
        _runspace = Runspace.DefaultRunspace;
        _session = SessionStore.Get(_runspace);
        base.BeginProcessing();
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var options = BuildListenerOptions();
        var given = ValidateTokenOptions();
        // The connection's description says who signs its notifications and where the keys are (the emulator's own,
        // over its pinned certificate); without one, Graph's.
        var endpoints = _session?.Connection.Endpoints;
        var appId = given.AppId ?? _session?.Connection.Context.ClientId;
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(AppId),
                "The listener needs the bot's application id (the audience of notification tokens): give -AppId, or run Connect-CsGraph first.");
        }

        var issuers = given.Issuers.Count > 0 ? given.Issuers : new List<string> { endpoints?.NotificationIssuer ?? NotificationTokenValidatorOptions.DefaultIssuer };
        var openIdConfiguration = OpenIdConfigurationUri ?? endpoints?.NotificationOpenIdConfiguration ?? NotificationTokenValidatorOptions.DefaultOpenIdConfigurationUri;
        // A key address from a connection file is checked too: that file is input as well.
        InputRules.RequireHttpsUri(openIdConfiguration, nameof(OpenIdConfigurationUri));

        if (NotificationListenerStore.GetRunning(_runspace) is { } running)
        {
            throw new CommsInviteException(CommandErrorIds.Notifications.NotificationListenerAlreadyRunning, FailureCategory.ResourceExists,
                $"A notification listener already runs in this session at {running.Uri}. Stop it with Stop-CsGraphNotificationListener first.", running);
        }

        var target = $"{(Certificate is null ? "http" : "https")}://{Address}:{(Port == 0 ? "<free port>" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture))}{options.Path}";
        if (!await ShouldProcessAsync(target, $"Start a notification listener for application {appId}").ConfigureAwait(false))
        {
            return;
        }

        var validatorOptions = new NotificationTokenValidatorOptions
        {
            AppId = appId!,
            ValidIssuers = issuers,
            OpenIdConfigurationUri = openIdConfiguration,
        };
        // Not connected: Graph's keys over ordinary certificate validation, as for the public cloud.
        var keyFetch = (endpoints ?? CloudEndpoints.For(CloudEnvironment.Global)).CreateKeyFetchClient();
        var validator = new NotificationTokenValidator(validatorOptions, keyFetch, ownsHttpClient: true);
        var listener = await NotificationListener.StartAsync(options, validator, (ILogSink?)_session?.Log, ownsValidator: true, cancellationToken).ConfigureAwait(false);

        var info = new NotificationListenerInfo(listener, appId!, new List<string>(issuers), openIdConfiguration);
        var replaced = NotificationListenerStore.Exchange(_runspace!, info);
        if (replaced is not null)
        {
            // Only a stopped one can be here (a running one was refused above); release what it still holds.
            replaced.Listener.Dispose();
        }

        QueueVerbose($"Notification listener for application {appId} running at {info.Uri}; use it as the call's callbackUri.");
        QueueObject(info);
    }

    private NotificationListenerOptions BuildListenerOptions()
    {
        if (!IPAddress.TryParse(Address, out var address))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(Address), $"'{Address}' is not an IP address (for example 127.0.0.1, 0.0.0.0 or ::1).", Address);
        }

        if (!Path.StartsWith("/", StringComparison.Ordinal) || Path.IndexOfAny(new[] { '?', '#', ' ' }) >= 0)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(Path), $"The path must start with '/' and hold no query, fragment or space; got '{Path}'.", Path);
        }

        if (Certificate is not null && !Certificate.HasPrivateKey)
        {
            throw new CommsValidationException(ErrorIds.Connection.CertificateInvalid, nameof(Certificate), $"The certificate {Certificate.Thumbprint} has no private key, so it cannot serve HTTPS.", Certificate.Thumbprint);
        }

        return new NotificationListenerOptions { Address = address, Port = Port, Path = Path, Certificate = Certificate };
    }

    /// <summary>
    /// What a valid notification token must show, checked before anything starts: a typo here would otherwise
    /// surface only later, as every notification refused (WrongAudience, WrongIssuer).
    /// </summary>
    private (string? AppId, List<string> Issuers) ValidateTokenOptions()
    {
        var appId = AppId is null ? null : InputRules.RequireGuid(AppId, nameof(AppId));

        var issuers = new List<string>();
        foreach (var issuer in Issuer ?? Array.Empty<string>())
        {
            // Kept as written (only trimmed): tokens must name the issuer exactly, and Uri would normalise it.
            InputRules.RequireHttpsUri(issuer, nameof(Issuer));
            issuers.Add(issuer.Trim());
        }

        if (OpenIdConfigurationUri is not null)
        {
            InputRules.RequireHttpsUri(OpenIdConfigurationUri, nameof(OpenIdConfigurationUri));
        }

        return (appId, issuers);
    }
}
