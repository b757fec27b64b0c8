using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>What the emulator answers a bot that is not ready to call, as the service does (docs/emulator.md).</summary>
public sealed class ServiceRefusalTests : IAsyncLifetime
{
    private const string Callback = "https://bot.contoso.com/api/calls";
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(50), ReplicationDelay = TimeSpan.Zero, NumberOperationDelay = TimeSpan.FromMilliseconds(20) });
        _http = await TestHttp.AuthorizedClientAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private async Task<HttpClient> ClientForAsync(JsonObject registration)
    {
        var clientId = Guid.NewGuid().ToString();
        registration["clientId"] = clientId;
        registration["clientSecret"] = "refusal-test-secret";
        var (registered, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/_emulator/clients", registration);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var http = TestHttp.PinnedClient(_emulator);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestHttp.GetTokenAsync(http, _emulator, clientId, "refusal-test-secret"));
        return http;
    }

    private static JsonObject GroupCall(string? instanceId = null, string? tenantId = null)
    {
        var identity = new JsonObject { ["application"] = new JsonObject { ["id"] = EmulatorDefaults.ClientId } };
        if (instanceId is not null) identity["applicationInstance"] = new JsonObject { ["id"] = instanceId };
        return new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.call",
            ["callbackUri"] = Callback,
            ["source"] = new JsonObject { ["identity"] = identity },
            ["requestedModalities"] = new JsonArray("audio"),
            ["mediaConfig"] = new JsonObject { ["@odata.type"] = "#microsoft.graph.serviceHostedMediaConfig" },
            ["chatInfo"] = new JsonObject { ["threadId"] = "19:meeting_refusals@thread.v2", ["messageId"] = "0" },
            ["tenantId"] = tenantId,
        };
    }

    private static void AssertError(HttpResponseMessage response, JsonNode? body, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());
        Assert.NotNull(body["error"]!["innerError"]!["request-id"]);
    }

    [Fact]
    public async Task CallingNotEnabled_CreateCall_Is7503()
    {
        using var http = await ClientForAsync(new JsonObject { ["roles"] = new JsonArray("Calls.InitiateGroupCall.All"), ["callingEnabled"] = false });
        var calls = _emulator.State.GetCalls().Count;
        var (response, body) = await TestHttp.SendAsync(http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall());
        AssertError(response, body, HttpStatusCode.Forbidden, "7503");
        Assert.Contains("not registered", body!["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(calls, _emulator.State.GetCalls().Count);
    }

    [Fact]
    public async Task CallingEnabledByDefault_CreateCall_Is201()
    {
        using var http = await ClientForAsync(new JsonObject { ["roles"] = new JsonArray("Calls.InitiateGroupCall.All") });
        var (response, _) = await TestHttp.SendAsync(http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task TokenWithoutRole_CreateCall_Is7504()
    {
        using var http = await ClientForAsync(new JsonObject { ["roles"] = new JsonArray("User.Read.All") });
        var (response, body) = await TestHttp.SendAsync(http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall());
        AssertError(response, body, HttpStatusCode.Forbidden, "7504");
    }

    [Fact]
    public async Task TokenFromAnotherTenant_CallsRoutes_Are7505()
    {
        var otherTenant = Guid.NewGuid().ToString();
        using var http = await ClientForAsync(new JsonObject { ["roles"] = new JsonArray("Calls.InitiateGroupCall.All", "TeamsUserConfiguration.Read.All"), ["tenantId"] = otherTenant });
        var (response, body) = await TestHttp.SendAsync(http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall());
        AssertError(response, body, HttpStatusCode.Forbidden, "7505");
        var (listed, listBody) = await TestHttp.SendAsync(http, HttpMethod.Get, "/v1.0/communications/calls");
        AssertError(listed, listBody, HttpStatusCode.Forbidden, "7505");
    }

    [Fact]
    public async Task BodyNamingAnotherTenant_CreateCall_Is7505()
    {
        var (response, body) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall(tenantId: Guid.NewGuid().ToString()));
        AssertError(response, body, HttpStatusCode.Forbidden, "7505");
        var (own, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall(tenantId: _emulator.Connection.TenantId));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task SourceInstanceOfAnotherApp_CreateCall_Is7507()
    {
        var (created, instance) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = $"other-{Guid.NewGuid():N}@contoso.onmicrosoft.com",
            ["applicationId"] = Guid.NewGuid().ToString(),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (response, body) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall(instance!["objectId"]!.GetValue<string>()));
        AssertError(response, body, HttpStatusCode.Forbidden, "7507");
    }

    [Fact]
    public async Task PhoneInvite_FromInstanceWithoutNumber_Fails412WithDiagCode10073()
    {
        var (created, instance) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = $"nonumber-{Guid.NewGuid():N}@contoso.onmicrosoft.com",
            ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (call, callBody) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", GroupCall(instance!["objectId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
        var callId = callBody!["id"]!.GetValue<string>();
        var (invite, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, $"/v1.0/communications/calls/{callId}/participants/invite", new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject { ["identity"] = new JsonObject { ["phone"] = new JsonObject { ["id"] = "+14255550199" } } }),
        });
        Assert.Equal(HttpStatusCode.OK, invite.StatusCode);
        var (_, final) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, invite.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
        Assert.Equal("failed", final!["status"]!.GetValue<string>());
        Assert.Equal(412, final["resultInfo"]!["code"]!.GetValue<int>());
        Assert.Contains("DiagCode: 412#10073", final["resultInfo"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PhoneInvite_IntoAMeetingJoinedWithoutInstance_Fails403WithDiagCode10151()
    {
        var (_, meeting) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/_emulator/meetings", new JsonObject { ["subject"] = "refusals" });
        var body = GroupCall();
        body.Remove("chatInfo");
        body["meetingInfo"] = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.joinMeetingIdMeetingInfo",
            ["joinMeetingId"] = meeting!["joinMeetingId"]!.GetValue<string>(),
            ["passcode"] = meeting["passcode"]?.GetValue<string>(),
        };
        var (call, callBody) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/v1.0/communications/calls", body);
        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
        var callId = callBody!["id"]!.GetValue<string>();
        var (invite, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, $"/v1.0/communications/calls/{callId}/participants/invite", new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject { ["identity"] = new JsonObject { ["phone"] = new JsonObject { ["id"] = "+14255550198" } } }),
        });
        Assert.Equal(HttpStatusCode.OK, invite.StatusCode);
        var (_, final) = await SeedContractTests.PollAsync(() => TestHttp.SendAsync(_http, HttpMethod.Get, invite.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
        Assert.Equal("failed", final!["status"]!.GetValue<string>());
        Assert.Equal(403, final["resultInfo"]!["code"]!.GetValue<int>());
        Assert.Contains("DiagCode: 403#10151", final["resultInfo"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserConfigurations_ShowInstancesAsResourceAccountsWithTheirNumbers()
    {
        var objectId = await ProvisioningSteps.ApplicationInstanceWithNumberAsync(_http, "+12345678902");
        var (response, body) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/admin/teams/userConfigurations/{objectId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(objectId, body!["id"]!.GetValue<string>());
        Assert.Equal("resourceAccount", body["accountType"]!.GetValue<string>());
        Assert.True(body["isEnterpriseVoiceEnabled"]!.GetValue<bool>());
        Assert.Equal(_emulator.Connection.TenantId, body["tenantId"]!.GetValue<string>());
        var number = Assert.Single(body["telephoneNumbers"]!.AsArray());
        Assert.Equal("+12345678902", number!["telephoneNumber"]!.GetValue<string>());
        Assert.Equal("primary", number["assignmentCategory"]!.GetValue<string>());
        var policy = Assert.Single(body["effectivePolicyAssignments"]!.AsArray());
        Assert.NotNull(policy!["policyType"]);
        Assert.NotNull(policy["policyAssignment"]!["displayName"]);

        var (listed, list) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/v1.0/admin/teams/userConfigurations");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var user = list!["value"]!.AsArray().Single(u => u!["id"]!.GetValue<string>() == EmulatorDefaults.SeedUserIds[0]);
        Assert.Equal("user", user!["accountType"]!.GetValue<string>());
        Assert.False(user["isEnterpriseVoiceEnabled"]!.GetValue<bool>());
        Assert.Empty(user["telephoneNumbers"]!.AsArray());
    }

    [Fact]
    public async Task UserConfigurations_UnknownId_Is404_AndNeedTheRole()
    {
        var (missing, body) = await TestHttp.SendAsync(_http, HttpMethod.Get, $"/v1.0/admin/teams/userConfigurations/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(body!["error"]!["code"]);
        using var http = await ClientForAsync(new JsonObject { ["roles"] = new JsonArray("User.Read.All") });
        var (denied, deniedBody) = await TestHttp.SendAsync(http, HttpMethod.Get, "/v1.0/admin/teams/userConfigurations");
        AssertError(denied, deniedBody, HttpStatusCode.Forbidden, "Authorization_RequestDenied");
        var (beta, _) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/beta/admin/teams/userConfigurations");
        Assert.NotEqual(HttpStatusCode.OK, beta.StatusCode); // v1.0 only, as documented
    }

    [Fact]
    public async Task NumberAssignments_CarryCapabilitiesAndActivationState()
    {
        var (added, _) = await TestHttp.SendAsync(_http, HttpMethod.Post, "/_emulator/numbers", new JsonObject
        {
            ["telephoneNumber"] = "+14255550177",
            ["capabilities"] = new JsonArray("userAssignment"),
            ["activationState"] = "assignmentPending",
        });
        Assert.Equal(HttpStatusCode.NoContent, added.StatusCode);
        var (response, body) = await TestHttp.SendAsync(_http, HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=telephoneNumber%20eq%20'%2B14255550177'");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var number = Assert.Single(body!["value"]!.AsArray());
        Assert.Equal("assignmentPending", number!["activationState"]!.GetValue<string>());
        Assert.Equal("userAssignment", Assert.Single(number["capabilities"]!.AsArray())!.GetValue<string>());
    }
}
