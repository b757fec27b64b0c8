using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using SdkModels = Microsoft.Graph.Models;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// Microsoft's Graph SDK against the emulator's licence surface over HTTPS: subscribedSkus, a user's usageLocation
/// set with PATCH, and assignLicense refused without a usage location and applied with one.
/// </summary>
public sealed class LicenseSdkTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _admin = null!;
    private HttpClient _sdkHttp = null!;
    private GraphServiceClient _graph = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { ReplicationDelay = TimeSpan.Zero });
        _admin = await TestHttp.AuthorizedClientAsync(_emulator);
        (_graph, _sdkHttp) = await GraphSdk.CreateAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        _graph.Dispose();
        _sdkHttp.Dispose();
        _admin.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task SubscribedSkus_AreParsed()
    {
        var skus = await _graph.SubscribedSkus.GetAsync();

        var pstn = Assert.Single(skus!.Value!, s => s.SkuPartNumber == "MCOPSTN1");
        Assert.Equal(Guid.Parse(EmulatorDefaults.Mcopstn1SkuId), pstn.SkuId);
        Assert.Equal($"{EmulatorDefaults.TenantId}_{EmulatorDefaults.Mcopstn1SkuId}", pstn.Id);
        Assert.Equal("Enabled", pstn.CapabilityStatus);
        Assert.Equal("User", pstn.AppliesTo);
        Assert.True(pstn.PrepaidUnits!.Enabled > 0);
        Assert.NotNull(pstn.ConsumedUnits);
        Assert.Contains(skus.Value!, s => s.SkuPartNumber == "PHONESYSTEM_VIRTUALUSER" && s.SkuId == Guid.Parse(EmulatorDefaults.PhoneSystemVirtualUserSkuId));
    }

    [Fact]
    public async Task AssignLicense_WithoutUsageLocation_IsRefused_ThenPatchedUsageLocationLetsItThrough()
    {
        var id = await NewAccountAsync();
        var pstn = Guid.Parse(EmulatorDefaults.Mcopstn1SkuId);
        var before = (await _graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == pstn).ConsumedUnits;

        var refused = await Assert.ThrowsAsync<ODataError>(() => _graph.Users[id].AssignLicense.PostAsync(new AssignLicensePostRequestBody
        {
            AddLicenses = new List<SdkModels.AssignedLicense> { new() { SkuId = pstn } },
            RemoveLicenses = new List<Guid?>(),
        }));
        Assert.Equal(400, refused.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", refused.Error!.Code);
        Assert.Contains("usage location", refused.Error.Message);

        await _graph.Users[id].PatchAsync(new SdkModels.User { UsageLocation = "US" });
        var located = await _graph.Users[id].GetAsync();
        Assert.Equal("US", located!.UsageLocation);
        Assert.Empty(located.AssignedLicenses!);

        var licensed = await _graph.Users[id].AssignLicense.PostAsync(new AssignLicensePostRequestBody
        {
            AddLicenses = new List<SdkModels.AssignedLicense> { new() { SkuId = pstn } },
            RemoveLicenses = new List<Guid?>(),
        });
        Assert.Equal(id, licensed!.Id);
        Assert.Equal("US", licensed.UsageLocation);
        Assert.Equal(pstn, Assert.Single(licensed.AssignedLicenses!).SkuId);
        Assert.Equal(before + 1, (await _graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == pstn).ConsumedUnits);

        var removed = await _graph.Users[id].AssignLicense.PostAsync(new AssignLicensePostRequestBody
        {
            AddLicenses = new List<SdkModels.AssignedLicense>(),
            RemoveLicenses = new List<Guid?> { pstn },
        });
        Assert.Empty(removed!.AssignedLicenses!);
    }

    [Fact]
    public async Task AssignLicense_AnswersUnderItsFullyQualifiedName_Too()
    {
        var id = await NewAccountAsync();
        await _graph.Users[id].PatchAsync(new SdkModels.User { UsageLocation = "DE" });
        var (response, body) = await TestHttp.SendAsync(_admin, HttpMethod.Post, $"/v1.0/users/{id}/microsoft.graph.assignLicense", new JsonObject
        {
            ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.PhoneSystemVirtualUserSkuId }),
            ["removeLicenses"] = new JsonArray(),
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorDefaults.PhoneSystemVirtualUserSkuId, body!["assignedLicenses"]![0]!["skuId"]!.GetValue<string>());
    }

    private async Task<string> NewAccountAsync()
    {
        var (created, body) = await TestHttp.SendAsync(_admin, HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = $"lic-{Guid.NewGuid():N}@contoso.onmicrosoft.com",
            ["displayName"] = "Licence bot",
            ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return body!["objectId"]!.GetValue<string>();
    }
}
