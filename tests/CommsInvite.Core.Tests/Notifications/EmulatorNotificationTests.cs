using System.Net.Http.Json;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using CommsInvite.Emulator;
using CommsInvite.TestSupport;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>
/// The listener against the in-process emulator: the emulator signs its notifications with its own key and
/// publishes it through notificationOpenIdConfiguration; the listener validates them for real, with the
/// emulator's TLS certificate pinned by thumbprint.
/// </summary>
public sealed class EmulatorNotificationTests : IAsyncLifetime
{
    private const string SeedUserId = "278405a3-f568-4b3e-b684-009193463064";

    private EmulatorServer _emulator = null!;
    private EmulatorConnectionInfo _connectionInfo = null!;
    private GraphConnection _graph = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, AnswerDelay = TimeSpan.FromMilliseconds(200) });
        _connectionInfo = EmulatorConnectionInfo.Load(_emulator.ConnectionFilePath);
        _graph = await GraphConnection.ConnectAsync(new ConnectionSettings
        {
            Environment = CloudEnvironment.Emulator,
            Emulator = _connectionInfo,
            TenantId = _connectionInfo.TenantId,
            ClientId = _connectionInfo.ClientId,
            Credential = new ClientSecretCredential(_connectionInfo.ClientSecret!),
        });
    }

    public async Task DisposeAsync()
    {
        _graph.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<Call> CreateGroupCallAsync(NotificationListener listener) =>
        await _graph.Calls.CreateCallAsync(new NewCallRequest
        {
            CallbackUri = listener.Uri.ToString(),
            Subject = "notification listener test",
            ChatInfo = new ChatInfo { ThreadId = "19:meeting_notifications@thread.v2", MessageId = "0" },
        });

    private async Task<InviteParticipantsOperation> InviteAsync(Call call, string userId) =>
        await _graph.Calls.InviteAsync(new InviteRequest
        {
            CallId = call.Id!,
            Participants = { new InvitationParticipantInfo { Identity = IdentitySet.ForUser(userId) } },
        });

    [Fact]
    public async Task TheEmulatorsSignedNotificationsAreAcceptedAndCompleteTheInvite()
    {
        var listener = await EmulatorNotifications.StartListenerAsync(_connectionInfo, new NotificationListenerOptions());
        try
        {
            var call = await CreateGroupCallAsync(listener);
            var operation = await InviteAsync(call, SeedUserId);
            Assert.False(string.IsNullOrEmpty(operation.Id));

            var final = await listener.WaitForOperationAsync(call.Id!, operation.Id!, TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.NotNull(final);
            Assert.Equal(OperationStatus.Completed, final!.Status);
            Assert.Equal(call.Id, final.CallId, ignoreCase: true);
            Assert.Equal(SeedUserId, final.Participants.Single().Identity.User!.Id, ignoreCase: true);

            // Roster first, then the operation, as the contract orders them; both accepted, nothing refused.
            var received = listener.Drain();
            var roster = Assert.IsType<RosterNotification>(received[^2]);
            Assert.IsType<OperationNotification>(received[^1]);
            var invitee = roster.Participants.Single(p => p.Info.Identity.Key == "user:" + SeedUserId);
            Assert.NotEmpty(invitee.MediaStreams); // joined, not just ringing
            var statistics = listener.GetStatistics();
            Assert.Equal(0, statistics.RequestsRejected);
            Assert.True(statistics.RequestsAccepted >= 2, statistics.ToString());
            Assert.All(_emulator.State.Notifications.Where(n => n.CallId == call.Id), n => Assert.True(n.Delivered));
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task AnHttpsListenerReceivesTheEmulatorsNotifications()
    {
        var certificate = TestCertificates.SharedLoopbackCertificate;
        using (var admin = _emulator.CreateHttpClient())
        {
            // The emulator validates callback certificates normally; a test receiver's self-signed one is trusted by thumbprint.
            using var trusted = await admin.PostAsJsonAsync("_emulator/settings", new { trustedCallbackThumbprints = new[] { certificate.Thumbprint } });
            trusted.EnsureSuccessStatusCode();
        }

        var listener = await EmulatorNotifications.StartListenerAsync(_connectionInfo, new NotificationListenerOptions { Certificate = certificate });
        try
        {
            Assert.Equal("https", listener.Uri.Scheme);
            var call = await CreateGroupCallAsync(listener);
            var operation = await InviteAsync(call, SeedUserId);

            var final = await listener.WaitForOperationAsync(call.Id!, operation.Id!, TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.Equal(OperationStatus.Completed, final!.Status);
            Assert.Equal(0, listener.GetStatistics().RequestsRejected);
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task TheInviteWaiterLearnsTheOutcomeFromTheListener()
    {
        var listener = await EmulatorNotifications.StartListenerAsync(_connectionInfo, new NotificationListenerOptions());
        try
        {
            var call = await CreateGroupCallAsync(listener);
            var operation = await InviteAsync(call, SeedUserId);

            var outcome = await new InviteWaiter(_graph).WaitOneAsync(operation, new WaitOptions
            {
                Strategy = WaitStrategy.Notification,
                NotificationSource = listener,
                Timeout = TimeSpan.FromSeconds(30),
            });

            Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
            Assert.Equal(OutcomeSource.Notification, outcome.Source);
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task ADeclinedInviteArrivesAsAFailedOperationWithResultInfo()
    {
        var decliner = Guid.NewGuid().ToString();
        using (var admin = _emulator.CreateHttpClient())
        {
            using var added = await admin.PostAsJsonAsync("_emulator/users", new
            {
                id = decliner,
                userPrincipalName = "decliner@contoso.example",
                displayName = "Decliner",
                declines = true,
            });
            added.EnsureSuccessStatusCode();
        }

        var listener = await EmulatorNotifications.StartListenerAsync(_connectionInfo, new NotificationListenerOptions());
        try
        {
            var call = await CreateGroupCallAsync(listener);
            var operation = await InviteAsync(call, decliner);

            var final = await listener.WaitForOperationAsync(call.Id!, operation.Id!, TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.Equal(OperationStatus.Failed, final!.Status);
            Assert.Equal(410, final.ResultInfo!.Code);
            Assert.Equal(301004, final.ResultInfo.Subcode);
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task AListenerForAnotherAppRefusesTheEmulatorsNotifications()
    {
        // Same issuer and keys, but this bot is another application: every token has the wrong audience.
        using var http = _emulator.CreateHttpClient();
        var validator = new NotificationTokenValidator(new NotificationTokenValidatorOptions
        {
            AppId = Guid.NewGuid().ToString(),
            OpenIdConfigurationUri = _connectionInfo.NotificationOpenIdConfiguration!,
            ValidIssuers = { _connectionInfo.NotificationIssuer! },
        }, http);
        var listener = await NotificationListener.StartAsync(new NotificationListenerOptions(), validator);
        try
        {
            var call = await CreateGroupCallAsync(listener);
            var operation = await InviteAsync(call, SeedUserId);

            // Wait until the emulator has tried to deliver the operation's end, then look at what the listener made of it.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!_emulator.State.Notifications.Any(n => n.CallId == call.Id && n.ChangeType == "deleted"))
            {
                await Task.Delay(50, deadline.Token);
            }

            Assert.Null(await listener.WaitForOperationAsync(call.Id!, operation.Id!, TimeSpan.Zero, CancellationToken.None));
            var statistics = listener.GetStatistics();
            Assert.Equal(0, statistics.RequestsAccepted);
            Assert.True(statistics.Rejected(ListenerRejectionReason.WrongAudience) >= 1, statistics.ToString());
            Assert.Empty(listener.Peek());
            Assert.Contains(_emulator.State.Notifications, n => n.CallId == call.Id && !n.Delivered && n.StatusCode == 401);
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    [Fact]
    public async Task TheWaiterCompletesFromAnIdLessCompletion_ByItsClientContext()
    {
        // The service reports a multi-participant invite's end on .../operations/participants with id: null (the
        // seeds' example 2); only the client context ties it to the operation the invite POST returned.
        using var issuerKey = new SigningKey("idless-key");
        await using var issuer = await OpenIdTestServer.StartAsync(issuerKey);
        using var validator = new NotificationTokenValidator(issuer.ValidatorOptions(), issuer.CreatePinnedClient(), ownsHttpClient: true);
        var listener = await NotificationListener.StartAsync(new NotificationListenerOptions(), validator);
        var answerDelay = _emulator.State.Settings.AnswerDelay;
        _emulator.State.Settings.AnswerDelay = TimeSpan.FromMinutes(5); // polling alone cannot finish this wait
        try
        {
            var call = await _graph.Calls.CreateCallAsync(new NewCallRequest
            {
                CallbackUri = "http://127.0.0.1:9/elsewhere",
                ChatInfo = new ChatInfo { ThreadId = "19:meeting_idless@thread.v2", MessageId = "0" },
            });
            var clientContext = "idless-" + Guid.NewGuid().ToString("N");
            var operation = await _graph.Calls.InviteAsync(new InviteRequest
            {
                CallId = call.Id!,
                ClientContext = clientContext,
                Participants =
                {
                    new InvitationParticipantInfo { Identity = IdentitySet.ForUser(SeedUserId) },
                    new InvitationParticipantInfo { Identity = IdentitySet.ForUser(EmulatorDefaults.SeedUserIds[1]) },
                },
            });
            Assert.False(string.IsNullOrEmpty(operation.Id));

            var body = """
                {"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"deleted",
                  "resource":"/app/calls/CALL/operations/participants","resourceUrl":"/communications/calls/CALL/operations/participants",
                  "resourceData":{"@odata.type":"#microsoft.graph.inviteParticipantsOperation","id":null,"status":"completed",
                    "clientContext":"CONTEXT","resultInfo":null,"participants":[]}}]}
                """.Replace("CALL", call.Id, StringComparison.Ordinal).Replace("CONTEXT", clientContext, StringComparison.Ordinal);
            using (var http = new HttpClient())
            using (var request = NotificationPosts.Post(listener.Uri, body, issuerKey.CreateToken(OpenIdTestServer.Issuer, OpenIdTestServer.AppId)))
            using (var response = await http.SendAsync(request))
            {
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            }

            var outcome = await new InviteWaiter(_graph).WaitOneAsync(operation, new WaitOptions
            {
                Strategy = WaitStrategy.Notification,
                NotificationSource = listener,
                Timeout = TimeSpan.FromSeconds(10),
            });

            Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
            Assert.Equal(OutcomeSource.Notification, outcome.Source);
            Assert.Equal(operation.Id, outcome.OperationId);
        }
        finally
        {
            _emulator.State.Settings.AnswerDelay = answerDelay;
            await listener.StopAsync();
        }
    }
}
