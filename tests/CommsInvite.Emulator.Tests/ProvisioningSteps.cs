using System.Net;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>The seeds' example 4 steps 1-4 over the emulator's REST surface (step 2, licences, through Graph).</summary>
internal static class ProvisioningSteps
{
    public static async Task<string> ApplicationInstanceWithNumberAsync(HttpClient http, string number, string? upn = null)
    {
        upn ??= $"bot-{Guid.NewGuid():N}@contoso.onmicrosoft.com";
        var (created, instance) = await TestHttp.SendAsync(http, HttpMethod.Post, "/beta/admin/teams/applicationInstances", new JsonObject
        {
            ["userPrincipalName"] = upn,
            ["displayName"] = "Seed bot",
            ["applicationId"] = EmulatorDefaults.ClientId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var objectId = instance!["objectId"]!.GetValue<string>();
        var (synced, _) = await SeedContractTests.PollAsync(
            () => TestHttp.SendAsync(http, HttpMethod.Post, $"/beta/admin/teams/applicationInstances/{objectId}/sync"),
            r => r.Response.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, synced.StatusCode);
        var (located, _) = await TestHttp.SendAsync(http, HttpMethod.Patch, $"/v1.0/users/{objectId}", new JsonObject { ["usageLocation"] = "US" });
        Assert.Equal(HttpStatusCode.NoContent, located.StatusCode);
        var (licensed, _) = await TestHttp.SendAsync(http, HttpMethod.Post, $"/v1.0/users/{objectId}/assignLicense", new JsonObject
        {
            ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = EmulatorDefaults.PhoneSystemVirtualUserSkuId }, new JsonObject { ["skuId"] = EmulatorDefaults.Mcopstn1SkuId }),
            ["removeLicenses"] = new JsonArray(),
        });
        Assert.Equal(HttpStatusCode.OK, licensed.StatusCode);
        var (assign, operation) = await TestHttp.SendAsync(http, HttpMethod.Post, "/v1.0/admin/teams/telephoneNumberManagement/numberAssignments/assignNumber", new JsonObject
        {
            ["telephoneNumber"] = number,
            ["assignmentTargetId"] = objectId,
            ["numberType"] = "callingPlan",
            ["assignmentCategory"] = "primary",
        });
        Assert.Equal(HttpStatusCode.Accepted, assign.StatusCode);
        var location = assign.Headers.Location!;
        var (_, final) = await SeedContractTests.PollAsync(
            () => TestHttp.SendAsync(http, HttpMethod.Get, location.PathAndQuery),
            r => r.Body?["status"]?.GetValue<string>() is "succeeded" or "failed");
        Assert.Equal("succeeded", final!["status"]!.GetValue<string>());
        return objectId;
    }
}
