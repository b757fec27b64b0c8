using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

public sealed class FaultTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;
    private const string InvitePath = "/v1.0/communications/calls/" + SeedContractTests.ChatCallId + "/participants/invite";

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(50) });
        _http = await TestHttp.AuthorizedClientAsync(_emulator);
        await SeedContractTests.SeedCallsAsync(_http, new Uri("http://127.0.0.1:9/api/calls"));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task AddFaultAsync(string json)
    {
        using var response = await _http.PostAsync("/_emulator/faults", TestHttp.Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static JsonObject InviteBody(string userId) => new()
    {
        ["participants"] = new JsonArray(new JsonObject { ["identity"] = new JsonObject { ["user"] = new JsonObject { ["id"] = userId } } }),
        ["clientContext"] = "fault",
    };

    private Task<HttpResponseMessage> PostInviteAsync(string userId) => _http.PostAsync(InvitePath, TestHttp.Json(InviteBody(userId)));

    private long Faults(string kind) => _emulator.State.Stats.FaultsInjected.TryGetValue(kind, out var n) ? n : 0;

    [Fact]
    public async Task Throttle_Is429WithRetryAfterSeconds_OnlyCountTimes_AndNotProcessed()
    {
        await AddFaultAsync("""{"route":"/participants/invite$","method":"POST","kind":"throttle","retryAfterSeconds":3,"count":2}""");
        using var first = await PostInviteAsync(EmulatorDefaults.SeedUserIds[0]);
        using var second = await PostInviteAsync(EmulatorDefaults.SeedUserIds[0]);
        Assert.Equal((HttpStatusCode)429, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Headers.RetryAfter!.Delta);
        Assert.Equal("TooManyRequests", JsonNode.Parse(await first.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Empty(_emulator.State.Invites);
        using var third = await PostInviteAsync(EmulatorDefaults.SeedUserIds[0]);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(2, Faults("throttle"));
        var (_, stats) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/_emulator/stats");
        Assert.Equal(2, stats!["faultsInjected"]!["throttle"]!.GetValue<long>());
    }

    [Fact]
    public async Task Throttle_WithHttpDate_And503_And504()
    {
        await AddFaultAsync("""{"route":"/participants$","kind":"throttle","retryAfterSeconds":5,"retryAfterDate":true,"count":1}""");
        using var dated = await _http.GetAsync($"/v1.0/communications/calls/{SeedContractTests.ChatCallId}/participants");
        Assert.Equal((HttpStatusCode)429, dated.StatusCode);
        Assert.NotNull(dated.Headers.RetryAfter!.Date);
        Assert.True(dated.Headers.RetryAfter.Date > DateTimeOffset.UtcNow.AddSeconds(2));

        await AddFaultAsync("""{"route":"/participants$","kind":"unavailable","retryAfterSeconds":2,"count":1}""");
        using var unavailable = await _http.GetAsync($"/v1.0/communications/calls/{SeedContractTests.ChatCallId}/participants");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), unavailable.Headers.RetryAfter!.Delta);
        Assert.NotNull(JsonNode.Parse(await unavailable.Content.ReadAsStringAsync())!["error"]!["innerError"]!["request-id"]);

        await AddFaultAsync("""{"route":"/participants$","kind":"gatewayTimeout","count":1}""");
        using var timeout = await _http.GetAsync($"/v1.0/communications/calls/{SeedContractTests.ChatCallId}/participants");
        Assert.Equal(HttpStatusCode.GatewayTimeout, timeout.StatusCode);
        using var ok = await _http.GetAsync($"/v1.0/communications/calls/{SeedContractTests.ChatCallId}/participants");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ResetBefore_AbortsWithoutProcessing()
    {
        await AddFaultAsync("""{"route":"/participants/invite$","kind":"resetBefore","count":1}""");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostInviteAsync(EmulatorDefaults.SeedUserIds[1]));
        Assert.Empty(_emulator.State.Invites);
        Assert.DoesNotContain(_emulator.State.GetRoster(SeedContractTests.ChatCallId), e => e.IdentityId == EmulatorDefaults.SeedUserIds[1]);
        Assert.Equal(1, Faults("resetBefore"));
    }

    [Fact]
    public async Task ResetAfter_AppliesTheInvite_ThenAborts_AndAResendIsADuplicate()
    {
        await AddFaultAsync("""{"route":"/participants/invite$","method":"POST","kind":"resetAfter","count":1}""");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostInviteAsync(EmulatorDefaults.SeedUserIds[1]));
        Assert.Single(_emulator.State.Invites);
        Assert.Contains(_emulator.State.GetRoster(SeedContractTests.ChatCallId), e => e.IdentityId == EmulatorDefaults.SeedUserIds[1]);

        // A client that re-sends blindly is caught.
        using var resent = await PostInviteAsync(EmulatorDefaults.SeedUserIds[1]);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(1, _emulator.State.Stats.DuplicateInvites);
    }

    [Fact]
    public async Task Truncate_ProcessesAndSendsHalfABody()
    {
        await AddFaultAsync("""{"route":"/participants/invite$","kind":"truncate","count":1}""");
        using var response = await PostInviteAsync(EmulatorDefaults.SeedUserIds[2]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.NotEmpty(text);
        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(text));
        Assert.Single(_emulator.State.Invites);
    }

    [Fact]
    public async Task NonJson_AnswersHtml()
    {
        await AddFaultAsync("""{"route":"/communications/calls$","method":"GET","kind":"nonJson","count":1}""");
        using var response = await _http.GetAsync("/v1.0/communications/calls");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(html));
    }

    [Fact]
    public async Task ExpiredToken_Is401InvalidAuthenticationToken()
    {
        await AddFaultAsync("""{"kind":"expiredToken","count":1}""");
        using var response = await _http.GetAsync("/v1.0/communications/calls");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("InvalidAuthenticationToken", body["error"]!["code"]!.GetValue<string>());
        Assert.Contains("expired", body["error"]!["message"]!.GetValue<string>());
        // Route-less rules leave identity routes alone.
        await AddFaultAsync("""{"kind":"unavailable","count":5}""");
        Assert.False(string.IsNullOrEmpty(await TestHttp.GetTokenAsync(_http, _emulator)));
    }

    [Fact]
    public async Task Latency_DelaysThenProcesses_AndProbabilityZeroNeverFires()
    {
        await AddFaultAsync("""{"route":"/communications/calls$","kind":"latency","latencyMs":300,"count":1}""");
        await AddFaultAsync("""{"route":"/communications/calls$","kind":"unavailable","probability":0}""");
        var started = DateTime.UtcNow;
        using var response = await _http.GetAsync("/v1.0/communications/calls");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(1, Faults("latency"));
        Assert.Equal(0, Faults("unavailable"));
    }

    [Fact]
    public async Task FaultRules_AreListedClearedAndValidated()
    {
        await AddFaultAsync("""{"kind":"throttle"}""");
        var (_, list) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/_emulator/faults");
        Assert.Single(list!.AsArray());
        using var cleared = await _http.DeleteAsync("/_emulator/faults");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(_emulator.Faults.Rules);
        using var badKind = await _http.PostAsync("/_emulator/faults", TestHttp.Json("""{"kind":"meltdown"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        using var badRegex = await _http.PostAsync("/_emulator/faults", TestHttp.Json("""{"kind":"throttle","route":"("}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badRegex.StatusCode);
        using var badProbability = await _http.PostAsync("/_emulator/faults", TestHttp.Json("""{"kind":"throttle","probability":2}"""));
        Assert.Equal(HttpStatusCode.BadRequest, badProbability.StatusCode);
    }

    [Fact]
    public async Task ThrottleRate_TokenBucketOnInvites_Gives429WithRetryAfter()
    {
        using var settings = await _http.PostAsync("/_emulator/settings", TestHttp.Json("""{"throttleRatePerSecond":2}"""));
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        var ids = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid().ToString()).ToArray();
        foreach (var id in ids) _emulator.State.AddUser(new DirectoryUser { Id = id, UserPrincipalName = $"{id}@contoso.onmicrosoft.com" });
        var responses = await Task.WhenAll(ids.Select(PostInviteAsync));
        try
        {
            Assert.Contains(responses, r => r.StatusCode == (HttpStatusCode)429);
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode == (HttpStatusCode)429), r => Assert.True(r.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1)));
            Assert.True(Faults("throttleRate") >= 1);
            Assert.Equal(responses.Count(r => r.StatusCode == HttpStatusCode.OK), _emulator.State.Invites.Count);
        }
        finally
        {
            foreach (var r in responses) r.Dispose();
        }
    }
}
