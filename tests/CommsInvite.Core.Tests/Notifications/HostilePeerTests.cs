using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>
/// The listener against peers that do not play by the rules, over real sockets: silent and trickling connections,
/// thousands of idle sockets, request smuggling attempts, oversized trailers, an issuer that hangs, forged tokens
/// with text meant for the log.
/// </summary>
public sealed class HostilePeerTests : IClassFixture<IssuerFixture>
{
    private const string CallId = "5a1e0c3b-7d2f-4b6a-9e8d-1c0b2a3f4e5d";

    private readonly IssuerFixture _issuer;

    public HostilePeerTests(IssuerFixture issuer)
    {
        _issuer = issuer;
    }

    private static string OperationEntry(string operationId) =>
        "{\"changeType\":\"Deleted\",\"resource\":\"/app/calls/" + CallId + "/operations/" + operationId + "\",\"resourceUrl\":\"/communications/calls/" +
        CallId + "/operations/" + operationId + "\",\"resourceData\":{\"id\":\"" + operationId + "\",\"status\":\"Completed\"}}";

    private static string OperationBody(string operationId) => "{\"value\":[" + OperationEntry(operationId) + "]}";

    private Task<NotificationListener> StartAsync(NotificationListenerOptions? options = null, ILogSink? log = null) =>
        NotificationListener.StartAsync(options ?? new NotificationListenerOptions(),
            new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), _issuer.Http), log, ownsValidator: true);

    private static string Request(string head, string body = "") => head.Replace("\n", "\r\n", StringComparison.Ordinal) + body;

    /// <summary>Sends raw bytes and reads until the listener closes the connection (or 10 s pass).</summary>
    private static async Task<string> ExchangeAsync(int port, byte[] request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answer still leaves the answer.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }

    private static int CountStatusLines(string answer) =>
        answer.Split("\r\n").Count(line => line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal));

    [Fact]
    public async Task AConnectionThatSendsNoCompleteHeadInTimeIsClosed()
    {
        await using var scope = new Scope(await StartAsync(new NotificationListenerOptions { HeadTimeout = TimeSpan.FromMilliseconds(600) }));
        var port = scope.Listener.Port;

        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, port);
        using var trickling = new TcpClient();
        await trickling.ConnectAsync(IPAddress.Loopback, port);
        var tricklingStream = trickling.GetStream();
        await tricklingStream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/calls HTTP/1.1\r\n"));

        // The trickler keeps sending a byte every 100 ms: activity does not extend the head timeout.
        var clock = Stopwatch.StartNew();
        var closedAt = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < 100; i++)
            {
                await tricklingStream.WriteAsync(new[] { (byte)'X' });
                await Task.Delay(100);
            }
        }
        catch (IOException)
        {
            closedAt = clock.Elapsed;
        }

        Assert.NotEqual(TimeSpan.Zero, closedAt);
        Assert.True(closedAt < TimeSpan.FromSeconds(5), $"closed after {closedAt}");
        var buffer = new byte[16];
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await silent.GetStream().ReadAsync(buffer, readTimeout.Token));
        Assert.True(scope.Listener.GetStatistics().ConnectionsTimedOut >= 2);
    }

    [Fact]
    public async Task TwoThousandIdleSocketsDoNotKeepANotificationOut()
    {
        await using var scope = new Scope(await StartAsync());
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 2000; i++)
            {
                var tcp = new TcpClient();
                idle.Add(tcp);
                await tcp.ConnectAsync(IPAddress.Loopback, scope.Listener.Port);
            }

            using var client = new HttpClient();
            var clock = Stopwatch.StartNew();
            using var response = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-idle"), _issuer.ValidToken()));
            clock.Stop();

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"answered after {clock.Elapsed}");
            Assert.True(scope.Listener.GetStatistics().ConnectionsEvicted > 0);
        }
        finally
        {
            foreach (var tcp in idle)
            {
                tcp.Dispose();
            }
        }
    }

    public static TheoryData<string, string, string> BadFraming => new()
    {
        { "Content-Length with Transfer-Encoding", "POST /api/calls HTTP/1.1\nHost: x\nContent-Length: 5\nTransfer-Encoding: chunked\n\n", "0\r\n\r\nGET /hidden HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "xchunked", "POST /api/calls HTTP/1.1\nHost: x\nTransfer-Encoding: xchunked\n\n", "0\r\n\r\n" },
        { "chunked twice", "POST /api/calls HTTP/1.1\nHost: x\nTransfer-Encoding: chunked, chunked\n\n", "0\r\n\r\n" },
        { "chunked not last", "POST /api/calls HTTP/1.1\nHost: x\nTransfer-Encoding: chunked, gzip\n\n", "0\r\n\r\n" },
        { "whitespace before a colon", "POST /api/calls HTTP/1.1\nHost: x\nContent-Length : 2\n\n", "{}" },
        { "a folded header line", "POST /api/calls HTTP/1.1\nHost: x\nX-A: 1\n  folded\nContent-Length: 2\n\n", "{}" },
        { "two different Content-Length values", "POST /api/calls HTTP/1.1\nHost: x\nContent-Length: 2\nContent-Length: 3\n\n", "{}" },
        { "a bare CR", "POST /api/calls HTTP/1.1\nHost: x\rX-A: 1\nContent-Length: 2\n\n", "{}" },
        { "a signed Content-Length", "POST /api/calls HTTP/1.1\nHost: x\nContent-Length: +2\n\n", "{}" },
    };

    [Theory]
    [MemberData(nameof(BadFraming))]
    public async Task AmbiguousFramingIsRefusedAndTheConnectionClosed(string name, string head, string body)
    {
        await using var scope = new Scope(await StartAsync());

        var answer = await ExchangeAsync(scope.Listener.Port, Encoding.ASCII.GetBytes(Request(head, body)));

        Assert.True(answer.StartsWith("HTTP/1.1 400 ", StringComparison.Ordinal), $"{name}: {answer}");
        Assert.Contains("Connection: close", answer, StringComparison.Ordinal);
        Assert.Equal(1, CountStatusLines(answer));
        Assert.Equal(1, scope.Listener.GetStatistics().Rejected(ListenerRejectionReason.BadHttpRequest));
    }

    [Fact]
    public async Task ACodingOtherThanChunkedIsNotImplemented()
    {
        await using var scope = new Scope(await StartAsync());

        var answer = await ExchangeAsync(scope.Listener.Port,
            Encoding.ASCII.GetBytes(Request("POST /api/calls HTTP/1.1\nHost: x\nTransfer-Encoding: gzip, chunked\n\n", "0\r\n\r\n")));

        Assert.StartsWith("HTTP/1.1 501 ", answer, StringComparison.Ordinal);
        Assert.Empty(scope.Listener.Peek());
    }

    [Fact]
    public async Task TrailersAreBoundedInCountAndBytes()
    {
        await using var scope = new Scope(await StartAsync());
        var body = OperationBody("op-trailers");
        var chunked = $"{Encoding.UTF8.GetByteCount(body):x}\r\n{body}\r\n0\r\n";
        var head = $"POST /api/calls HTTP/1.1\nHost: x\nAuthorization: Bearer {_issuer.ValidToken()}\nTransfer-Encoding: chunked\n\n";

        var fine = await ExchangeAsync(scope.Listener.Port, Encoding.UTF8.GetBytes(Request(head.Replace("\n\n", "\nConnection: close\n\n", StringComparison.Ordinal), chunked + "X-T1: a\r\nX-T2: b\r\n\r\n")));
        var many = await ExchangeAsync(scope.Listener.Port,
            Encoding.UTF8.GetBytes(Request(head, chunked + string.Concat(Enumerable.Range(0, 40).Select(i => $"X-T{i}: v\r\n")) + "\r\n")));
        var large = await ExchangeAsync(scope.Listener.Port,
            Encoding.UTF8.GetBytes(Request(head, chunked + "X-T: " + new string('v', 9000) + "\r\n\r\n")));

        Assert.StartsWith("HTTP/1.1 202 ", fine, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 431 ", many, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 431 ", large, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheQueryStringNeverChangesTheRoute()
    {
        await using var scope = new Scope(await StartAsync());
        using var client = new HttpClient();
        var withQuery = new Uri(scope.Listener.Uri + "?next=https://a/b&x=http://c");

        using var response = await client.SendAsync(NotificationPosts.Post(withQuery, OperationBody("op-query"), _issuer.ValidToken()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task InvalidUtf8InOneEntryIsCountedAndTheOthersDelivered()
    {
        await using var scope = new Scope(await StartAsync());
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"value\":[{\"resource\":\"/communications/calls/c1\",\"resourceData\":{\"state\":\""));
        bytes.AddRange(new byte[] { 0xC3, 0x28 });
        bytes.AddRange(Encoding.UTF8.GetBytes("\"}},{\"resource\":\"/communications/calls/c1\",\"resourceData\":{\"state\":\"\\ud800\"}}," + OperationEntry("op-utf8") + "]}"));
        var head = $"POST /api/calls HTTP/1.1\nHost: x\nAuthorization: Bearer {_issuer.ValidToken()}\nContent-Length: {bytes.Count}\nConnection: close\n\n";

        var answer = await ExchangeAsync(scope.Listener.Port, Encoding.ASCII.GetBytes(Request(head)).Concat(bytes).ToArray());

        Assert.StartsWith("HTTP/1.1 202 ", answer, StringComparison.Ordinal);
        var statistics = scope.Listener.GetStatistics();
        Assert.Equal(3, statistics.NotificationsReceived);
        Assert.Equal(2, statistics.NotificationsInvalid);
        Assert.NotNull(await scope.Listener.WaitForOperationAsync(CallId, "op-utf8", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task WithNoKeysAndAHangingIssuerTheAnswerIs503WithRetryAfter()
    {
        using var key = new SigningKey("hang-key");
        await using var issuer = await OpenIdTestServer.StartAsync(key);
        issuer.Hang = true;
        var options = issuer.ValidatorOptions();
        options.KeyFetchTimeout = TimeSpan.FromMilliseconds(500);
        using var http = issuer.CreatePinnedClient();
        await using var scope = new Scope(await NotificationListener.StartAsync(
            new NotificationListenerOptions { FetchKeysOnStart = false }, new NotificationTokenValidator(options, http)));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-hang"),
            key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
        Assert.Equal(1, scope.Listener.GetStatistics().Rejected(ListenerRejectionReason.KeysUnavailable));
    }

    [Fact]
    public async Task AfterTheKeyCacheExpiresAHangingIssuerDoesNotStopNotifications()
    {
        using var key = new SigningKey("expiring-key");
        await using var issuer = await OpenIdTestServer.StartAsync(key);
        var options = issuer.ValidatorOptions(minimumRefresh: TimeSpan.FromMilliseconds(50));
        options.KeyCacheLifetime = TimeSpan.FromMilliseconds(200);
        options.KeyFetchTimeout = TimeSpan.FromSeconds(2);
        using var http = issuer.CreatePinnedClient();
        await issuer.Warm(http);
        await using var scope = new Scope(await NotificationListener.StartAsync(new NotificationListenerOptions(), new NotificationTokenValidator(options, http)));
        issuer.Hang = true;
        await Task.Delay(400);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        var clock = Stopwatch.StartNew();
        using var first = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-stale-1"),
            key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)));
        using var second = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-stale-2"),
            key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)));
        clock.Stop();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"answered after {clock.Elapsed}: the stale keys should not wait for the refresh");
    }

    [Fact]
    public async Task AnUnknownKidWhileTheIssuerHangsIsAnsweredWithinTheKeyFetchTimeout()
    {
        using var key = new SigningKey("known-key");
        using var stranger = new SigningKey("unknown-key");
        await using var issuer = await OpenIdTestServer.StartAsync(key);
        var options = issuer.ValidatorOptions(minimumRefresh: TimeSpan.FromMilliseconds(1));
        options.KeyFetchTimeout = TimeSpan.FromSeconds(1);
        using var http = issuer.CreatePinnedClient();
        using var validator = new NotificationTokenValidator(options, http);
        await issuer.Warm(http);
        await using var scope = new Scope(await NotificationListener.StartAsync(new NotificationListenerOptions(), validator));
        issuer.Hang = true;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        using var forged = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-kid"),
            stranger.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)));
        using var genuine = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-kid-2"),
            key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, genuine.StatusCode);
    }

    [Fact]
    public async Task AJwksUriThatIsNotHttpsIsRefused()
    {
        using var key = new SigningKey("plain-key");
        await using var issuer = await OpenIdTestServer.StartAsync(key);
        issuer.JwksUriOverride = "http://keys.example.com/v1/keys";
        using var http = issuer.CreatePinnedClient();
        using var validator = new NotificationTokenValidator(issuer.ValidatorOptions(), http);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => validator.RefreshKeysAsync());

        Assert.Contains("jwks_uri is not https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSignatureIsJudgedBeforeClaimsAndClaimTextIsNeverLoggedRaw()
    {
        var log = new RecordingLog();
        await using var scope = new Scope(await StartAsync(log: log));
        const string injected = "https://evil.example\r\n2026-01-01 FAKE LOG LINE";
        var forged = _issuer.AttackerKey.CreateToken(injected, OpenIdTestServer.AppId);
        var unsigned = UnsignedTokens.AlgNone(injected, OpenIdTestServer.AppId);
        var wrongIssuer = _issuer.IssuerKey.CreateToken(injected + new string('x', 500), OpenIdTestServer.AppId);
        using var client = new HttpClient();

        using var forgedAnswer = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-f"), forged));
        using var unsignedAnswer = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-u"), unsigned));
        using var wrongIssuerAnswer = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, OperationBody("op-w"), wrongIssuer));
        using var badPath = await client.SendAsync(NotificationPosts.Post(
            new Uri(scope.Listener.Uri, "/api/calls%0D%0AFAKE-PATH-LINE"), OperationBody("op-p"), _issuer.ValidToken()));

        var statistics = scope.Listener.GetStatistics();
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.BadSignature));
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.Unsigned));
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.WrongIssuer));
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.NotFound));
        var stored = statistics.RecentRejections.Select(r => r.Message ?? string.Empty).ToList();
        var logged = log.Lines;
        foreach (var text in stored.Concat(logged))
        {
            Assert.DoesNotContain('\r', text);
            Assert.DoesNotContain('\n', text);
            Assert.DoesNotContain("FAKE-PATH-LINE", text, StringComparison.Ordinal);
            Assert.True(text.Length < 600, $"{text.Length} characters kept: {text[..Math.Min(80, text.Length)]}");
        }

        Assert.Contains(stored, m => m.Contains("https://evil.example\\u000d\\u000a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABodyWithSomeBadEntriesIsAnswered202AndCounted()
    {
        await using var scope = new Scope(await StartAsync());
        using var client = new HttpClient();
        var body = "{\"value\":[{\"changeType\":\"updated\"},1," + OperationEntry("op-mixed") + "]}";

        using var response = await client.SendAsync(NotificationPosts.Post(scope.Listener.Uri, body, _issuer.ValidToken()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var statistics = scope.Listener.GetStatistics();
        Assert.Equal(3, statistics.NotificationsReceived);
        Assert.Equal(2, statistics.NotificationsInvalid);
        Assert.Equal(0, statistics.Rejected(ListenerRejectionReason.MalformedBody));
        var operation = await scope.Listener.WaitForOperationAsync(CallId, "op-mixed", TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(OperationStatus.Completed, operation!.Status);
        Assert.Equal(2, scope.Listener.Peek().OfType<InvalidNotification>().Count());
    }

    private sealed class RecordingLog : ILogSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines.ToArray();

        public void Verbose(string message) => _lines.Enqueue(message);

        public void Debug(string message) => _lines.Enqueue(message);

        public void Warning(string message) => _lines.Enqueue(message);
    }

    private sealed class Scope : IAsyncDisposable
    {
        public Scope(NotificationListener listener)
        {
            Listener = listener;
        }

        public NotificationListener Listener { get; }

        public async ValueTask DisposeAsync() => await Listener.StopAsync();
    }
}
