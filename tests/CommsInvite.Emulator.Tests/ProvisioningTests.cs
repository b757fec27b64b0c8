using System.Net;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

public sealed class ProvisioningTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            AnswerDelay = TimeSpan.FromMilliseconds(100),
            ReplicationDelay = TimeSpan.FromMilliseconds(600),
            NumberOperationDelay = TimeSpan.FromMilliseconds(100),
        });
        _http = await TestHttp.AuthorizedClientAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    private Task<(HttpResponseMessage Response, JsonNode? Body)> Send(HttpMethod method, string path, JsonNode? body = null) =>
        TestHttp.SendAsync(_http, method, path, body);

    /// <summary>A resource account; <paramref name="licensed"/> gives it a usage location and the licences a Calling Plan number needs.</summary>
    private async Task<string> CreateInstanceAsync(string upn, bool licensed = true)
    {
        var (response, body) = await Send(HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = upn,
            ["displayName"] = "Bot",
            ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body!["objectId"]!.GetValue<string>();
        if (licensed)
        {
            var (patched, _) = await Send(HttpMethod.Patch, $"/v1.0/users/{id}", new JsonObject { ["usageLocation"] = "US" });
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
            var (assigned, _) = await Send(HttpMethod.Post, $"/v1.0/users/{id}/assignLicense", new JsonObject
            {
                ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.PhoneSystemVirtualUserSkuId }, new JsonObject { ["skuId"] = EmulatorDefaults.Mcopstn1SkuId }),
                ["removeLicenses"] = new JsonArray(),
            });
            Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        }

        return id;
    }

    private async Task<JsonNode> AssignAsync(string number, string targetId, string numberType = "callingPlan")
    {
        var (response, body) = await Send(HttpMethod.Post, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber", new JsonObject
        {
            ["telephoneNumber"] = number,
            ["assignmentTargetId"] = targetId,
            ["numberType"] = numberType,
            ["assignmentCategory"] = "primary",
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("notStarted", body!["status"]!.GetValue<string>());
        var (_, final) = await SeedContractTests.PollAsync(() => Send(HttpMethod.Get, response.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "succeeded" or "failed");
        Assert.NotNull(final!["createdDateTime"]);
        Assert.NotNull(final["resourceLocation"]);
        return final;
    }

    [Fact]
    public async Task SubscribedSkus_ListsTheFourSkusWithSeats()
    {
        var (response, body) = await Send(HttpMethod.Get, "/v1.0/subscribedSkus");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var skus = body!["value"]!.AsArray();
        foreach (var (id, part) in new[] { (EmulatorDefaults.PhoneSystemVirtualUserSkuId, "PHONESYSTEM_VIRTUALUSER"), (EmulatorDefaults.Mcopstn1SkuId, "MCOPSTN1"), (EmulatorDefaults.Mcopstn2SkuId, "MCOPSTN2"), (EmulatorDefaults.McoevSkuId, "MCOEV") })
        {
            var sku = skus.Single(s => s!["skuPartNumber"]!.GetValue<string>() == part)!;
            Assert.Equal(id, sku["skuId"]!.GetValue<string>());
            Assert.True(sku["prepaidUnits"]!["enabled"]!.GetValue<int>() > 0);
            Assert.Equal(0, sku["consumedUnits"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task AssignLicense_NeedsUsageLocation_ConsumesSeats_RejectsUnknownSku_AndExhaustedSeats()
    {
        var instanceId = await CreateInstanceAsync("lic@contoso.onmicrosoft.com", licensed: false);
        var add = new JsonObject { ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.Mcopstn1SkuId }), ["removeLicenses"] = new JsonArray() };

        var (noLocation, error) = await Send(HttpMethod.Post, $"/v1.0/users/{instanceId}/assignLicense", add);
        Assert.Equal(HttpStatusCode.BadRequest, noLocation.StatusCode);
        Assert.Contains("usage location", error!["error"]!["message"]!.GetValue<string>());

        var (patched, _) = await Send(HttpMethod.Patch, "/v1.0/users/lic@contoso.onmicrosoft.com", new JsonObject { ["usageLocation"] = "US" });
        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        var (_, user) = await Send(HttpMethod.Get, $"/v1.0/users/{instanceId}");
        Assert.Equal("US", user!["usageLocation"]!.GetValue<string>());

        var (assigned, updated) = await Send(HttpMethod.Post, $"/v1.0/users/{instanceId}/assignLicense", add);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Contains(updated!["assignedLicenses"]!.AsArray(), l => l!["skuId"]!.GetValue<string>() == EmulatorDefaults.Mcopstn1SkuId);
        var (_, skus) = await Send(HttpMethod.Get, "/v1.0/subscribedSkus");
        Assert.Equal(1, skus!["value"]!.AsArray().Single(s => s!["skuPartNumber"]!.GetValue<string>() == "MCOPSTN1")!["consumedUnits"]!.GetValue<int>());

        // Re-assigning what is already held consumes nothing.
        await Send(HttpMethod.Post, $"/v1.0/users/{instanceId}/assignLicense", add);
        Assert.Equal(1, _emulator.State.GetSkus().Single(s => s.SkuPartNumber == "MCOPSTN1").Consumed);

        var (unknown, unknownError) = await Send(HttpMethod.Post, $"/v1.0/users/{instanceId}/assignLicense",
            new JsonObject { ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = Guid.NewGuid().ToString() }), ["removeLicenses"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("valid company License", unknownError!["error"]!["message"]!.GetValue<string>());

        Assert.True(_emulator.State.SetSkuSeats("MCOEV", 0));
        var (exhausted, exhaustedError) = await Send(HttpMethod.Post, $"/v1.0/users/{instanceId}/assignLicense",
            new JsonObject { ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.McoevSkuId }), ["removeLicenses"] = new JsonArray() });
        Assert.Equal(HttpStatusCode.BadRequest, exhausted.StatusCode);
        Assert.Contains("does not have any available licenses", exhaustedError!["error"]!["message"]!.GetValue<string>());

        var (missing, _) = await Send(HttpMethod.Get, $"/v1.0/users/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var (badLocation, _) = await Send(HttpMethod.Patch, $"/v1.0/users/{instanceId}", new JsonObject { ["usageLocation"] = "USA" });
        Assert.Equal(HttpStatusCode.BadRequest, badLocation.StatusCode);
    }

    [Fact]
    public async Task ApplicationInstances_CreateGetListPatchSync_And409OnTakenUpn()
    {
        var id = await CreateInstanceAsync("ivr@contoso.onmicrosoft.com", licensed: false);
        var (conflict, error) = await Send(HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = "IVR@contoso.onmicrosoft.com", ["displayName"] = "Other", ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("UserPrincipalNameConflict", error!["error"]!["code"]!.GetValue<string>());
        var (seedUserConflict, _) = await Send(HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = "adele@contoso.onmicrosoft.com", ["displayName"] = "Other", ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Conflict, seedUserConflict.StatusCode);

        var (byUpn, instance) = await Send(HttpMethod.Get, "/beta/admin/teams/applicationInstances/ivr@contoso.onmicrosoft.com");
        Assert.Equal(HttpStatusCode.OK, byUpn.StatusCode);
        Assert.Equal(id, instance!["objectId"]!.GetValue<string>());
        Assert.Null(instance["phoneNumber"]);
        Assert.False(instance["synced"]!.GetValue<bool>());
        var (_, list) = await Send(HttpMethod.Get, "/beta/admin/teams/applicationInstances");
        Assert.Single(list!["value"]!.AsArray());
        var (patched, patchedBody) = await Send(HttpMethod.Patch, $"/beta/admin/teams/applicationInstances/{id}", new JsonObject { ["displayName"] = "IVR 2" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("IVR 2", patchedBody!["displayName"]!.GetValue<string>());

        var (early, _) = await Send(HttpMethod.Post, $"/beta/admin/teams/applicationInstances/{id}/sync");
        Assert.Equal(HttpStatusCode.Accepted, early.StatusCode);
        Assert.NotNull(early.Headers.RetryAfter);
        var (synced, syncedBody) = await SeedContractTests.PollAsync(() => Send(HttpMethod.Post, $"/beta/admin/teams/applicationInstances/{id}/sync"),
            r => r.Response.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, synced.StatusCode);
        Assert.True(syncedBody!["synced"]!.GetValue<bool>());

        var (missing, _) = await Send(HttpMethod.Get, $"/beta/admin/teams/applicationInstances/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var (bad, _) = await Send(HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject { ["userPrincipalName"] = "no-at-sign", ["displayName"] = "x", ["applicationId"] = EmulatorDefaults.ClientId });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var (user, _) = await Send(HttpMethod.Get, $"/v1.0/users/{id}");
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
    }

    [Fact]
    public async Task Numbers_FilterTop_AssignUnassign_AndErrors()
    {
        var (_, free) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=assignmentStatus eq 'unassigned' and numberType eq 'callingPlan'&$top=1");
        Assert.Single(free!["value"]!.AsArray());
        var (_, exact) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=telephoneNumber eq '%2B12345678901'");
        Assert.Equal("+12345678901", exact!["value"]![0]!["telephoneNumber"]!.GetValue<string>());
        var (unencodedPlus, plusError) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=telephoneNumber eq '+12345678901'");
        Assert.Equal(HttpStatusCode.BadRequest, unencodedPlus.StatusCode);
        Assert.Contains("%2B", plusError!["error"]!["message"]!.GetValue<string>());
        var (badFilter, _) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=endswith(telephoneNumber,'01')");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        var (badTop, _) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$top=0");
        Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);

        var first = await CreateInstanceAsync("first@contoso.onmicrosoft.com");
        var second = await CreateInstanceAsync("second@contoso.onmicrosoft.com");
        Assert.Equal("succeeded", (await AssignAsync("+12345678902", first))["status"]!.GetValue<string>());
        var (_, instance) = await Send(HttpMethod.Get, $"/beta/admin/teams/applicationInstances/{first}");
        Assert.Equal("+12345678902", instance!["phoneNumber"]!.GetValue<string>());
        var (_, assigned) = await Send(HttpMethod.Get, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments?$filter=telephoneNumber eq '%2B12345678902'");
        Assert.Equal("voiceApplicationAssigned", assigned!["value"]![0]!["assignmentStatus"]!.GetValue<string>());
        Assert.Equal(first, assigned["value"]![0]!["assignmentTargetId"]!.GetValue<string>());

        // Again to the same target: nothing changes, succeeds. To another target: NumberAlreadyAssigned.
        Assert.Equal("succeeded", (await AssignAsync("+12345678902", first))["status"]!.GetValue<string>());
        var elsewhere = await AssignAsync("+12345678902", second);
        Assert.Equal("failed", elsewhere["status"]!.GetValue<string>());
        Assert.Equal("NumberAlreadyAssigned", elsewhere["error"]!["code"]!.GetValue<string>());

        var (notInTenant, error) = await Send(HttpMethod.Post, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber", new JsonObject
        {
            ["telephoneNumber"] = "+19995550000", ["assignmentTargetId"] = first, ["numberType"] = "callingPlan",
        });
        Assert.Equal(HttpStatusCode.NotFound, notInTenant.StatusCode);
        Assert.Equal("NumberNotFound", error!["error"]!["code"]!.GetValue<string>());
        var (badNumber, _) = await Send(HttpMethod.Post, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber", new JsonObject
        {
            ["telephoneNumber"] = "12345", ["assignmentTargetId"] = first, ["numberType"] = "callingPlan",
        });
        Assert.Equal(HttpStatusCode.BadRequest, badNumber.StatusCode);

        var (unassign, _) = await Send(HttpMethod.Post, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/unassignNumber", new JsonObject
        {
            ["telephoneNumber"] = "+12345678902", ["numberType"] = "callingPlan",
        });
        Assert.Equal(HttpStatusCode.Accepted, unassign.StatusCode);
        var (_, done) = await SeedContractTests.PollAsync(() => Send(HttpMethod.Get, unassign.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "succeeded" or "failed");
        Assert.Equal("succeeded", done!["status"]!.GetValue<string>());
        var (_, cleared) = await Send(HttpMethod.Get, $"/beta/admin/teams/applicationInstances/{first}");
        Assert.Null(cleared!["phoneNumber"]);
        var (missingOperation, _) = await Send(HttpMethod.Get, $"/v1.0/admin/teams/telephoneNumberManagement/operations/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missingOperation.StatusCode);
    }

    [Fact]
    public async Task PstnInvite_SucceedsOnlyOnceTheSourceInstanceHoldsANumber()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var instanceId = await CreateInstanceAsync("pstn@contoso.onmicrosoft.com");
        var (seeded, _) = await Send(HttpMethod.Post, "/_emulator/calls", new JsonObject
        {
            ["id"] = "11111111-0000-4000-8000-000000000001", ["callbackUri"] = receiver.CallbackUri.ToString(), ["sourceApplicationInstanceId"] = instanceId,
        });
        Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
        var invite = new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject { ["identity"] = new JsonObject { ["phone"] = new JsonObject { ["id"] = "+14255550199" } } }),
            ["clientContext"] = "pstn",
        };

        async Task<JsonNode> InviteAndWaitAsync()
        {
            var (response, _) = await Send(HttpMethod.Post, "/v1.0/communications/calls/11111111-0000-4000-8000-000000000001/participants/invite", invite.DeepClone());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (_, final) = await SeedContractTests.PollAsync(() => Send(HttpMethod.Get, response.Headers.Location!.PathAndQuery),
                r => r.Body?["status"]?.GetValue<string>() is "failed" or "completed");
            return final!;
        }

        var before = await InviteAndWaitAsync();
        Assert.Equal("failed", before["status"]!.GetValue<string>());
        Assert.Equal(412, before["resultInfo"]!["code"]!.GetValue<int>());
        Assert.Equal(9999, before["resultInfo"]!["subcode"]!.GetValue<int>());

        Assert.Equal("succeeded", (await AssignAsync("+12345678903", instanceId))["status"]!.GetValue<string>());
        var after = await InviteAndWaitAsync();
        Assert.Equal("completed", after["status"]!.GetValue<string>());
        Assert.Contains(_emulator.State.GetRoster("11111111-0000-4000-8000-000000000001"), e => e.IdentityKind == "phone" && e.IdentityId == "+14255550199" && e.Joined);

        var (badSource, _) = await Send(HttpMethod.Post, "/v1.0/communications/calls", new JsonObject
        {
            ["callbackUri"] = receiver.CallbackUri.ToString(),
            ["source"] = new JsonObject { ["identity"] = new JsonObject { ["applicationInstance"] = new JsonObject { ["id"] = Guid.NewGuid().ToString() } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, badSource.StatusCode);
        var (created, call) = await Send(HttpMethod.Post, "/v1.0/communications/calls", new JsonObject
        {
            ["callbackUri"] = receiver.CallbackUri.ToString(),
            ["source"] = new JsonObject { ["identity"] = new JsonObject { ["applicationInstance"] = new JsonObject { ["id"] = instanceId } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(instanceId, _emulator.State.GetCall(call!["id"]!.GetValue<string>())!.SourceApplicationInstanceId);
    }
}
