using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

public sealed class NotificationListenerTests : IClassFixture<IssuerFixture>, IAsyncLifetime
{
    private const string SeedCallId = "ab6233a5-20b7-4c5e-bea2-ce56c9776429";
    private const string SeedOperationId = "eec3812a-fdc3-4fb4-825c-a06c9f35414e";

    private readonly IssuerFixture _issuer;
    private readonly HttpClient _client = new();
    private NotificationListener _listener = null!;

    public NotificationListenerTests(IssuerFixture issuer)
    {
        _issuer = issuer;
    }

    public async Task InitializeAsync() => _listener = await StartListenerAsync(new NotificationListenerOptions());

    public async Task DisposeAsync()
    {
        await _listener.StopAsync();
        _client.Dispose();
    }

    private Task<NotificationListener> StartListenerAsync(NotificationListenerOptions options) =>
        NotificationListener.StartAsync(options, new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), _issuer.Http));

    private static string SeedOperationCompleted() =>
        Seeds.AllNotificationBlocks().First(b => b.Contains("\"deleted\"", StringComparison.Ordinal) && b.Contains(SeedOperationId, StringComparison.Ordinal));

    private static string OperationBody(string callId, string operationId, string status) =>
        "{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[{\"changeType\":\"deleted\",\"resource\":\"/communications/calls/" +
        callId + "/operations/" + operationId + "\",\"resourceData\":{\"@odata.type\":\"#microsoft.graph.inviteParticipantsOperation\",\"id\":\"" +
        operationId + "\",\"status\":\"" + status + "\"}}]}";

    private async Task<HttpResponseMessage> PostAsync(string body, string? token, Uri? uri = null) =>
        await _client.SendAsync(NotificationPosts.Post(uri ?? _listener.Uri, body, token));

    [Fact]
    public async Task ListensOnLoopbackAtTheDefaultPath()
    {
        Assert.True(_listener.IsRunning);
        Assert.NotEqual(0, _listener.Port);
        Assert.Equal($"http://127.0.0.1:{_listener.Port}/api/calls", _listener.Uri.ToString());
    }

    [Fact]
    public async Task ASignedSeedNotificationIsAcceptedQueuedAndCompletesTheOperation()
    {
        using var response = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var operation = await _listener.WaitForOperationAsync(SeedCallId, SeedOperationId, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(operation);
        Assert.Equal(OperationStatus.Completed, operation!.Status);
        Assert.Equal(SeedCallId, operation.CallId);
        var queued = Assert.IsType<OperationNotification>(Assert.Single(_listener.Peek()));
        Assert.NotNull(queued.ReceivedAt);
        var statistics = _listener.GetStatistics();
        Assert.Equal(1, statistics.RequestsAccepted);
        Assert.Equal(1, statistics.NotificationsReceived);
        Assert.Equal(0, statistics.RequestsRejected);
    }

    [Fact]
    public async Task AWaiterStartedBeforeTheNotificationCompletesWhenItArrives()
    {
        var waiting = _listener.WaitForOperationAsync("CALL-1", "OP-1", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        // Ids compare case-insensitively (GUIDs in any case); a running update does not end the wait.
        using (var running = await PostAsync(OperationBody("call-1", "op-1", "Running").Replace("deleted", "updated"), _issuer.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        }

        Assert.False(waiting.IsCompleted);
        using (var failed = await PostAsync(OperationBody("call-1", "op-1", "Failed"), _issuer.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
        }

        var operation = await waiting;
        Assert.Equal(OperationStatus.Failed, operation!.Status);
    }

    [Fact]
    public async Task AMultiInviteCompletionWithoutAnIdIsMatchedByClientContext()
    {
        // The seeds' example 2: ".../operations/participants", id null, the invite's clientContext.
        const string callId = "7531d31f-d10d-44de-802f-c569dbca451c";
        const string clientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f";
        var seed = Seeds.AllNotificationBlocks().First(b =>
            b.Contains("\"deleted\"", StringComparison.Ordinal) && b.Contains(callId, StringComparison.Ordinal));
        var byIdOnly = _listener.WaitForOperationAsync(callId, "op-from-location", TimeSpan.FromSeconds(30), CancellationToken.None);
        var byContext = _listener.WaitForOperationAsync(callId, "op-from-location", clientContext, TimeSpan.FromSeconds(30), CancellationToken.None);

        using (var response = await PostAsync(seed, _issuer.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var operation = await byContext;
        Assert.Equal(OperationStatus.Completed, operation!.Status);
        Assert.Equal("op-from-location", operation.Id);
        Assert.Equal(2, operation.Participants.Count);
        Assert.False(byIdOnly.IsCompleted);
        Assert.NotNull(await _listener.WaitForOperationAsync(callId, "op-from-location", clientContext, TimeSpan.Zero, CancellationToken.None));
        Assert.Null(await _listener.WaitForOperationAsync(callId, "op-from-location", "another-context", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task AClientContextDoesNotMatchAnOperationThatNamesAnotherId()
    {
        // One context reused for several invites: an id in the notification says which invite ended.
        var body = OperationBody("c7", "op-a", "completed").Replace("\"status\"", "\"clientContext\":\"shared\",\"status\"");
        using (var response = await PostAsync(body, _issuer.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Null(await _listener.WaitForOperationAsync("c7", "op-b", "shared", TimeSpan.Zero, CancellationToken.None));
        Assert.NotNull(await _listener.WaitForOperationAsync("c7", "op-a", "shared", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task WaitingForAnOperationNobodyReportsReturnsNullAndHonoursCancellation()
    {
        Assert.Null(await _listener.WaitForOperationAsync("call-x", "op-x", TimeSpan.FromMilliseconds(50), CancellationToken.None));

        using var cancellation = new CancellationTokenSource();
        var waiting = _listener.WaitForOperationAsync("call-x", "op-x", TimeSpan.FromMinutes(5), cancellation.Token);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    public static IEnumerable<object?[]> BadTokens()
    {
        yield return new object?[] { "forged", ListenerRejectionReason.BadSignature };
        yield return new object?[] { "expired", ListenerRejectionReason.Expired };
        yield return new object?[] { "future", ListenerRejectionReason.NotYetValid };
        yield return new object?[] { "wrong-audience", ListenerRejectionReason.WrongAudience };
        yield return new object?[] { "wrong-issuer", ListenerRejectionReason.WrongIssuer };
        yield return new object?[] { "alg-none", ListenerRejectionReason.Unsigned };
        yield return new object?[] { "garbage", ListenerRejectionReason.Malformed };
        yield return new object?[] { "none", ListenerRejectionReason.Missing };
    }

    private string? MakeToken(string kind)
    {
        var key = _issuer.IssuerKey;
        var now = DateTime.UtcNow;
        return kind switch
        {
            "forged" => _issuer.AttackerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId),
            "expired" => key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId, now.AddHours(-2), now.AddMinutes(-10)),
            "future" => key.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId, now.AddMinutes(30), now.AddHours(2)),
            "wrong-audience" => key.CreateToken(OpenIdTestServer.Issuer, "someone-elses-app"),
            "wrong-issuer" => key.CreateToken("https://issuer.example", OpenIdTestServer.AppId),
            "alg-none" => UnsignedTokens.AlgNone(OpenIdTestServer.Issuer, OpenIdTestServer.AppId),
            "garbage" => "definitely.not.a-jwt",
            _ => null,
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task RejectedTokensGet401AreCountedByReasonAndQueueNothing(string tokenKind, ListenerRejectionReason expected)
    {
        using var response = await PostAsync(SeedOperationCompleted(), MakeToken(tokenKind));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expected.ToString(), error.RootElement.GetProperty("error").GetProperty("code").GetString());
        var statistics = _listener.GetStatistics();
        Assert.Equal(1, statistics.Rejected(expected));
        Assert.Equal(1, statistics.RequestsRejected);
        Assert.Equal(0, statistics.RequestsAccepted);
        Assert.Empty(_listener.Peek());
        Assert.Null(await _listener.WaitForOperationAsync(SeedCallId, SeedOperationId, TimeSpan.Zero, CancellationToken.None));
        var rejection = Assert.Single(statistics.RecentRejections);
        Assert.Equal(401, rejection.StatusCode);
        Assert.Equal("127.0.0.1", rejection.RemoteAddress);
    }

    [Fact]
    public async Task EveryKindOfRejectionIsCountedSeparately()
    {
        foreach (var kind in BadTokens().Select(row => (string)row[0]!))
        {
            using var response = await PostAsync(SeedOperationCompleted(), MakeToken(kind));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var accepted = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var statistics = _listener.GetStatistics();
        Assert.Equal(8, statistics.RequestsRejected);
        Assert.Equal(8, statistics.RejectedByReason.Count);
        Assert.All(statistics.RejectedByReason.Values, count => Assert.Equal(1, count));
        Assert.Equal(1, statistics.RequestsAccepted);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"value\":{}}")]
    [InlineData("{\"something\":1}")]
    [InlineData("")]
    public async Task AMalformedBodyWithAValidTokenGets400(string body)
    {
        using var response = await PostAsync(body, _issuer.ValidToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, _listener.GetStatistics().Rejected(ListenerRejectionReason.MalformedBody));
        Assert.Empty(_listener.Peek());
    }

    [Fact]
    public async Task AMalformedBodyWithABadTokenIsAnAuthenticationFailureFirst()
    {
        using var response = await PostAsync("not json", MakeToken("forged"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, _listener.GetStatistics().Rejected(ListenerRejectionReason.MalformedBody));
    }

    [Fact]
    public async Task OtherPathsAre404AndOtherMethods405()
    {
        using var wrongPath = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), new Uri(_listener.Uri, "/api/other"));
        using var get = await _client.GetAsync(_listener.Uri);

        Assert.Equal(HttpStatusCode.NotFound, wrongPath.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Contains("POST", get.Content.Headers.Allow);
        var statistics = _listener.GetStatistics();
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.NotFound));
        Assert.Equal(1, statistics.Rejected(ListenerRejectionReason.MethodNotAllowed));
        Assert.Empty(_listener.Peek());
    }

    [Fact]
    public async Task APathWithQueryOrTrailingSlashIsTheSamePath()
    {
        using var response = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), new Uri(_listener.Uri + "/?tenant=x"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedWith413()
    {
        await using var listener = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions { MaxBodyBytes = 1024 }));
        var body = OperationBody("c1", "o1", "completed").Replace("\"status\"", "\"padding\":\"" + new string('x', 4096) + "\",\"status\"");

        using var response = await PostAsync(body, _issuer.ValidToken(), listener.Value.Uri);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(1, listener.Value.GetStatistics().Rejected(ListenerRejectionReason.BodyTooLarge));
    }

    [Fact]
    public async Task AMuchLargerBodyStillGetsAnAnswerNotAReset()
    {
        await using var listener = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions { MaxBodyBytes = 1024 }));
        var body = OperationBody("c1", "o1", "completed").Replace("\"status\"", "\"padding\":\"" + new string('x', 3 * 1024 * 1024) + "\",\"status\"");

        using var response = await PostAsync(body, _issuer.ValidToken(), listener.Value.Uri);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AChunkedBodyIsRead()
    {
        var request = NotificationPosts.Post(_listener.Uri, SeedOperationCompleted(), _issuer.ValidToken());
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(_listener.Peek());
    }

    [Fact]
    public async Task ManyPostsOnOneKeptAliveConnectionAreAllServed()
    {
        for (var i = 0; i < 20; i++)
        {
            using var response = await PostAsync(OperationBody("c1", "op" + i, "completed"), _issuer.ValidToken());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(20, _listener.GetStatistics().RequestsAccepted);
        Assert.NotNull(await _listener.WaitForOperationAsync("c1", "op19", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentPostsAreAllCounted()
    {
        var posts = Enumerable.Range(0, 30).Select(async i =>
        {
            using var client = new HttpClient();
            using var response = await client.SendAsync(NotificationPosts.Post(_listener.Uri, OperationBody("c2", "op" + i, "completed"), _issuer.ValidToken()));
            return response.StatusCode;
        });

        var statuses = await Task.WhenAll(posts);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Accepted, status));
        Assert.Equal(30, _listener.Drain().Count);
        Assert.Empty(_listener.Peek());
    }

    [Fact]
    public async Task PeekKeepsAndDrainRemovesInArrivalOrder()
    {
        foreach (var operationId in new[] { "a", "b", "c" })
        {
            using var response = await PostAsync(OperationBody("c3", operationId, "completed"), _issuer.ValidToken());
        }

        Assert.Equal(new[] { "a", "b", "c" }, _listener.Peek().Cast<OperationNotification>().Select(n => n.OperationId));
        Assert.Equal(new[] { "a", "b" }, _listener.Drain(2).Cast<OperationNotification>().Select(n => n.OperationId));
        Assert.Equal(new[] { "c" }, _listener.Drain().Cast<OperationNotification>().Select(n => n.OperationId));
        Assert.Empty(_listener.Drain());
    }

    [Fact]
    public async Task ReceiveTakesQueuedNotificationsThenWaitsForTheNext()
    {
        using (var first = await PostAsync(OperationBody("c4", "first", "completed"), _issuer.ValidToken()))
        {
        }

        var queued = await _listener.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("first", ((OperationNotification)queued!).OperationId);

        var next = _listener.ReceiveAsync(TimeSpan.FromSeconds(30));
        Assert.False(next.IsCompleted);
        using (var second = await PostAsync(OperationBody("c4", "second", "completed"), _issuer.ValidToken()))
        {
        }

        Assert.Equal("second", ((OperationNotification)(await next)!).OperationId);
        Assert.Empty(_listener.Peek()); // handed to the receiver, not queued as well
        Assert.Null(await _listener.ReceiveAsync(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public async Task TheQueueIsBoundedAndCountsWhatItDrops()
    {
        await using var listener = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions { QueueCapacity = 2 }));
        foreach (var operationId in new[] { "1", "2", "3", "4" })
        {
            using var response = await PostAsync(OperationBody("c5", operationId, "completed"), _issuer.ValidToken(), listener.Value.Uri);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(new[] { "3", "4" }, listener.Value.Peek().Cast<OperationNotification>().Select(n => n.OperationId));
        var statistics = listener.Value.GetStatistics();
        Assert.Equal(2, statistics.NotificationsDropped);
        Assert.Equal(4, statistics.NotificationsReceived);
        Assert.Equal(2, statistics.Queued);

        // Dropping from the display queue does not forget how operations ended.
        Assert.NotNull(await listener.Value.WaitForOperationAsync("c5", "1", TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task HttpsWithTheGivenCertificateServesAPinnedClient()
    {
        var certificate = TestCertificates.SharedLoopbackCertificate;
        await using var listener = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions { Certificate = certificate }));
        using var pinned = TestCertificates.PinnedClient(certificate.Thumbprint);

        Assert.Equal("https", listener.Value.Uri.Scheme);
        using var response = await pinned.SendAsync(NotificationPosts.Post(listener.Value.Uri, SeedOperationCompleted(), _issuer.ValidToken()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(await listener.Value.WaitForOperationAsync(SeedCallId, SeedOperationId, TimeSpan.Zero, CancellationToken.None));

        // A client that does not trust the certificate cannot talk to it at all.
        using var untrusting = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            untrusting.SendAsync(NotificationPosts.Post(listener.Value.Uri, SeedOperationCompleted(), _issuer.ValidToken())));
    }

    [Fact]
    public async Task GarbageOnTheWireIsAnsweredAndCounted()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _listener.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HELLO THERE\r\n\r\n"));

        var answer = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Equal(1, _listener.GetStatistics().Rejected(ListenerRejectionReason.BadHttpRequest));
    }

    [Fact]
    public async Task StoppingEndsPendingWaitsAndRefusesConnections()
    {
        await using var scope = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions()));
        var listener = scope.Value;
        var uri = listener.Uri;
        var waiting = listener.WaitForOperationAsync("c6", "o6", TimeSpan.FromMinutes(5), CancellationToken.None);
        var receiving = listener.ReceiveAsync(TimeSpan.FromMinutes(5));

        await listener.StopAsync();

        Assert.False(listener.IsRunning);
        Assert.Null(await waiting);
        Assert.Null(await receiving);
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(NotificationPosts.Post(uri, SeedOperationCompleted(), _issuer.ValidToken())));
        await listener.StopAsync(); // idempotent
    }

    [Fact]
    public async Task StartFailsEarlyWhenTheIssuerKeysCannotBeRead()
    {
        using var wronglyPinned = TestCertificates.PinnedClient(new string('B', 40));
        var validator = new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), wronglyPinned);

        var error = await Assert.ThrowsAsync<CommsInviteException>(() =>
            NotificationListener.StartAsync(new NotificationListenerOptions(), validator));

        Assert.Equal(ErrorIds.Notifications.NotificationKeysUnavailable, error.ErrorId);
        Assert.Equal(FailureCategory.ConnectionError, error.Category);
        Assert.Contains(_issuer.Server.ConfigurationUri.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableIssuerGets503SoTheServiceRetries()
    {
        await using var issuer = await OpenIdTestServer.StartAsync(_issuer.IssuerKey);
        using var http = issuer.CreatePinnedClient();
        issuer.Available = false;
        var validator = new NotificationTokenValidator(issuer.ValidatorOptions(minimumRefresh: TimeSpan.Zero), http);
        await using var listener = new ListenerScope(await NotificationListener.StartAsync(
            new NotificationListenerOptions { FetchKeysOnStart = false }, validator));

        using var response = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), listener.Value.Uri);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(1, listener.Value.GetStatistics().Rejected(ListenerRejectionReason.KeysUnavailable));
        Assert.Empty(listener.Value.Peek());

        // Once the issuer is back, the same notification is accepted.
        issuer.Available = true;
        using var retried = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), listener.Value.Uri);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
    }

    [Fact]
    public async Task StartingOnAPortInUseIsAClearError()
    {
        var error = await Assert.ThrowsAsync<CommsInviteException>(() =>
            StartListenerAsync(new NotificationListenerOptions { Port = _listener.Port }));

        Assert.Equal(ErrorIds.Notifications.NotificationListenerStartFailed, error.ErrorId);
        Assert.Equal(FailureCategory.ResourceExists, error.Category);
    }

    [Theory]
    [InlineData("no-slash", 0, 10)]
    [InlineData("/api/calls", 70000, 10)]
    [InlineData("/api/calls", 0, 0)]
    public void BadOptionsAreRefusedBeforeAnythingStarts(string path, int port, int queueCapacity)
    {
        var options = new NotificationListenerOptions { Path = path, Port = port, QueueCapacity = queueCapacity };

        var error = Assert.Throws<CommsValidationException>(() =>
            new NotificationListener(options, new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), _issuer.Http)));

        Assert.Equal(ErrorIds.Input.InvalidArgument, error.ErrorId);
    }

    [Fact]
    public void TheListenerIsTheWaitersNotificationSource()
    {
        // The core's InviteWaiter takes any IOperationNotificationSource; the listener is the real one.
        Assert.IsAssignableFrom<CommsInvite.Core.Calls.IOperationNotificationSource>(_listener);
    }

    [Fact]
    public async Task ACustomPathIsServedAndTheDefaultIsNot()
    {
        await using var listener = new ListenerScope(await StartListenerAsync(new NotificationListenerOptions { Path = "/bot/callback/" }));

        using var custom = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), listener.Value.Uri);
        using var defaultPath = await PostAsync(SeedOperationCompleted(), _issuer.ValidToken(), new Uri(listener.Value.Uri, "/api/calls"));

        Assert.EndsWith("/bot/callback", listener.Value.Uri.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, custom.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, defaultPath.StatusCode);
    }

    [Fact]
    public async Task LogsAndStatisticsNeverContainTokensOrBodies()
    {
        var log = new RecordingLogSink();
        var validator = new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), _issuer.Http);
        await using var listener = new ListenerScope(await NotificationListener.StartAsync(new NotificationListenerOptions(), validator, log, ownsValidator: true));
        var tokens = new[] { _issuer.ValidToken(), MakeToken("forged")!, MakeToken("expired")!, MakeToken("wrong-audience")! };
        const string secretishBody = "{\"value\":[{\"resource\":\"/communications/calls/c1/participants\",\"resourceData\":\"top-secret-body\"}]}";

        foreach (var token in tokens)
        {
            using var response = await PostAsync(SeedOperationCompleted(), token, listener.Value.Uri);
        }

        using (var badEntry = await PostAsync(secretishBody, tokens[0], listener.Value.Uri))
        {
            Assert.Equal(HttpStatusCode.Accepted, badEntry.StatusCode);
        }

        using (var malformed = await PostAsync("{\"top-secret-body\":[1,2,3]}", tokens[0], listener.Value.Uri))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        using (var notJson = await PostAsync("top-secret-body", tokens[0], listener.Value.Uri))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }

        var text = string.Join("\n", log.Lines) + "\n" + string.Join("\n", listener.Value.GetStatistics().RecentRejections);
        Assert.Contains("(BadSignature)", text, StringComparison.Ordinal);
        Assert.Contains("(Expired)", text, StringComparison.Ordinal);
        Assert.Contains("(MalformedBody)", text, StringComparison.Ordinal);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("top-secret-body", text, StringComparison.Ordinal);
    }

    private sealed class RecordingLogSink : ILogSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines.ToArray();

        public void Verbose(string message) => _lines.Enqueue("VERBOSE " + message);

        public void Debug(string message) => _lines.Enqueue("DEBUG " + message);

        public void Warning(string message) => _lines.Enqueue("WARNING " + message);
    }

    /// <summary>Stops a listener a test started itself.</summary>
    private sealed class ListenerScope : IAsyncDisposable
    {
        public ListenerScope(NotificationListener value) => Value = value;

        public NotificationListener Value { get; }

        public async ValueTask DisposeAsync() => await Value.StopAsync();
    }
}
