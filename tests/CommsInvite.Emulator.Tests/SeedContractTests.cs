using System.Net;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.Emulator.Tests;

/// <summary>Replays every request of the seeds' four examples and compares responses and notifications by shape.</summary>
public sealed class SeedContractTests
{
    internal const string GroupCallId = "ab6233a5-20b7-4c5e-bea2-ce56c9776429";
    internal const string ChatCallId = "7531d31f-d10d-44de-802f-c569dbca451c";
    internal const string PeerToPeerCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db";

    [Fact]
    public void BothSeeds_HoldTheSameFourExamples()
    {
        var russian = SeedExamples.Load("000_26fb3c755dc6e5a6.txt");
        var portuguese = SeedExamples.Load("003_192ad4c48877b633.txt");
        Assert.Equal(4, russian.Count);
        Assert.Equal(4, portuguese.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(JsonNode.DeepEquals(russian[i].Request, portuguese[i].Request));
            Assert.True(JsonNode.DeepEquals(russian[i].Response, portuguese[i].Response));
            Assert.True(JsonNode.DeepEquals(russian[i].RosterNotification, portuguese[i].RosterNotification));
            Assert.True(JsonNode.DeepEquals(russian[i].OperationNotification, portuguese[i].OperationNotification));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SeedExample_ResponseAndNotifications_MatchTheSeedShapes(int number)
    {
        var example = SeedExamples.Load("000_26fb3c755dc6e5a6.txt")[number - 1];
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(100), ReplicationDelay = TimeSpan.Zero, NumberOperationDelay = TimeSpan.Zero });
        await using var receiver = await NotificationReceiver.StartAsync();
        using var http = await TestHttp.AuthorizedClientAsync(emulator);

        string? instanceId = null;
        if (number == 4) instanceId = await ProvisioningSteps.ApplicationInstanceWithNumberAsync(http, "+12345678901");
        await SeedCallsAsync(http, receiver.CallbackUri, instanceId);

        var path = example.RequestPath.Replace("{id}", GroupCallId, StringComparison.Ordinal);
        var (response, body) = await TestHttp.SendAsync(http, HttpMethod.Post, path, example.Request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ShapeAssert.Matches(example.Response, body);
        var callId = path.Split('/')[4];
        var operationId = body!["id"]!.GetValue<string>();
        Assert.Equal($"{emulator.Connection.GraphEndpoint}/beta/communications/calls/{callId}/operations/{operationId}", response.Headers.Location!.ToString());
        Assert.Equal(example.Request["clientContext"]!.GetValue<string>(), body["clientContext"]!.GetValue<string>());
        var firstInvitee = example.Request["participants"]![0]!["identity"]!;
        var invitedKind = firstInvitee.AsObject().First(p => p.Key != "@odata.type").Key;
        Assert.Equal(firstInvitee[invitedKind]!["id"]!.GetValue<string>(), body["participants"]![0]!["identity"]![invitedKind]!["id"]!.GetValue<string>());

        // Roster "updated" first, then the operation "deleted", each with a verifiable bearer token.
        // Notifications about other calls (the replaced call's "deleted") may interleave; per call the order holds.
        NotificationReceiver.Received? roster = null, completed = null;
        while (completed is null)
        {
            var next = await receiver.NextAsync();
            var resource = next.Body["value"]![0]!["resource"]!.GetValue<string>();
            if (resource.EndsWith("/participants", StringComparison.Ordinal) && resource.Contains(callId, StringComparison.Ordinal)) roster ??= next;
            else if (resource.Contains("/operations/", StringComparison.Ordinal))
            {
                Assert.True(roster is not null, "the operation notification arrived before the roster update");
                completed = next;
            }
        }
        ShapeAssert.Matches(example.RosterNotification, roster!.Body);
        ShapeAssert.Matches(example.OperationNotification, completed.Body);
        Assert.Equal("completed", completed.Body["value"]![0]!["resourceData"]!["status"]!.GetValue<string>());
        Assert.Equal($"/communications/calls/{callId}/operations/{operationId}", completed.Body["value"]![0]!["resourceUrl"]!.GetValue<string>());
        await AssertNotificationTokenAsync(http, emulator, roster.Authorization);
        await AssertNotificationTokenAsync(http, emulator, completed.Authorization);

        // The invitee is in the roster with its media streams (joined), exactly once.
        var (_, participants) = await TestHttp.SendAsync(http, HttpMethod.Get, $"/beta/communications/calls/{callId}/participants");
        var inviteeId = firstInvitee[invitedKind]!["id"]!.GetValue<string>();
        var entries = participants!["value"]!.AsArray().Where(p => p!["info"]!["identity"]![invitedKind]?["id"]?.GetValue<string>() == inviteeId).ToArray();
        Assert.Single(entries);
        Assert.NotEmpty(entries[0]!["mediaStreams"]!.AsArray());
        ShapeAssert.Matches(example.RosterNotification["value"]![0]!["resourceData"]![0], entries[0]);

        if (example.Request["participants"]![0]!["replacesCallId"] is not null)
        {
            // The replaced peer-to-peer call ends once the invite has completed.
            var (gone, error) = await PollAsync(() => TestHttp.SendAsync(http, HttpMethod.Get, $"/beta/communications/calls/{PeerToPeerCallId}"),
                r => r.Response.StatusCode == HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("8522", error!["error"]!["code"]!.GetValue<string>());
        }
        if (number == 2)
        {
            // replacesCallId set: only the first of the two participants is honoured.
            Assert.Single(body["participants"]!.AsArray());
        }
    }

    internal static async Task SeedCallsAsync(HttpClient http, Uri callbackUri, string? sourceApplicationInstanceId = null)
    {
        var calls = new[]
        {
            new JsonObject { ["id"] = GroupCallId, ["callbackUri"] = callbackUri.ToString(), ["sourceApplicationInstanceId"] = sourceApplicationInstanceId },
            new JsonObject { ["id"] = ChatCallId, ["callbackUri"] = callbackUri.ToString(), ["chatInfo"] = new JsonObject { ["threadId"] = "19:meeting_seed@thread.v2", ["messageId"] = "0" } },
            new JsonObject { ["id"] = PeerToPeerCallId, ["callbackUri"] = callbackUri.ToString(), ["peerToPeer"] = true },
        };
        foreach (var call in calls)
        {
            var (response, _) = await TestHttp.SendAsync(http, HttpMethod.Post, "/_emulator/calls", call);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    internal static async Task<(HttpResponseMessage Response, JsonNode? Body)> PollAsync(
        Func<Task<(HttpResponseMessage Response, JsonNode? Body)>> send, Func<(HttpResponseMessage Response, JsonNode? Body), bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var result = await send();
            if (done(result) || DateTime.UtcNow > deadline) return result;
            await Task.Delay(50);
        }
    }

    private static async Task AssertNotificationTokenAsync(HttpClient http, EmulatorServer emulator, string? authorization)
    {
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization);
        var config = JsonNode.Parse(await http.GetStringAsync(new Uri(emulator.Connection.NotificationOpenIdConfiguration).PathAndQuery))!;
        var keys = new JsonWebKeySet(await http.GetStringAsync(new Uri(config["jwks_uri"]!.GetValue<string>()).PathAndQuery));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(authorization["Bearer ".Length..], new TokenValidationParameters
        {
            ValidIssuer = emulator.Connection.NotificationIssuer,
            ValidAudience = emulator.Connection.ClientId,
            IssuerSigningKeys = keys.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(emulator.Connection.NotificationIssuer, config["issuer"]!.GetValue<string>());
    }
}
