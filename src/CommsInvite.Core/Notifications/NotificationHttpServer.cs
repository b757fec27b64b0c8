using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CommsInvite.Core.Notifications;

/// <summary>What the HTTP server hands each complete request to.</summary>
internal interface IHttpRequestHandler
{
    /// <summary>Answers one request. Must not throw and must end on its own (its waits are bounded).</summary>
    Task<HttpAnswer> HandleAsync(HttpRequestHead head, byte[] body, string? remoteAddress, CancellationToken cancellationToken);

    /// <summary>The answer to a request that is not valid HTTP (the server closes the connection after it).</summary>
    HttpAnswer RefuseMalformed(int statusCode, string message, string? remoteAddress);
}

/// <summary>
/// A small HTTP/1.1 (optionally HTTPS) server for one handler: TcpListener + SslStream, because HttpListener
/// cannot serve HTTPS on Linux/macOS. Its rules against hostile peers:
/// a connection must send a complete request head within <see cref="NotificationListenerOptions.HeadTimeout"/>
/// of being accepted (or of its first byte, on a kept-alive connection); an idle connection never keeps a new
/// one out (at <see cref="NotificationListenerOptions.MaxConnections"/>, the longest-idle one is closed to make
/// room); every request that was read gets an answer.
/// </summary>
internal sealed class NotificationHttpServer
{
    private readonly NotificationListenerOptions _options;
    private readonly IHttpRequestHandler _handler;
    private readonly ILogSink _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly LinkedList<Connection> _idle = new();
    private readonly HashSet<Task> _tasks = new();
    private TcpListener? _tcpListener;
    private Task? _acceptLoop;
    private int _connectionCount;
    private long _headTimeouts;
    private long _evicted;
    private long _refusedBusy;

    public NotificationHttpServer(NotificationListenerOptions options, IHttpRequestHandler handler, ILogSink log)
    {
        _options = options;
        _handler = handler;
        _log = log;
    }

    public int Port => (_tcpListener?.LocalEndpoint as IPEndPoint)?.Port ?? 0;

    /// <summary>Connections closed because they did not send a complete request head in time.</summary>
    public long HeadTimeouts => Interlocked.Read(ref _headTimeouts);

    /// <summary>Idle connections closed to make room for new ones.</summary>
    public long ConnectionsEvicted => Interlocked.Read(ref _evicted);

    /// <summary>Connections answered 503 because every slot was serving a request.</summary>
    public long ConnectionsRefusedBusy => Interlocked.Read(ref _refusedBusy);

    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connectionCount;
            }
        }
    }

    /// <summary>Binds and starts accepting; throws <see cref="SocketException"/> when the address cannot be bound.</summary>
    public void Start()
    {
        var tcpListener = new TcpListener(_options.Address, _options.Port);
        tcpListener.Start(1024);
        lock (_gate)
        {
            _tcpListener = tcpListener;
            _acceptLoop = Task.Run(() => AcceptLoopAsync(tcpListener, _stop.Token));
        }
    }

    /// <summary>Stops accepting and closes every connection; returns the tasks to wait for.</summary>
    public List<Task> Stop()
    {
        _stop.Cancel();
        var tasks = new List<Task>();
        lock (_gate)
        {
            try
            {
                _tcpListener?.Stop();
            }
            catch (SocketException)
            {
                // Already closed.
            }

            if (_acceptLoop is not null)
            {
                tasks.Add(_acceptLoop);
            }

            tasks.AddRange(_tasks);
        }

        return tasks;
    }

    private async Task AcceptLoopAsync(TcpListener tcpListener, CancellationToken stopToken)
    {
        while (!stopToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await tcpListener.AcceptTcpClientAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || ex is SocketException || ex is InvalidOperationException)
            {
                if (stopToken.IsCancellationRequested)
                {
                    return;
                }

                // A peer that resets while queued in the backlog surfaces here; keep accepting.
                continue;
            }

            var connection = new Connection(client);
            Connection? evict = null;
            var refuse = false;
            lock (_gate)
            {
                if (_connectionCount >= _options.MaxConnections)
                {
                    if (_idle.First is { } oldest)
                    {
                        evict = oldest.Value;
                        _idle.RemoveFirst();
                        evict.Node = null;
                    }
                    else
                    {
                        refuse = true;
                    }
                }

                if (!refuse)
                {
                    _connectionCount++;
                    connection.Node = _idle.AddLast(connection);
                }
            }

            if (evict is not null)
            {
                // The slot is released when its serving task sees the closed socket and ends.
                Interlocked.Increment(ref _evicted);
                evict.Client.Dispose();
            }

            if (refuse)
            {
                Interlocked.Increment(ref _refusedBusy);
                Track(RefuseBusyAsync(client));
                continue;
            }

            Track(Task.Run(() => ServeAsync(connection, stopToken)));
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _tasks.Add(task);
        }

        _ = task.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _tasks.Remove(finished);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Every slot serves a request: answer 503 at once (plain HTTP only; a TLS peer just sees the close).</summary>
    private async Task RefuseBusyAsync(TcpClient client)
    {
        using (client)
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        using (timeout.Token.Register(client.Dispose))
        {
            try
            {
                if (_options.Certificate is null)
                {
                    var answer = new HttpAnswer(503, new[] { new KeyValuePair<string, string>("Retry-After", "1") }, close: true);
                    await HttpResponseWriter.WriteAsync(client.GetStream(), answer, keepAlive: false, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException || ex is OperationCanceledException)
            {
                // The peer left first.
            }
        }
    }

    private async Task ServeAsync(Connection connection, CancellationToken stopToken)
    {
        var client = connection.Client;
        string? remoteAddress = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        deadline.CancelAfter(_options.HeadTimeout);

        // Socket reads do not observe cancellation tokens on every runtime; closing the socket always ends them.
        using var closeOnDeadline = deadline.Token.Register(client.Dispose);
        Stream? stream = null;
        var waitingForHead = true;
        try
        {
            remoteAddress = (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString();
            client.NoDelay = true;
            stream = client.GetStream();
            if (_options.Certificate is { } certificate)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;

                // SslProtocols.None lets the operating system pick its current protocols (TLS 1.2/1.3).
                await ssl.AuthenticateAsServerAsync(certificate, clientCertificateRequired: false, SslProtocols.None, checkCertificateRevocation: false)
                    .ConfigureAwait(false);
            }

            var reader = new HttpRequestReader(stream);
            var first = true;
            while (!stopToken.IsCancellationRequested)
            {
                waitingForHead = true;
                if (!first)
                {
                    SetIdle(connection);
                    deadline.CancelAfter(_options.KeepAliveTimeout);
                    if (!await reader.WaitForDataAsync(deadline.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    // The head timeout runs from the first byte of each request on a kept-alive connection.
                    deadline.CancelAfter(_options.HeadTimeout);
                }

                first = false;
                HttpRequestHead? head;
                try
                {
                    head = await reader.ReadHeadAsync(_options.MaxHeaderBytes, deadline.Token).ConfigureAwait(false);
                }
                catch (HttpProtocolException ex)
                {
                    SetBusy(connection);
                    await AnswerAndCloseAsync(client, stream, _handler.RefuseMalformed(ex.StatusCode, ex.Message, remoteAddress), deadline).ConfigureAwait(false);
                    return;
                }

                if (head is null)
                {
                    return;
                }

                waitingForHead = false;
                SetBusy(connection);
                deadline.CancelAfter(_options.RequestTimeout);
                byte[] body;
                try
                {
                    if (string.Equals(head.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
                    {
                        var proceed = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
                        await stream.WriteAsync(proceed, 0, proceed.Length, deadline.Token).ConfigureAwait(false);
                    }

                    // The body is read even for requests that will be refused: closing a socket with unread data
                    // makes the peer see a reset instead of our answer.
                    body = await reader.ReadBodyAsync(head, _options.MaxBodyBytes, deadline.Token).ConfigureAwait(false);
                }
                catch (HttpProtocolException ex)
                {
                    await AnswerAndCloseAsync(client, stream, _handler.RefuseMalformed(ex.StatusCode, ex.Message, remoteAddress), deadline).ConfigureAwait(false);
                    return;
                }

                // The handler bounds its own waits (key fetches); the connection is not cut under it.
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                HttpAnswer answer;
                try
                {
                    answer = await _handler.HandleAsync(head, body, remoteAddress, stopToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stopToken.IsCancellationRequested)
                {
                    _log.Warning($"The notification listener failed to handle a request ({ex.GetType().Name}); answered 500.");
                    answer = new HttpAnswer(500, close: true);
                }

                deadline.CancelAfter(_options.RequestTimeout);
                var keepAlive = head.KeepAlive && !answer.Close;
                if (!keepAlive)
                {
                    await AnswerAndCloseAsync(client, stream, answer, deadline).ConfigureAwait(false);
                    return;
                }

                await HttpResponseWriter.WriteAsync(stream, answer, keepAlive: true, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException || ex is SocketException || ex is ObjectDisposedException ||
                                   ex is AuthenticationException || ex is OperationCanceledException || ex is InvalidOperationException)
        {
            // The peer went away, was too slow, was evicted while idle, or failed the TLS handshake: nothing to answer.
            if (waitingForHead && deadline.IsCancellationRequested && !stopToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _headTimeouts);
            }
        }
        finally
        {
            stream?.Dispose();
            client.Dispose();
            Release(connection);
        }
    }

    /// <summary>
    /// Answers and closes a connection whose request may not have been read completely (e.g. a refused oversized
    /// body): closing a socket with unread data makes the peer see a reset instead of our answer, so the answer is
    /// sent, our side shut down, and what the peer still sends is read and discarded for a short while.
    /// </summary>
    private static async Task AnswerAndCloseAsync(TcpClient client, Stream stream, HttpAnswer answer, CancellationTokenSource deadline)
    {
        await HttpResponseWriter.WriteAsync(stream, answer, keepAlive: false, deadline.Token).ConfigureAwait(false);
        const int maxDiscardBytes = 16 * 1024 * 1024;
        deadline.CancelAfter(TimeSpan.FromSeconds(2));
        client.Client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[16 * 1024];
        var discarded = 0;
        int read;
        while (discarded < maxDiscardBytes &&
               (read = await stream.ReadAsync(buffer, 0, buffer.Length, deadline.Token).ConfigureAwait(false)) > 0)
        {
            discarded += read;
        }
    }

    private void SetIdle(Connection connection)
    {
        lock (_gate)
        {
            if (connection.Node is null && !connection.Released)
            {
                connection.Node = _idle.AddLast(connection);
            }
        }
    }

    private void SetBusy(Connection connection)
    {
        lock (_gate)
        {
            if (connection.Node is not null)
            {
                _idle.Remove(connection.Node);
                connection.Node = null;
            }
        }
    }

    private void Release(Connection connection)
    {
        lock (_gate)
        {
            if (connection.Released)
            {
                return;
            }

            connection.Released = true;
            if (connection.Node is not null)
            {
                _idle.Remove(connection.Node);
                connection.Node = null;
            }

            _connectionCount--;
        }
    }

    private sealed class Connection
    {
        public Connection(TcpClient client)
        {
            Client = client;
        }

        public TcpClient Client { get; }

        /// <summary>Its place in the idle list (oldest first) while it waits for a request head; null while serving.</summary>
        public LinkedListNode<Connection>? Node { get; set; }

        public bool Released { get; set; }
    }
}
