using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Core.Notifications;

/// <summary>
/// Receives Graph communications notifications: a small HTTP/1.1 (optionally HTTPS) server that accepts
/// POSTs on one path only with a valid bearer token, answers 202 as soon as the body is parsed, and
/// queues what it accepts. Invite operations that end are remembered so a waiter can complete from them.
/// </summary>
/// <remarks>
/// TcpListener + SslStream rather than HttpListener: HttpListener cannot serve HTTPS on Linux/macOS.
/// Answers: 202 accepted, 401 bad token, 503 issuer keys unreachable (Graph retries), 400 malformed body,
/// 404 other paths, 405 other methods, 413 too large.
/// </remarks>
public sealed class NotificationListener : IClientContextNotificationSource, IDisposable
{
    private readonly NotificationListenerOptions _options;
    private readonly NotificationTokenValidator _validator;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly LinkedList<CommsNotification> _queue = new();
    private readonly LinkedList<TaskCompletionSource<CommsNotification?>> _receivers = new();
    private readonly Dictionary<string, InviteParticipantsOperation> _finalOperations = new(StringComparer.Ordinal);
    private readonly Queue<string> _finalOperationOrder = new();
    private readonly Dictionary<string, List<TaskCompletionSource<InviteParticipantsOperation?>>> _operationWaiters = new(StringComparer.Ordinal);
    private readonly Dictionary<ListenerRejectionReason, long> _rejected = new();
    private readonly Queue<NotificationRejection> _recentRejections = new();
    private readonly HashSet<Task> _connections = new();
    private readonly SemaphoreSlim _connectionSlots;
    private readonly string _path;
    private TcpListener? _tcpListener;
    private Task? _acceptLoop;
    private long _requestsAccepted;
    private long _notificationsReceived;
    private long _notificationsDropped;
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
            throw new CommsValidationException(ErrorIds.InvalidArgument, ex.ParamName ?? nameof(options), ex.Message);
        }

        _path = NormalizePath(options.Path);
        _connectionSlots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
        _log = log ?? NullLogSink.Instance;
        _ownsValidator = ownsValidator;
    }

    /// <summary>Creates and starts a listener.</summary>
    public static Task<NotificationListener> StartAsync(
        NotificationListenerOptions options, NotificationTokenValidator tokenValidator, CancellationToken cancellationToken = default) =>
        StartAsync(options, tokenValidator, null, ownsValidator: false, cancellationToken);

    /// <summary>
    /// Starts a listener for the emulator's notifications, validated against the emulator's
    /// notificationOpenIdConfiguration with its certificate pinned (see <see cref="NotificationTokenValidator.ForEmulator"/>).
    /// </summary>
    public static Task<NotificationListener> StartForEmulatorAsync(
        EmulatorConnectionInfo connection, NotificationListenerOptions options, ILogSink? log = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, NotificationTokenValidator.ForEmulator(connection), log, ownsValidator: true, cancellationToken);

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
    public int Port => (_tcpListener?.LocalEndpoint as IPEndPoint)?.Port ?? 0;

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
                    NotificationErrorIds.NotificationKeysUnavailable,
                    FailureCategory.ConnectionError,
                    $"The notification listener could not read the token signing keys from {_validator.Options.OpenIdConfigurationUri}: {ex.Message}",
                    _validator.Options.OpenIdConfigurationUri,
                    ex);
            }
        }

        var tcpListener = new TcpListener(_options.Address, _options.Port);
        try
        {
            tcpListener.Start();
        }
        catch (SocketException ex)
        {
            StopCore();
            var category = ex.SocketErrorCode == SocketError.AddressAlreadyInUse ? FailureCategory.ResourceExists : FailureCategory.ConnectionError;
            throw new CommsInviteException(
                NotificationErrorIds.NotificationListenerStartFailed,
                category,
                $"The notification listener could not listen on {_options.Address}:{_options.Port}: {ex.Message}",
                $"{_options.Address}:{_options.Port}",
                ex);
        }

        lock (_gate)
        {
            _tcpListener = tcpListener;
            if (Volatile.Read(ref _state) == 2)
            {
                // Stopped while starting: StopCore ran before the socket was recorded.
                tcpListener.Stop();
                throw new OperationCanceledException("The notification listener was stopped while it was starting.");
            }

            _acceptLoop = Task.Run(() => AcceptLoopAsync(tcpListener, _stop.Token));
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
    public NotificationListenerStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new NotificationListenerStatistics(
                Interlocked.Read(ref _requestsAccepted),
                Interlocked.Read(ref _notificationsReceived),
                Interlocked.Read(ref _notificationsDropped),
                _queue.Count,
                new Dictionary<ListenerRejectionReason, long>(_rejected),
                _recentRejections.ToArray());
        }
    }

    /// <summary>The queued notifications, oldest first, without removing them.</summary>
    public IReadOnlyList<CommsNotification> Peek()
    {
        lock (_gate)
        {
            return new List<CommsNotification>(_queue);
        }
    }

    /// <summary>Removes and returns up to <paramref name="maxCount"/> queued notifications (all by default), oldest first.</summary>
    public IReadOnlyList<CommsNotification> Drain(int maxCount = int.MaxValue)
    {
        var drained = new List<CommsNotification>();
        lock (_gate)
        {
            while (drained.Count < maxCount && _queue.First is { } first)
            {
                drained.Add(first.Value);
                _queue.RemoveFirst();
            }
        }

        return drained;
    }

    /// <summary>
    /// Removes and returns the oldest queued notification, waiting up to <paramref name="timeout"/> for one to
    /// arrive; null when none arrived in time or the listener stopped.
    /// </summary>
    public async Task<CommsNotification?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<CommsNotification?> receiver;
        LinkedListNode<TaskCompletionSource<CommsNotification?>> node;
        lock (_gate)
        {
            if (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                return first.Value;
            }

            if (Volatile.Read(ref _state) == 2 || timeout <= TimeSpan.Zero)
            {
                return null;
            }

            receiver = new TaskCompletionSource<CommsNotification?>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _receivers.AddLast(receiver);
        }

        try
        {
            return await WaitAsync(receiver.Task, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _receivers.Remove(node);
                }
            }
        }
    }

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
    public async Task<InviteParticipantsOperation?> WaitForOperationAsync(
        string callId, string operationId, string? clientContext, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(callId))
        {
            throw new CommsValidationException(ErrorIds.InvalidCallId, nameof(callId), "A call id is required to wait for an operation.");
        }

        if (string.IsNullOrWhiteSpace(operationId))
        {
            throw new CommsValidationException(ErrorIds.InvalidArgument, nameof(operationId), "An operation id is required to wait for an operation.");
        }

        var keys = new List<string> { OperationKey(callId, operationId) };
        if (!string.IsNullOrEmpty(clientContext))
        {
            keys.Add(ClientContextKey(callId, clientContext!));
        }

        TaskCompletionSource<InviteParticipantsOperation?> waiter;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_finalOperations.TryGetValue(key, out var known))
                {
                    return WithId(known, operationId);
                }
            }

            if (Volatile.Read(ref _state) == 2 || timeout <= TimeSpan.Zero)
            {
                return null;
            }

            waiter = new TaskCompletionSource<InviteParticipantsOperation?>(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var key in keys)
            {
                if (!_operationWaiters.TryGetValue(key, out var waiters))
                {
                    waiters = new List<TaskCompletionSource<InviteParticipantsOperation?>>();
                    _operationWaiters[key] = waiters;
                }

                waiters.Add(waiter);
            }
        }

        try
        {
            var operation = await WaitAsync(waiter.Task, timeout, cancellationToken).ConfigureAwait(false);
            return operation is null ? null : WithId(operation, operationId);
        }
        finally
        {
            lock (_gate)
            {
                foreach (var key in keys)
                {
                    if (_operationWaiters.TryGetValue(key, out var waiters))
                    {
                        waiters.Remove(waiter);
                        if (waiters.Count == 0)
                        {
                            _operationWaiters.Remove(key);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The stored operation is shared between waiters, so an id is filled into a copy.</summary>
    private static InviteParticipantsOperation WithId(InviteParticipantsOperation operation, string operationId) =>
        operation.Id is not null
            ? operation
            : new InviteParticipantsOperation
            {
                ODataType = operation.ODataType,
                Id = operationId,
                Status = operation.Status,
                ClientContext = operation.ClientContext,
                ResultInfo = operation.ResultInfo,
                Participants = operation.Participants,
                CallId = operation.CallId,
                Location = operation.Location,
                ApiVersion = operation.ApiVersion,
            };

    private static async Task<T?> WaitAsync<T>(Task<T?> task, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Task.Delay takes at most int.MaxValue milliseconds; longer means "until cancelled or stopped".
        var delay = Task.Delay(
            timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds > int.MaxValue ? Timeout.InfiniteTimeSpan : timeout,
            delayCancellation.Token);
        var finished = await Task.WhenAny(task, delay).ConfigureAwait(false);
        delayCancellation.Cancel();
        if (finished == task)
        {
            return await task.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    private static string OperationKey(string callId, string operationId) =>
        "id:" + callId.Trim().ToLowerInvariant() + "/" + operationId.Trim().ToLowerInvariant();

    // Client contexts are opaque strings chosen by the client: compared exactly.
    private static string ClientContextKey(string callId, string clientContext) =>
        "context:" + callId.Trim().ToLowerInvariant() + "/" + clientContext;

    private static string NormalizePath(string path)
    {
        var trimmed = path.Trim();
        return trimmed.Length > 1 ? trimmed.TrimEnd('/') : trimmed;
    }

    private List<Task> StopCore()
    {
        var tasks = new List<Task>();
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return tasks;
        }

        _stop.Cancel();
        TcpListener? tcpListener;
        lock (_gate)
        {
            tcpListener = _tcpListener;
        }

        try
        {
            tcpListener?.Stop();
        }
        catch (SocketException)
        {
            // Already closed.
        }

        List<TaskCompletionSource<CommsNotification?>> receivers;
        List<TaskCompletionSource<InviteParticipantsOperation?>> waiters = new();
        lock (_gate)
        {
            if (_acceptLoop is not null)
            {
                tasks.Add(_acceptLoop);
            }

            tasks.AddRange(_connections);
            receivers = new List<TaskCompletionSource<CommsNotification?>>(_receivers);
            _receivers.Clear();
            foreach (var list in _operationWaiters.Values)
            {
                waiters.AddRange(list);
            }
        }

        foreach (var receiver in receivers)
        {
            receiver.TrySetResult(null);
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(null);
        }

        if (_ownsValidator)
        {
            _validator.Dispose();
        }

        _log.Verbose($"Notification listener stopped: {GetStatistics()}.");
        return tasks;
    }

    private async Task AcceptLoopAsync(TcpListener tcpListener, CancellationToken stopToken)
    {
        while (!stopToken.IsCancellationRequested)
        {
            try
            {
                await _connectionSlots.WaitAsync(stopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            TcpClient client;
            try
            {
                client = await tcpListener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
            {
                _connectionSlots.Release();
                if (stopToken.IsCancellationRequested)
                {
                    return;
                }

                // A peer that resets while queued in the backlog surfaces here; keep accepting.
                continue;
            }

            var connection = Task.Run(() => ServeConnectionAsync(client, stopToken));
            lock (_gate)
            {
                _connections.Add(connection);
            }

            _ = connection.ContinueWith(
                finished =>
                {
                    lock (_gate)
                    {
                        _connections.Remove(finished);
                    }

                    _connectionSlots.Release();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeConnectionAsync(TcpClient client, CancellationToken stopToken)
    {
        var remoteAddress = (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString();
        using var connectionTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopToken);

        // Socket reads do not observe cancellation tokens on every runtime; closing the socket always ends them.
        using var closeOnCancel = connectionTimeout.Token.Register(client.Dispose);
        Stream? stream = null;
        try
        {
            client.NoDelay = true;
            stream = client.GetStream();
            if (_options.Certificate is { } certificate)
            {
                connectionTimeout.CancelAfter(_options.RequestTimeout);
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;

                // SslProtocols.None lets the operating system pick its current protocols (TLS 1.2/1.3).
                await ssl.AuthenticateAsServerAsync(certificate, clientCertificateRequired: false, SslProtocols.None, checkCertificateRevocation: false)
                    .ConfigureAwait(false);
            }

            var reader = new HttpRequestReader(stream);
            while (!stopToken.IsCancellationRequested)
            {
                connectionTimeout.CancelAfter(_options.KeepAliveTimeout);
                HttpRequestHead? head;
                try
                {
                    head = await reader.ReadHeadAsync(_options.MaxHeaderBytes, connectionTimeout.Token).ConfigureAwait(false);
                }
                catch (HttpProtocolException ex)
                {
                    await RefuseAsync(stream, ListenerRejectionReason.BadHttpRequest, ex.StatusCode, ex.Message, remoteAddress, null, connectionTimeout.Token)
                        .ConfigureAwait(false);
                    await LingerAsync(client, stream, connectionTimeout).ConfigureAwait(false);
                    return;
                }

                if (head is null)
                {
                    return;
                }

                connectionTimeout.CancelAfter(_options.RequestTimeout);
                var keepAlive = await HandleRequestAsync(stream, reader, head, remoteAddress, connectionTimeout.Token).ConfigureAwait(false);
                if (!keepAlive)
                {
                    await LingerAsync(client, stream, connectionTimeout).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException ||
                                   ex is AuthenticationException || ex is OperationCanceledException)
        {
            // The peer went away, was too slow, or failed the TLS handshake: nothing to answer.
        }
        finally
        {
            stream?.Dispose();
            client.Dispose();
        }
    }

    /// <summary>
    /// Closes a connection whose request may not have been read completely (e.g. a refused oversized body):
    /// closing a socket with unread data makes the peer see a reset instead of our answer, so the answer is
    /// sent, our side shut down, and what the peer still sends is read and discarded for a short while.
    /// </summary>
    private static async Task LingerAsync(TcpClient client, Stream stream, CancellationTokenSource connectionTimeout)
    {
        const int maxDiscardBytes = 16 * 1024 * 1024;
        connectionTimeout.CancelAfter(TimeSpan.FromSeconds(2));
        client.Client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[16 * 1024];
        var discarded = 0;
        int read;
        while (discarded < maxDiscardBytes &&
               (read = await stream.ReadAsync(buffer, 0, buffer.Length, connectionTimeout.Token).ConfigureAwait(false)) > 0)
        {
            discarded += read;
        }
    }

    /// <summary>Serves one request; returns whether the connection may carry another.</summary>
    private async Task<bool> HandleRequestAsync(
        Stream stream, HttpRequestReader reader, HttpRequestHead head, string? remoteAddress, CancellationToken cancellationToken)
    {
        var keepAlive = head.KeepAlive;
        byte[] body;
        try
        {
            if (string.Equals(head.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
            {
                var proceed = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
                await stream.WriteAsync(proceed, 0, proceed.Length, cancellationToken).ConfigureAwait(false);
            }

            // The body is read even for requests that will be refused: closing a socket with unread data
            // makes the peer see a reset instead of our answer.
            body = await reader.ReadBodyAsync(head, _options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpProtocolException ex)
        {
            var reason = ex.StatusCode == 413 ? ListenerRejectionReason.BodyTooLarge : ListenerRejectionReason.BadHttpRequest;
            await RefuseAsync(stream, reason, ex.StatusCode, ex.Message, remoteAddress, null, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (!string.Equals(NormalizePath(head.Path), _path, StringComparison.OrdinalIgnoreCase))
        {
            return await RefuseAsync(stream, ListenerRejectionReason.NotFound, 404, $"Notifications are accepted on {_path} only.",
                remoteAddress, null, cancellationToken, keepAlive).ConfigureAwait(false);
        }

        if (!string.Equals(head.Method, "POST", StringComparison.Ordinal))
        {
            return await RefuseAsync(stream, ListenerRejectionReason.MethodNotAllowed, 405, "Notifications are POSTed.",
                remoteAddress, new[] { new KeyValuePair<string, string>("Allow", "POST") }, cancellationToken, keepAlive).ConfigureAwait(false);
        }

        var token = await _validator.ValidateAuthorizationHeaderAsync(head.Header("Authorization"), cancellationToken).ConfigureAwait(false);
        if (!token.IsValid)
        {
            var reason = ToListenerReason(token.Reason);
            if (reason == ListenerRejectionReason.KeysUnavailable)
            {
                return await RefuseAsync(stream, reason, 503, token.Message, remoteAddress,
                    new[] { new KeyValuePair<string, string>("Retry-After", "5") }, cancellationToken, keepAlive).ConfigureAwait(false);
            }

            var challenge = token.Reason == TokenRejectionReason.Missing ? "Bearer" : "Bearer error=\"invalid_token\"";
            return await RefuseAsync(stream, reason, 401, token.Message, remoteAddress,
                new[] { new KeyValuePair<string, string>("WWW-Authenticate", challenge) }, cancellationToken, keepAlive).ConfigureAwait(false);
        }

        var parsed = CommsNotificationParser.Parse(body);
        if (!parsed.Success)
        {
            return await RefuseAsync(stream, ListenerRejectionReason.MalformedBody, 400, parsed.Error, remoteAddress, null, cancellationToken, keepAlive)
                .ConfigureAwait(false);
        }

        Accept(parsed.Notifications);
        _log.Debug($"Notification POST from {remoteAddress} accepted: {string.Join("; ", ToStrings(parsed.Notifications))}.");
        await HttpResponseWriter.WriteAsync(stream, 202, null, null, keepAlive, cancellationToken).ConfigureAwait(false);
        return keepAlive;
    }

    private void Accept(IReadOnlyList<CommsNotification> notifications)
    {
        var now = DateTimeOffset.UtcNow;
        var completions = new List<(TaskCompletionSource<InviteParticipantsOperation?> Waiter, InviteParticipantsOperation Operation)>();
        var deliveries = new List<(TaskCompletionSource<CommsNotification?> Receiver, CommsNotification Notification)>();
        lock (_gate)
        {
            Interlocked.Increment(ref _requestsAccepted);
            foreach (var notification in notifications)
            {
                notification.ReceivedAt = now;
                Interlocked.Increment(ref _notificationsReceived);
                if (notification is OperationNotification { IsFinal: true, CallId: { } callId } operation)
                {
                    if (operation.OperationId is { } operationId)
                    {
                        RememberFinal(OperationKey(callId, operationId), operation.Operation, completions);
                    }
                    else if (!string.IsNullOrEmpty(operation.ClientContext))
                    {
                        // Only id-less operations are matched by client context: a caller may reuse one
                        // context for several invites, and an id says which one ended.
                        RememberFinal(ClientContextKey(callId, operation.ClientContext!), operation.Operation, completions);
                    }
                }

                // A waiting receiver takes the notification directly; otherwise it is queued.
                if (_receivers.First is { } receiver)
                {
                    _receivers.RemoveFirst();
                    deliveries.Add((receiver.Value, notification));
                    continue;
                }

                _queue.AddLast(notification);
                while (_queue.Count > _options.QueueCapacity)
                {
                    _queue.RemoveFirst();
                    Interlocked.Increment(ref _notificationsDropped);
                }
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but this keeps the lock short.
        foreach (var (waiter, operation) in completions)
        {
            waiter.TrySetResult(operation);
        }

        foreach (var (receiver, notification) in deliveries)
        {
            if (!receiver.TrySetResult(notification))
            {
                // The receiver gave up at the same moment; keep the notification for others.
                lock (_gate)
                {
                    _queue.AddFirst(notification);
                }
            }
        }
    }

    /// <summary>Records a final operation under one key and collects the waiters to complete. Call under the lock.</summary>
    private void RememberFinal(
        string key,
        InviteParticipantsOperation operation,
        List<(TaskCompletionSource<InviteParticipantsOperation?> Waiter, InviteParticipantsOperation Operation)> completions)
    {
        if (!_finalOperations.ContainsKey(key))
        {
            _finalOperationOrder.Enqueue(key);
            while (_finalOperationOrder.Count > _options.OperationHistoryCapacity)
            {
                _finalOperations.Remove(_finalOperationOrder.Dequeue());
            }
        }

        _finalOperations[key] = operation;
        if (_operationWaiters.TryGetValue(key, out var waiters))
        {
            foreach (var waiter in waiters)
            {
                completions.Add((waiter, operation));
            }
        }
    }

    private async Task<bool> RefuseAsync(
        Stream stream,
        ListenerRejectionReason reason,
        int statusCode,
        string? message,
        string? remoteAddress,
        IEnumerable<KeyValuePair<string, string>>? headers,
        CancellationToken cancellationToken,
        bool keepAlive = false)
    {
        lock (_gate)
        {
            _rejected[reason] = (_rejected.TryGetValue(reason, out var count) ? count : 0) + 1;
            _recentRejections.Enqueue(new NotificationRejection(DateTimeOffset.UtcNow, reason, statusCode, message, remoteAddress));
            while (_recentRejections.Count > _options.RecentRejectionCapacity)
            {
                _recentRejections.Dequeue();
            }
        }

        var line = $"Notification from {remoteAddress ?? "(unknown)"} refused with {statusCode} ({reason}): {message}";
        if (reason == ListenerRejectionReason.KeysUnavailable)
        {
            _log.Warning(line);
        }
        else
        {
            _log.Verbose(line);
        }

        // The answer names the reason only; details (issuer, audience) stay in the local statistics.
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, string> { ["code"] = reason.ToString(), ["message"] = PublicMessage(statusCode) },
        });
        await HttpResponseWriter.WriteAsync(stream, statusCode, headers, body, keepAlive, cancellationToken).ConfigureAwait(false);
        return keepAlive;
    }

    private static IEnumerable<string> ToStrings(IEnumerable<CommsNotification> notifications)
    {
        foreach (var notification in notifications)
        {
            yield return notification.ToString();
        }
    }

    private static string PublicMessage(int statusCode) => statusCode switch
    {
        401 => "The notification's bearer token was rejected.",
        503 => "The token signing keys are unavailable; retry later.",
        404 => "Not found.",
        405 => "Method not allowed.",
        413 => "The body is too large.",
        _ => "The request was rejected.",
    };

    private static ListenerRejectionReason ToListenerReason(TokenRejectionReason reason) => reason switch
    {
        TokenRejectionReason.Missing => ListenerRejectionReason.Missing,
        TokenRejectionReason.Malformed => ListenerRejectionReason.Malformed,
        TokenRejectionReason.Unsigned => ListenerRejectionReason.Unsigned,
        TokenRejectionReason.BadSignature => ListenerRejectionReason.BadSignature,
        TokenRejectionReason.WrongIssuer => ListenerRejectionReason.WrongIssuer,
        TokenRejectionReason.WrongAudience => ListenerRejectionReason.WrongAudience,
        TokenRejectionReason.Expired => ListenerRejectionReason.Expired,
        TokenRejectionReason.NotYetValid => ListenerRejectionReason.NotYetValid,
        TokenRejectionReason.KeysUnavailable => ListenerRejectionReason.KeysUnavailable,
        _ => ListenerRejectionReason.Malformed,
    };
}
