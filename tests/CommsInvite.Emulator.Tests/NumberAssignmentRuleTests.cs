using System.Net;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// The numberAssignments surface beyond the basics: MicrosoftTeams-style filters, $skip and nextLink paging,
/// updateNumber, assignNumber's locationId, and the licence and usage-location refusals (docs/provisioning.md).
/// </summary>
public sealed class NumberAssignmentRuleTests : IAsyncLifetime
{
    private const string Numbers = "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments";

    private EmulatorServer _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            ReplicationDelay = TimeSpan.Zero,
            NumberOperationDelay = TimeSpan.FromMilliseconds(20),
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

    private async Task<string> NewAccountAsync(string upn, string? usageLocation, params string[] skuIds)
    {
        var (created, body) = await Send(HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject { ["userPrincipalName"] = upn, ["displayName"] = "Bot", ["applicationId"] = EmulatorDefaults.ClientId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = body!["objectId"]!.GetValue<string>();
        if (usageLocation is not null)
        {
            await Send(HttpMethod.Patch, $"/v1.0/users/{id}", new JsonObject { ["usageLocation"] = usageLocation });
        }

        if (skuIds.Length > 0)
        {
            var (assigned, _) = await Send(HttpMethod.Post, $"/v1.0/users/{id}/assignLicense", new JsonObject
            {
                ["addLicenses"] = new JsonArray(skuIds.Select(s => (JsonNode?)new JsonObject { ["skuId"] = s }).ToArray()),
                ["removeLicenses"] = new JsonArray(),
            });
            Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        }

        return id;
    }

    private async Task<JsonNode> RunAsync(string action, JsonObject body)
    {
        var (response, _) = await Send(HttpMethod.Post, $"{Numbers}/{action}", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var (_, final) = await SeedContractTests.PollAsync(() => Send(HttpMethod.Get, response.Headers.Location!.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "succeeded" or "failed");
        return final!;
    }

    private static JsonObject Assign(string number, string target, string? locationId = null)
    {
        var body = new JsonObject { ["telephoneNumber"] = number, ["assignmentTargetId"] = target, ["numberType"] = "callingPlan" };
        if (locationId is not null)
        {
            body["locationId"] = locationId;
        }

        return body;
    }

    [Fact]
    public async Task CallingPlanNumber_NeedsUsageLocationAndPstnLicences_DirectRoutingDoesNot()
    {
        var bare = await NewAccountAsync("bare@contoso.onmicrosoft.com", null);
        var noLocation = await RunAsync("assignNumber", Assign("+12345678901", bare));
        Assert.Equal("failed", noLocation["status"]!.GetValue<string>());
        Assert.Equal("UsageLocationRequired", noLocation["error"]!["code"]!.GetValue<string>());

        var located = await NewAccountAsync("located@contoso.onmicrosoft.com", "US");
        Assert.Equal("PstnLicenseRequired", (await RunAsync("assignNumber", Assign("+12345678901", located)))["error"]!["code"]!.GetValue<string>());

        // A resource account needs Phone System - Virtual User besides the Calling Plan.
        var callingPlanOnly = await NewAccountAsync("cponly@contoso.onmicrosoft.com", "US", EmulatorDefaults.Mcopstn1SkuId);
        var virtualUserMissing = await RunAsync("assignNumber", Assign("+12345678901", callingPlanOnly));
        Assert.Equal("PstnLicenseRequired", virtualUserMissing["error"]!["code"]!.GetValue<string>());
        Assert.Contains("PHONESYSTEM_VIRTUALUSER", virtualUserMissing["error"]!["message"]!.GetValue<string>());
        Assert.Equal("unassigned", _emulator.State.GetNumbers().Single(n => n.TelephoneNumber == "+12345678901").AssignmentStatus);

        var licensed = await NewAccountAsync("licensed@contoso.onmicrosoft.com", "US", EmulatorDefaults.PhoneSystemVirtualUserSkuId, EmulatorDefaults.Mcopstn2SkuId);
        Assert.Equal("succeeded", (await RunAsync("assignNumber", Assign("+12345678901", licensed)))["status"]!.GetValue<string>());

        _emulator.State.AddPhoneNumber("+14255559000", "directRouting");
        var direct = await RunAsync("assignNumber", new JsonObject { ["telephoneNumber"] = "+14255559000", ["assignmentTargetId"] = bare, ["numberType"] = "directRouting" });
        Assert.Equal("succeeded", direct["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FiltersOnPrefixPartAndRange_SkipsAndPagesThroughNextLink()
    {
        for (var i = 0; i < 150; i++)
        {
            _emulator.State.AddPhoneNumber("+1312555" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var (_, prefixed) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("startswith(telephoneNumber,'+1425')"));
        Assert.Equal(new[] { "+14255550100", "+14255550101" }, prefixed!["value"]!.AsArray().Select(n => n!["telephoneNumber"]!.GetValue<string>()));
        var (_, containing) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("contains(telephoneNumber,'5678902')"));
        Assert.Equal("+12345678902", Assert.Single(containing!["value"]!.AsArray())!["telephoneNumber"]!.GetValue<string>());
        var (_, range) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("telephoneNumber gt '+13125551140' and telephoneNumber lt '+13125551144'"));
        Assert.Equal(3, range!["value"]!.AsArray().Count);

        // $top is the page size: 140 numbers after $skip=10 come as 100, then 40 through @odata.nextLink.
        var (_, firstPage) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("startswith(telephoneNumber,'+1312')") + "&$top=100&$skip=10");
        Assert.Equal(100, firstPage!["value"]!.AsArray().Count);
        Assert.Equal("+13125551010", firstPage["value"]![0]!["telephoneNumber"]!.GetValue<string>());
        var next = new Uri(firstPage["@odata.nextLink"]!.GetValue<string>());
        Assert.Equal(_emulator.BaseUri.Authority, next.Authority);
        var (_, secondPage) = await Send(HttpMethod.Get, next.PathAndQuery);
        Assert.Equal(40, secondPage!["value"]!.AsArray().Count);
        Assert.Equal("+13125551110", secondPage["value"]![0]!["telephoneNumber"]!.GetValue<string>());
        Assert.Null(secondPage["@odata.nextLink"]);

        // Without $top a page holds Graph's default of 500; the emulator's page size limit makes pages shorter than $top.
        var (_, whole) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("startswith(telephoneNumber,'+1312')"));
        Assert.Equal(150, whole!["value"]!.AsArray().Count);
        Assert.Null(whole["@odata.nextLink"]);
        _emulator.State.Settings.NumberPageSizeLimit = 60;
        var (_, limited) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString("startswith(telephoneNumber,'+1312')") + "&$top=100");
        Assert.Equal(60, limited!["value"]!.AsArray().Count);
        Assert.Contains("$skip=60", Uri.UnescapeDataString(limited["@odata.nextLink"]!.GetValue<string>()));

        var (badSkip, _) = await Send(HttpMethod.Get, $"{Numbers}?$skip=-1");
        Assert.Equal(HttpStatusCode.BadRequest, badSkip.StatusCode);
    }

    [Fact]
    public async Task UpdateNumber_SetsLocationNetworkSiteAndReverseLookup_AndAssignTakesALocation()
    {
        var account = await NewAccountAsync("located2@contoso.onmicrosoft.com", "US", EmulatorDefaults.PhoneSystemVirtualUserSkuId, EmulatorDefaults.Mcopstn1SkuId);
        var location = Guid.NewGuid().ToString();
        Assert.Equal("succeeded", (await RunAsync("assignNumber", Assign("+12345678903", account, location)))["status"]!.GetValue<string>());
        var (_, byLocation) = await Send(HttpMethod.Get, $"{Numbers}?$filter=" + Uri.EscapeDataString($"locationId eq '{location}'"));
        Assert.Equal("+12345678903", Assert.Single(byLocation!["value"]!.AsArray())!["telephoneNumber"]!.GetValue<string>());

        var updated = await RunAsync("updateNumber", new JsonObject
        {
            ["telephoneNumber"] = "+12345678903", ["networkSiteId"] = "site-1", ["reverseNumberLookupOptions"] = new JsonArray("skipInternalVoip"),
        });
        Assert.Equal("succeeded", updated["status"]!.GetValue<string>());
        Assert.Equal("succeeded", (await RunAsync("updateNumber", new JsonObject { ["telephoneNumber"] = "+12345678903", ["locationId"] = "null" }))["status"]!.GetValue<string>());
        var record = _emulator.State.GetNumbers().Single(n => n.TelephoneNumber == "+12345678903");
        Assert.Null(record.LocationId);
        Assert.Equal("site-1", record.NetworkSiteId);
        Assert.Equal(new[] { "skipInternalVoip" }, record.ReverseNumberLookup);

        var (nothing, _) = await Send(HttpMethod.Post, $"{Numbers}/updateNumber", new JsonObject { ["telephoneNumber"] = "+12345678903" });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        var (badOption, _) = await Send(HttpMethod.Post, $"{Numbers}/updateNumber", new JsonObject { ["telephoneNumber"] = "+12345678903", ["reverseNumberLookupOptions"] = new JsonArray("sometimes") });
        Assert.Equal(HttpStatusCode.BadRequest, badOption.StatusCode);
    }

}
