using System.Net;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

public sealed class InviteRuleTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(100) });
        _http = await TestHttp.AuthorizedClientAsync(_emulator);
        _receiver = await NotificationReceiver.StartAsync();
        await SeedContractTests.SeedCallsAsync(_http, _receiver.CallbackUri);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private static JsonObject User(string id, string? replacesCallId = null) => new()
    {
        ["@odata.type"] = "#microsoft.graph.invitationParticipantInfo",
        ["replacesCallId"] = replacesCallId,
        ["identity"] = new JsonObject { ["user"] = new JsonObject { ["id"] = id, ["identityProvider"] = "AAD" } },
    };

    private static JsonObject Phone(string number) => new()
    {
        ["identity"] = new JsonObject { ["phone"] = new JsonObject { ["id"] = number } },
    };

    private static JsonObject Invite(string? clientContext, params JsonObject[] participants) => new()
    {
        ["participants"] = new JsonArray(participants.Select(p => (JsonNode?)p).ToArray()),
        ["clientContext"] = clientContext,
    };

    private Task<(HttpResponseMessage Response, JsonNode? Body)> PostInviteAsync(string callId, JsonNode body, string version = "v1.0") =>
        TestHttp.SendAsync(_http, HttpMethod.Post, $"/{version}/communications/calls/{callId}/participants/invite", body);

    private async Task AssertErrorAsync(string callId, JsonNode body, HttpStatusCode status, string code, string messagePart)
    {
        var invitesBefore = _emulator.State.Invites.Count;
        var (response, error) = await PostInviteAsync(callId, body);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, error!["error"]!["code"]!.GetValue<string>());
        Assert.Contains(messagePart, error["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(error["error"]!["innerError"]!["request-id"]);
        Assert.Equal(invitesBefore, _emulator.State.Invites.Count); // no state change
    }

    [Fact]
    public Task SixParticipants_Is400() => AssertErrorAsync(SeedContractTests.ChatCallId,
        Invite("ctx", Enumerable.Range(0, 6).Select(_ => User(EmulatorDefaults.SeedUserIds[0])).ToArray()),
        HttpStatusCode.BadRequest, "BadRequest", "at most 5");

    [Fact]
    public Task ClientContext257_Is400() => AssertErrorAsync(SeedContractTests.GroupCallId,
        Invite(new string('x', 257), User(EmulatorDefaults.SeedUserIds[0])), HttpStatusCode.BadRequest, "BadRequest", "256");

    [Fact]
    public Task UnknownCall_Is404With8522() => AssertErrorAsync(Guid.NewGuid().ToString(),
        Invite("ctx", User(EmulatorDefaults.SeedUserIds[0])), HttpStatusCode.NotFound, "8522", "Call not found");

    [Fact]
    public Task PeerToPeerCall_Is400GroupCallsOnly() => AssertErrorAsync(SeedContractTests.PeerToPeerCallId,
        Invite("ctx", User(EmulatorDefaults.SeedUserIds[0])), HttpStatusCode.BadRequest, "BadRequest", "group calls only");

    [Fact]
    public Task MultiInvite_WithoutChatInfo_Is400() => AssertErrorAsync(SeedContractTests.GroupCallId,
        Invite("ctx", User(EmulatorDefaults.SeedUserIds[0]), User(EmulatorDefaults.SeedUserIds[1])), HttpStatusCode.BadRequest, "BadRequest", "chatInfo");

    [Theory]
    [InlineData("12345678901")]
    [InlineData("+0123456789")]
    [InlineData("+12 345")]
    [InlineData("+1234567890123456")]
    public Task BadPhoneNumber_Is400(string number) => AssertErrorAsync(SeedContractTests.GroupCallId,
        Invite("ctx", Phone(number)), HttpStatusCode.BadRequest, "BadRequest", "E.164");

    [Fact]
    public async Task MalformedBodies_Are400()
    {
        foreach (var body in new[] { "not json", "[]", "{}", """{"participants":[]}""", """{"participants":[{"identity":{}}]}""",
                     """{"participants":[{"identity":{"user":{"id":"a"},"phone":{"id":"+12345678901"}}}]}""",
                     """{"participants":[{"identity":{"user":{}}}]}""", """{"participants":[{"identity":{"device":{"id":"x"}}}]}""" })
        {
            using var response = await _http.PostAsync($"/v1.0/communications/calls/{SeedContractTests.GroupCallId}/participants/invite", TestHttp.Json(body));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} → {response.StatusCode}");
        }
    }

    [Fact]
    public async Task AppAlias_AcceptsInvite_AndNotificationsUseAppResource()
    {
        using var alias = await _http.PostAsync($"/beta/app/calls/{SeedContractTests.GroupCallId}/participants/invite",
            TestHttp.Json(Invite("alias", User(EmulatorDefaults.SeedUserIds[2]))));
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        Assert.NotNull(alias.Headers.Location);
        var roster = await _receiver.NextAsync();
        Assert.StartsWith("/app/calls/", roster.Body["value"]![0]!["resource"]!.GetValue<string>());
        Assert.StartsWith("/communications/calls/", roster.Body["value"]![0]!["resourceUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task DecliningUser_FailsWith410_301004_AndLeavesTheRoster()
    {
        var (response, body) = await PostInviteAsync(SeedContractTests.GroupCallId, Invite("decline", User(EmulatorDefaults.DecliningUserId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operationPath = response.Headers.Location!.PathAndQuery;
        var (_, final) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, operationPath),
            r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
        Assert.Equal("failed", final!["status"]!.GetValue<string>());
        Assert.Equal(410, final["resultInfo"]!["code"]!.GetValue<int>());
        Assert.Equal(301004, final["resultInfo"]!["subcode"]!.GetValue<int>());
        Assert.DoesNotContain(_emulator.State.GetRoster(SeedContractTests.GroupCallId), e => e.IdentityId == EmulatorDefaults.DecliningUserId);
        var roster = await _receiver.NextAsync();
        var deleted = await _receiver.NextAsync();
        Assert.Equal("Updated", roster.Body["value"]![0]!["changeType"]!.GetValue<string>());
        // The shape the service sends: both resource and resourceUrl, changeType capitalised.
        Assert.Equal("Deleted", deleted.Body["value"]![0]!["changeType"]!.GetValue<string>());
        Assert.StartsWith("/", deleted.Body["value"]![0]!["resource"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("/communications/calls/", deleted.Body["value"]![0]!["resourceUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(410, deleted.Body["value"]![0]!["resourceData"]!["resultInfo"]!["code"]!.GetValue<int>());
        _ = body;
    }

    [Fact]
    public async Task UnknownUser_FailsNotFound_NotAsADecline()
    {
        var (response, _) = await PostInviteAsync(SeedContractTests.GroupCallId, Invite("unknown", User(Guid.NewGuid().ToString())));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, final) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, response.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
        Assert.Equal("failed", final!["status"]!.GetValue<string>());
        Assert.Equal(404, final["resultInfo"]!["code"]!.GetValue<int>());
        Assert.DoesNotContain("declined", final["resultInfo"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PstnInvite_WithoutInstanceNumber_Fails412_9999()
    {
        var (response, _) = await PostInviteAsync(SeedContractTests.GroupCallId, Invite("pstn", Phone("+14255550123")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, final) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, response.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
        Assert.Equal("failed", final!["status"]!.GetValue<string>());
        Assert.Equal(412, final["resultInfo"]!["code"]!.GetValue<int>());
        Assert.Equal(9999, final["resultInfo"]!["subcode"]!.GetValue<int>());
        Assert.DoesNotContain(_emulator.State.GetRoster(SeedContractTests.GroupCallId), e => e.IdentityId == "+14255550123");
    }

    [Fact]
    public async Task Invitee_RingsAtOnce_ThenJoinsWithMediaStreams()
    {
        _emulator.State.Settings.AnswerDelay = TimeSpan.FromSeconds(2);
        try
        {
            var user = EmulatorDefaults.ExtraUserIds[0];
            var (response, _) = await PostInviteAsync(SeedContractTests.GroupCallId, Invite("ring", User(user)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (_, participants) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{SeedContractTests.GroupCallId}/participants");
            var ringing = participants!["value"]!.AsArray().Single(p => p!["info"]!["identity"]!["user"]?["id"]?.GetValue<string>() == user)!;
            Assert.Empty(ringing["mediaStreams"]!.AsArray());
            Assert.False(ringing["isInLobby"]!.GetValue<bool>());
            Assert.Equal("Updated", (await _receiver.NextAsync(TimeSpan.FromSeconds(10))).Body["value"]![0]!["changeType"]!.GetValue<string>());
            Assert.Contains(_emulator.State.GetRoster(SeedContractTests.GroupCallId), e => e.IdentityId == user && e.Joined);
        }
        finally
        {
            _emulator.State.Settings.AnswerDelay = TimeSpan.FromMilliseconds(100);
        }
    }

    [Fact]
    public async Task FiftyConcurrentInvites_AllJoinOnce_AndARepeatIsCountedAsDuplicate()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString()).ToArray();
        foreach (var id in ids) _emulator.State.AddUser(new DirectoryUser { Id = id, UserPrincipalName = $"{id}@contoso.onmicrosoft.com" });
        var results = await Task.WhenAll(ids.Select(id => PostInviteAsync(SeedContractTests.ChatCallId, Invite(id, User(id)))));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_emulator.State.GetRoster(SeedContractTests.ChatCallId).Count(e => e.Joined) < 51 && DateTime.UtcNow < deadline) await Task.Delay(50);
        var roster = _emulator.State.GetRoster(SeedContractTests.ChatCallId);
        foreach (var id in ids) Assert.Single(roster, e => e.IdentityId == id && e.Joined);
        Assert.Equal(0, _emulator.State.Stats.DuplicateInvites);

        // Every operation's "deleted" notification follows a roster update that already shows its invitee joined.
        JsonNode? lastRoster = null;
        var completedOperations = 0;
        while (completedOperations < ids.Length)
        {
            var next = (await _receiver.NextAsync()).Body["value"]![0]!;
            if (next["changeType"]!.GetValue<string>() == "Updated") { lastRoster = next["resourceData"]; continue; }
            Assert.NotNull(lastRoster);
            var invitee = next["resourceData"]!["participants"]![0]!["identity"]!["user"]!["id"]!.GetValue<string>();
            var entry = lastRoster!.AsArray().Single(p => p!["info"]!["identity"]!["user"]?["id"]?.GetValue<string>() == invitee);
            Assert.NotEmpty(entry!["mediaStreams"]!.AsArray());
            completedOperations++;
        }

        var (again, _) = await PostInviteAsync(SeedContractTests.ChatCallId, Invite("again", User(ids[0])));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, _emulator.State.Stats.DuplicateInvites);
        Assert.Single(_emulator.State.GetRoster(SeedContractTests.ChatCallId), e => e.IdentityId == ids[0]);
        var (_, stats) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/_emulator/stats");
        Assert.Equal(1, stats!["duplicateInvites"]!.GetValue<long>());
        Assert.True(stats["invitesReceived"]!.GetValue<long>() >= 51);
    }

    [Fact]
    public async Task CreateGetListDeleteCall_OverGraph()
    {
        var (created, call) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.call",
            ["callbackUri"] = _receiver.CallbackUri.ToString(),
            ["requestedModalities"] = new JsonArray("audio"),
            ["mediaConfig"] = new JsonObject { ["@odata.type"] = "#microsoft.graph.serviceHostedMediaConfig" },
            ["chatInfo"] = new JsonObject { ["threadId"] = "19:meeting_x@thread.v2", ["messageId"] = "0" },
            ["tenantId"] = EmulatorDefaults.TenantId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = call!["id"]!.GetValue<string>();
        Assert.Equal("establishing", call["state"]!.GetValue<string>());
        var (_, established) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}"),
            r => r.Body?["state"]?.GetValue<string>() == "established");
        Assert.Equal("established", established!["state"]!.GetValue<string>());
        var (_, list) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/v1.0/communications/calls");
        Assert.Contains(list!["value"]!.AsArray(), c => c!["id"]!.GetValue<string>() == id);
        var (deleted, _) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (gone, _) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var notification = await _receiver.NextAsync();
        Assert.Equal("Deleted", notification.Body["value"]![0]!["changeType"]!.GetValue<string>());

        var (badCallback, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", new JsonObject { ["callbackUri"] = "http://bot.contoso.com/api/calls" });
        Assert.Equal(HttpStatusCode.BadRequest, badCallback.StatusCode);
    }
}
