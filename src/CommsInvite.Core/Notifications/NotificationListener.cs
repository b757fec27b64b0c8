using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// Receives Graph communications notifications: an HTTP/1.1 (optionally HTTPS) endpoint that accepts POSTs on
/// one path only with a valid bearer token, answers 202 as soon as the body is parsed, and queues what it
/// accepts. Invite operations that end are remembered so a waiter can complete from them.
/// </summary>
/// <remarks>
/// Composed of <see cref="NotificationHttpServer"/> (connections and HTTP framing), <see cref="NotificationEndpoint"/>
/// (token, parse, answer), <see cref="NotificationInbox"/> (the queue) and <see cref="OperationCompletionRegistry"/>
/// (what the waiter needs).
/// </remarks>
internal sealed class NotificationListener : IClientContextNotificationSource, IDisposable
{
    private readonly NotificationListenerOptions _options;
    private readonly NotificationTokenValidator _validator;
    private readonly NotificationInbox _inbox;
    private readonly OperationCompletionRegistry _operations;
    private readonly ListenerCounters _counters;
    private readonly NotificationHttpServer _server;
    private readonly string _path;
    private readonly ILogSink _log;
    private readonly bool _ownsValidator;
    private int _state; // 0 new, 1 started, 2 stopped

    /// <param name="options">Where to listen and the limits; validated here (CommsValidationException).</param>
    /// <param name="tokenValidator">Checks each POST's bearer token.</param>
    /// <param name="log">Receives one line per refused request and key problems; never a token or a body.</param>
    /// <param name="ownsValidator">Whether stopping the listener disposes <paramref name="tokenValidator"/>.</param>
    public NotificationListener(
        NotificationListenerOptions options, NotificationTokenValidator tokenValidator, ILogSink? log = null, bool ownsValidator = false)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _validator = tokenValidator ?? throw new ArgumentNullException(nameof(tokenValidator));
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, ex.ParamName ?? nameof(options), ex.Message);
        }

        _path = NotificationEndpoint.NormalizePath(options.Path);
        _log = log ?? NullLogSink.Instance;
        _ownsValidator = ownsValidator;
        _inbox = new NotificationInbox(options.QueueCapacity);
        _operations = new OperationCompletionRegistry(options.OperationHistoryCapacity);
        _counters = new ListenerCounters(options.RecentRejectionCapacity);
        var endpoint = new NotificationEndpoint(_path, tokenValidator, _inbox, _operations, _counters, _log);
        _server = new NotificationHttpServer(options, endpoint, _log);
    }

    /// <summary>Creates and starts a listener.</summary>
    public static Task<NotificationListener> StartAsync(
        NotificationListenerOptions options, NotificationTokenValidator tokenValidator, CancellationToken cancellationToken = default) =>
        StartAsync(options, tokenValidator, null, ownsValidator: false, cancellationToken);

    /// <summary>Creates and starts a listener; with <paramref name="ownsValidator"/>, stopping it disposes the validator.</summary>
    public static async Task<NotificationListener> StartAsync(
        NotificationListenerOptions options,
        NotificationTokenValidator tokenValidator,
        ILogSink? log,
        bool ownsValidator,
        CancellationToken cancellationToken = default)
    {
        NotificationListener listener;
        try
        {
            listener = new NotificationListener(options, tokenValidator, log, ownsValidator);
        }
        catch when (ownsValidator)
        {
            tokenValidator.Dispose();
            throw;
        }

        try
        {
            await listener.StartAsync(cancellationToken).ConfigureAwait(false);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public NotificationListenerOptions Options => _options;

    public bool IsRunning => Volatile.Read(ref _state) == 1;

    /// <summary>The port actually bound (useful with Port = 0); 0 before start.</summary>
    public int Port => _server.Port;

    /// <summary>The address to POST to (what the call's callbackUri should lead to), e.g. https://127.0.0.1:5123/api/calls.</summary>
    public Uri Uri
    {
        get
        {
            var address = _options.Address;
            if (address.Equals(IPAddress.Any))
            {
                address = IPAddress.Loopback;
            }
            else if (address.Equals(IPAddress.IPv6Any))
            {
                address = IPAddress.IPv6Loopback;
            }

            var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            var scheme = _options.Certificate is null ? "http" : "https";
            return new Uri($"{scheme}://{host}:{Port}{_path}");
        }
    }

    /// <summary>Binds the port and starts serving. Fetches the issuer's keys first when <see cref="NotificationListenerOptions.FetchKeysOnStart"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The notification listener was already started.");
        }

        if (_options.FetchKeysOnStart)
        {
            try
            {
                await _validator.RefreshKeysAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                StopCore();
                throw;
            }
            catch (Exception ex)
            {
                StopCore();
                throw new CommsInviteException(
                    ErrorIds.Notifications.NotificationKeysUnavailable,
                    FailureCategory.ConnectionError,
                    $"The notification listener could not read the token signing keys from {_validator.Options.OpenIdConfigurationUri}: {ex.Message}",
                    _validator.Options.OpenIdConfigurationUri,
                    ex);
            }
        }

        if (Volatile.Read(ref _state) == 2)
        {
            throw new OperationCanceledException("The notification listener was stopped while it was starting.");
        }

        try
        {
            _server.Start();
        }
        catch (SocketException ex)
        {
            StopCore();
            var category = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? FailureCategory.ResourceExists : FailureCategory.ConnectionError;
            throw new CommsInviteException(
                ErrorIds.Notifications.NotificationListenerStartFailed,
                category,
                $"The notification listener could not listen on {_options.Address}:{_options.Port}: {ex.Message}",
                $"{_options.Address}:{_options.Port}",
                ex);
        }

        if (Volatile.Read(ref _state) == 2)
        {
            // Stopped while starting: StopCore ran before the server was started.
            _server.Stop();
            throw new OperationCanceledException("The notification listener was stopped while it was starting.");
        }

        _log.Verbose($"Notification listener started on {Uri}.");
    }

    /// <summary>Stops accepting, closes open connections, and waits for them to finish. Pending waits return null.</summary>
    public async Task StopAsync()
    {
        var tasks = StopCore();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Connection tasks end by their sockets being closed under them; their faults are expected here.
        }
    }

    /// <summary>Stops the listener without waiting for connections to wind down (they close on their own).</summary>
    public void Dispose()
    {
        StopCore();
    }

    /// <summary>Counters and recent refusals, as of now.</summary>
    public NotificationListenerStatistics GetStatistics() =>
        _counters.Snapshot(_inbox.Dropped, _inbox.Count, _server.HeadTimeouts, _server.ConnectionsEvicted);

    /// <summary>The queued notifications, oldest first, without removing them.</summary>
    public IReadOnlyList<CommsNotification> Peek() => _inbox.Peek();

    /// <summary>Removes and returns up to <paramref name="maxCount"/> queued notifications (all by default), oldest first.</summary>
    public IReadOnlyList<CommsNotification> Drain(int maxCount = int.MaxValue) => _inbox.Drain(maxCount);

    /// <summary>
    /// Removes and returns the oldest queued notification, waiting up to <paramref name="timeout"/> for one to
    /// arrive; null when none arrived in time or the listener stopped.
    /// </summary>
    public Task<CommsNotification?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _inbox.ReceiveAsync(timeout, cancellationToken);

    /// <summary>
    /// Waits for the notification that ends operation <paramref name="operationId"/> of call
    /// <paramref name="callId"/> (status completed or failed, or the operation deleted) and returns the
    /// operation it carries. Returns at once when that notification already arrived; null when none
    /// arrives within <paramref name="timeout"/> or the listener stops.
    /// </summary>
    public Task<InviteParticipantsOperation?> WaitForOperationAsync(
        string callId, string operationId, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForOperationAsync(callId, operationId, null, timeout, cancellationToken);

    /// <summary>
    /// Like <see cref="WaitForOperationAsync(string, string, TimeSpan, CancellationToken)"/>, and also matches a
    /// final operation notification that carries no id but this <paramref name="clientContext"/> on the same
    /// call: the service's multi-participant invites report completion on <c>.../operations/participants</c>
    /// with <c>id: null</c> (the seeds' example 2), so the client context is what identifies them.
    /// The operation returned then has <paramref name="operationId"/> filled in.
    /// </summary>
    public Task<InviteParticipantsOperation?> WaitForOperationAsync(
        string callId, string operationId, string? clientContext, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(callId))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidCallId, nameof(callId), "A call id is required to wait for an operation.");
        }

        if (string.IsNullOrWhiteSpace(operationId))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, nameof(operationId), "An operation id is required to wait for an operation.");
        }

        return _operations.WaitAsync(callId, operationId, clientContext, timeout, cancellationToken);
    }

    private List<Task> StopCore()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return new List<Task>();
        }

        var tasks = _server.Stop();
        _inbox.Close();
        _operations.Close();
        if (_ownsValidator)
        {
            _validator.Dispose();
        }

        _log.Verbose($"Notification listener stopped: {GetStatistics()}.");
        return tasks;
    }
}
