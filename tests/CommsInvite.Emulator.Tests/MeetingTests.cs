using System.Net;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// Online meetings (POST /_emulator/meetings), joining them by organizer + chatInfo or by joinMeetingId + passcode,
/// joins the service refuses after it has looked, and DELETE of participants with the roster notification.
/// </summary>
public sealed class MeetingTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(100) });
        _http = await TestHttp.AuthorizedClientAsync(_emulator);
        _receiver = await NotificationReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    internal static async Task<JsonNode> CreateMeetingAsync(HttpClient http, string subject = "Weekly sync")
    {
        var (response, meeting) = await TestHttp.SendAsync(http, HttpMethod.Post, "/_emulator/meetings", new JsonObject { ["subject"] = subject });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return meeting!;
    }

    private JsonObject JoinBody(JsonObject meetingInfo, JsonObject? chatInfo = null) => new()
    {
        ["@odata.type"] = "#microsoft.graph.call",
        ["callbackUri"] = _receiver.CallbackUri.ToString(),
        ["requestedModalities"] = new JsonArray("audio"),
        ["mediaConfig"] = new JsonObject { ["@odata.type"] = "#microsoft.graph.serviceHostedMediaConfig" },
        ["chatInfo"] = chatInfo,
        ["meetingInfo"] = meetingInfo,
        ["tenantId"] = EmulatorDefaults.TenantId,
    };

    private static JsonObject OrganizerInfo(string organizerId) => new()
    {
        ["@odata.type"] = "#microsoft.graph.organizerMeetingInfo",
        ["organizer"] = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.identitySet",
            ["user"] = new JsonObject { ["@odata.type"] = "#microsoft.graph.identity", ["id"] = organizerId, ["tenantId"] = EmulatorDefaults.TenantId },
        },
    };

    private static JsonObject JoinMeetingIdInfo(string joinMeetingId, string? passcode) => new()
    {
        ["@odata.type"] = "#microsoft.graph.joinMeetingIdMeetingInfo",
        ["joinMeetingId"] = joinMeetingId,
        ["passcode"] = passcode,
    };

    private async Task<string> JoinedCallAsync(JsonObject body)
    {
        var (created, call) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = call!["id"]!.GetValue<string>();
        var (_, established) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}"),
            r => r.Body?["state"]?.GetValue<string>() == "established");
        Assert.Equal("established", established!["state"]!.GetValue<string>());
        return id;
    }

    [Fact]
    public async Task CreateMeeting_AnswersItsJoinLink_MeetingId_Passcode_Thread_AndOrganizer()
    {
        var meeting = await CreateMeetingAsync(_http);

        var thread = meeting["threadId"]!.GetValue<string>();
        Assert.StartsWith("19:meeting_", thread, StringComparison.Ordinal);
        Assert.EndsWith("@thread.v2", thread, StringComparison.Ordinal);
        var link = meeting["joinWebUrl"]!.GetValue<string>();
        Assert.StartsWith("https://teams.microsoft.com/l/meetup-join/", link, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(thread), link, StringComparison.Ordinal);
        var context = Uri.UnescapeDataString(link[(link.IndexOf("context=", StringComparison.Ordinal) + 8)..]);
        var parsed = JsonNode.Parse(context)!;
        Assert.Equal(EmulatorDefaults.TenantId, parsed["Tid"]!.GetValue<string>());
        Assert.Equal(meeting["organizerId"]!.GetValue<string>(), parsed["Oid"]!.GetValue<string>());
        Assert.Matches("^[0-9]{12}$", meeting["joinMeetingId"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(meeting["passcode"]!.GetValue<string>()));
        Assert.Equal("Weekly sync", meeting["subject"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(meeting["id"]!.GetValue<string>()));

        var (_, list) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/_emulator/meetings");
        Assert.Contains(list!["value"]!.AsArray(), m => m!["id"]!.GetValue<string>() == meeting["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateMeeting_WithUnknownOrganizer_Is400()
    {
        var (response, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/_emulator/meetings", new JsonObject { ["organizerId"] = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task JoinByOrganizerAndChatInfo_PutsTheBotIntoTheMeeting_WithTheOrganizer()
    {
        var meeting = await CreateMeetingAsync(_http);
        var chatInfo = new JsonObject { ["@odata.type"] = "#microsoft.graph.chatInfo", ["threadId"] = meeting["threadId"]!.GetValue<string>(), ["messageId"] = "0" };

        var id = await JoinedCallAsync(JoinBody(OrganizerInfo(meeting["organizerId"]!.GetValue<string>()), chatInfo));

        var (_, call) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}");
        Assert.Equal(meeting["threadId"]!.GetValue<string>(), call!["chatInfo"]!["threadId"]!.GetValue<string>());
        Assert.Equal("#microsoft.graph.organizerMeetingInfo", call["meetingInfo"]!["@odata.type"]!.GetValue<string>());
        var roster = _emulator.State.GetRoster(id);
        Assert.Equal(2, roster.Count);
        Assert.Contains(roster, e => e.IdentityKind == "user" && e.IdentityId == meeting["organizerId"]!.GetValue<string>() && e.Joined);
    }

    [Fact]
    public async Task JoinByMeetingIdAndPasscode_PutsTheBotIntoTheMeeting_AndAnswersItsChat()
    {
        var meeting = await CreateMeetingAsync(_http);

        var id = await JoinedCallAsync(JoinBody(JoinMeetingIdInfo(meeting["joinMeetingId"]!.GetValue<string>(), meeting["passcode"]!.GetValue<string>())));

        var (_, call) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}");
        Assert.Equal(meeting["threadId"]!.GetValue<string>(), call!["chatInfo"]!["threadId"]!.GetValue<string>());
        Assert.Equal(meeting["joinMeetingId"]!.GetValue<string>(), call["meetingInfo"]!["joinMeetingId"]!.GetValue<string>());
        Assert.True(_emulator.State.GetCall(id)!.IsGroupCall);
    }

    [Theory]
    [InlineData("wrong passcode", 403)]
    [InlineData("unknown meeting", 400)]
    public async Task RefusedJoin_Is201_ThenTheCallEnds_WithResultInfoInItsDeletedNotification(string why, int code)
    {
        var meeting = await CreateMeetingAsync(_http);
        var info = why == "wrong passcode"
            ? JoinMeetingIdInfo(meeting["joinMeetingId"]!.GetValue<string>(), "not-it")
            : JoinMeetingIdInfo("999999999999", null);

        var (created, call) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", JoinBody(info));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = call!["id"]!.GetValue<string>();
        var (gone, error) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}"),
            r => r.Response.StatusCode == HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("8522", error!["error"]!["code"]!.GetValue<string>());
        var notification = (await _receiver.NextAsync()).Body["value"]![0]!;
        Assert.Equal("deleted", notification["changeType"]!.GetValue<string>(), ignoreCase: true);
        // Notifications carry the call's state capitalised, as the service's traffic does.
        Assert.Equal("Terminated", notification["resourceData"]!["state"]!.GetValue<string>());
        Assert.Equal(code, notification["resourceData"]!["resultInfo"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task JoinByOrganizer_OfAnotherThread_IsRefusedAfterLooking()
    {
        var meeting = await CreateMeetingAsync(_http);
        var chatInfo = new JsonObject { ["threadId"] = "19:meeting_nosuchmeeting@thread.v2", ["messageId"] = "0" };

        var (created, call) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", JoinBody(OrganizerInfo(meeting["organizerId"]!.GetValue<string>()), chatInfo));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = call!["id"]!.GetValue<string>();
        var (gone, _) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/communications/calls/{id}"),
            r => r.Response.StatusCode == HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task MalformedMeetingInfo_Is400_BeforeAnyCall()
    {
        var callsBefore = _emulator.State.GetCalls().Count;
        var bodies = new[]
        {
            JoinBody(JoinMeetingIdInfo("", null)),
            JoinBody(OrganizerInfo("")),
            JoinBody(OrganizerInfo(EmulatorDefaults.SeedUserIds[0])),
            JoinBody(new JsonObject { ["@odata.type"] = "#microsoft.graph.tokenMeetingInfo", ["token"] = "x" }),
        };
        foreach (var body in bodies)
        {
            var (response, error) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("BadRequest", error!["error"]!["code"]!.GetValue<string>());
        }

        Assert.Equal(callsBefore, _emulator.State.GetCalls().Count);
    }

    [Fact]
    public async Task DeleteParticipant_Is204_ThenARosterUpdateWithoutThem_AndAgainIs404()
    {
        var meeting = await CreateMeetingAsync(_http);
        var id = await JoinedCallAsync(JoinBody(JoinMeetingIdInfo(meeting["joinMeetingId"]!.GetValue<string>(), meeting["passcode"]!.GetValue<string>())));
        var organizer = _emulator.State.GetRoster(id).Single(e => e.IdentityKind == "user");

        var (deleted, _) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}/participants/{organizer.ParticipantId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain(_emulator.State.GetRoster(id), e => e.ParticipantId == organizer.ParticipantId);
        var notification = (await _receiver.NextAsync()).Body["value"]![0]!;
        Assert.Equal("updated", notification["changeType"]!.GetValue<string>(), ignoreCase: true);
        Assert.EndsWith($"/communications/calls/{id}/participants", notification["resource"]!.GetValue<string>(), StringComparison.Ordinal);
        var roster = notification["resourceData"]!.AsArray();
        Assert.Single(roster);
        Assert.DoesNotContain(roster, p => p!["id"]!.GetValue<string>() == organizer.ParticipantId);

        var (again, error) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}/participants/{organizer.ParticipantId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.NotEqual("8522", error!["error"]!["code"]!.GetValue<string>());

        var bot = _emulator.State.GetRoster(id)[0];
        var (self, _) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}/participants/{bot.ParticipantId}");
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        var (noCall, noCallError) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{Guid.NewGuid()}/participants/{organizer.ParticipantId}");
        Assert.Equal(HttpStatusCode.NotFound, noCall.StatusCode);
        Assert.Equal("8522", noCallError!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteCall_Twice_IsThen404With8522()
    {
        var meeting = await CreateMeetingAsync(_http);
        var id = await JoinedCallAsync(JoinBody(JoinMeetingIdInfo(meeting["joinMeetingId"]!.GetValue<string>(), meeting["passcode"]!.GetValue<string>())));

        var (first, _) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}");
        var (second, error) = await TestHttp.SendAsync(_http, HttpMethod.Delete, $"/v1.0/communications/calls/{id}");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        Assert.Equal("8522", error!["error"]!["code"]!.GetValue<string>());
        var notification = (await _receiver.NextAsync()).Body["value"]![0]!;
        Assert.Equal("deleted", notification["changeType"]!.GetValue<string>(), ignoreCase: true);
    }
}
