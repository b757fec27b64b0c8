using System.Text.Json;
using System.Text.Json.Nodes;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;
using Xunit;

namespace CommsInvite.Core.Tests;

/// <summary>The seeds' JSON examples are the wire contract: our models must read and write them faithfully.</summary>
public sealed class SeedSerializationTests
{
    private static string Seed(string name) => File.ReadAllText(Path.Combine(System.AppContext.BaseDirectory, "Seeds", name + ".json"));

    [Theory]
    [InlineData("ex1-request", IdentityKind.User, "278405a3-f568-4b3e-b684-009193463064", "a7ebfb2d-871e-419c-87af-27290b22e8db")]
    [InlineData("ex3-request", IdentityKind.User, "7e1b4346-85a6-4bdd-abe3-d11c5d420efe", "a7ebfb2d-871e-419c-87af-27290b22e8db")]
    [InlineData("ex4-request", IdentityKind.Phone, "+12345678901", null)]
    public void Reads_invite_requests(string seed, IdentityKind kind, string id, string? replacesCallId)
    {
        var body = JsonSerializer.Deserialize<InviteParticipantsBody>(Seed(seed), GraphJson.Options)!;
        Assert.Single(body.Participants);
        Assert.Equal(kind, body.Participants[0].Identity.Kind);
        Assert.Equal(id, body.Participants[0].Identity.Primary!.Id);
        Assert.Equal(replacesCallId, body.Participants[0].ReplacesCallId);
        Assert.Equal("f2fa86af-3c51-4bc2-8fc0-475452d9764f", body.ClientContext);
    }

    [Fact]
    public void Seed_example_2_breaks_the_replaces_call_id_rule()
    {
        // The page's example 2 sets replacesCallId on two participants; the service honours only the first, so we refuse it up front.
        var body = JsonSerializer.Deserialize<InviteParticipantsBody>(Seed("ex2-request"), GraphJson.Options)!;
        var error = Assert.Throws<CommsValidationException>(() => InviteValidator.Validate(new InviteRequest { CallId = "7531d31f-d10d-44de-802f-c569dbca451c", Participants = body.Participants, ClientContext = body.ClientContext }));
        Assert.Equal(ErrorIds.Input.ReplacesCallIdWithMultipleParticipants, error.ErrorId);
    }

    [Fact]
    public void Writes_the_seed_request_shape()
    {
        var body = new InviteParticipantsBody
        {
            Participants = { new InvitationParticipantInfo { Identity = IdentitySet.ForPhone("+12345678901") } },
            ClientContext = "f2fa86af-3c51-4bc2-8fc0-475452d9764f",
        };
        body.Participants[0].Identity.Phone!.ODataType = "#microsoft.graph.identity";
        body.Participants[0].Identity.ODataType = "#microsoft.graph.identitySet";

        var written = JsonNode.Parse(JsonSerializer.Serialize(body, GraphJson.Options))!;
        var expected = JsonNode.Parse(Seed("ex4-request"))!;
        Assert.True(JsonNode.DeepEquals(expected, written), written.ToJsonString());
    }

    [Theory]
    [InlineData("ex1-response", "eec3812a-fdc3-4fb4-825c-a06c9f35414e", 1)]
    [InlineData("ex2-response", "eec3812a-fdc3-4fb4-825c-a06c9f35414e", 2)]
    [InlineData("ex3-response", "278405a3-f568-4b3e-b684-009193463064", 1)]
    [InlineData("ex4-response", "eec3812a-fdc3-4fb4-825c-a06c9f35414e", 1)]
    public void Reads_invite_responses_with_mixed_case_status(string seed, string id, int participants)
    {
        var operation = JsonSerializer.Deserialize<InviteParticipantsOperation>(Seed(seed), GraphJson.Options)!;
        Assert.Equal(id, operation.Id);
        Assert.Equal(OperationStatus.Running, operation.Status); // the seeds say "Running"
        Assert.Null(operation.ResultInfo);
        Assert.Equal(participants, operation.Participants.Count);
        Assert.All(operation.Participants, p => Assert.NotEqual(IdentityKind.Unknown, p.Identity.Kind));
    }

    [Theory]
    [InlineData("ex1-notification-operation")]
    [InlineData("ex2-notification-operation")]
    [InlineData("ex3-notification-operation")]
    [InlineData("ex4-notification-operation")]
    public void Reads_final_operation_from_notifications(string seed)
    {
        var root = JsonNode.Parse(Seed(seed))!;
        var notification = root["value"]![0]!;
        Assert.Equal("deleted", notification["changeType"]!.GetValue<string>());
        var operation = notification["resourceData"].Deserialize<InviteParticipantsOperation>(GraphJson.Options)!;
        Assert.Equal(OperationStatus.Completed, operation.Status);
        Assert.NotEmpty(operation.Participants);
    }

    [Theory]
    [InlineData("ex1-notification-roster", 1)]
    [InlineData("ex2-notification-roster", 2)]
    [InlineData("ex3-notification-roster", 1)]
    [InlineData("ex4-notification-roster", 1)]
    public void Reads_rosters_with_media(string seed, int count)
    {
        var root = JsonNode.Parse(Seed(seed))!;
        var roster = root["value"]![0]!["resourceData"].Deserialize<Participant[]>(GraphJson.Options)!;
        Assert.Equal(count, roster.Length);
        Assert.All(roster, p => Assert.Equal("audio", p.MediaStreams.Single().MediaType));
    }

    [Fact]
    public void Roster_decides_joined_by_identity_and_media()
    {
        var root = JsonNode.Parse(Seed("ex4-notification-roster"))!;
        var roster = root["value"]![0]!["resourceData"].Deserialize<Participant[]>(GraphJson.Options)!;
        var operation = JsonSerializer.Deserialize<InviteParticipantsOperation>(Seed("ex4-response"), GraphJson.Options)!;

        var joined = InviteWaiter.Joined(roster, InviteWaiter.HonouredInvitees(operation));
        Assert.Single(joined);

        roster[0].MediaStreams.Clear(); // ringing, not yet answered
        Assert.Empty(InviteWaiter.Joined(roster, InviteWaiter.HonouredInvitees(operation)));
    }

    [Fact]
    public void Only_the_first_participant_is_honoured_with_replaces_call_id()
    {
        var operation = JsonSerializer.Deserialize<InviteParticipantsOperation>(Seed("ex2-response"), GraphJson.Options)!;
        Assert.Equal(2, InviteWaiter.HonouredInvitees(operation).Count);
        operation.Participants[0].ReplacesCallId = "a7ebfb2d-871e-419c-87af-27290b22e8db";
        Assert.Single(InviteWaiter.HonouredInvitees(operation));
    }

    [Theory]
    [InlineData("\"Running\"", OperationStatus.Running)]
    [InlineData("\"running\"", OperationStatus.Running)]
    [InlineData("\"completed\"", OperationStatus.Completed)]
    [InlineData("\"COMPLETED\"", OperationStatus.Completed)]
    [InlineData("\"Failed\"", OperationStatus.Failed)]
    [InlineData("\"notStarted\"", OperationStatus.NotStarted)]
    [InlineData("\"somethingNew\"", OperationStatus.Unknown)]
    [InlineData("null", OperationStatus.Unknown)]
    public void Parses_status_case_insensitively(string json, OperationStatus expected)
    {
        var operation = JsonSerializer.Deserialize<InviteParticipantsOperation>("{\"status\":" + json + "}", GraphJson.Options)!;
        Assert.Equal(expected, operation.Status);
    }

    [Fact]
    public void Reads_failed_operation_result_info()
    {
        var operation = JsonSerializer.Deserialize<InviteParticipantsOperation>(
            "{\"id\":\"op\",\"status\":\"failed\",\"resultInfo\":{\"code\":412,\"subcode\":9999,\"message\":\"no PSTN sponsor\"}}", GraphJson.Options)!;
        Assert.Equal(OperationStatus.Failed, operation.Status);
        Assert.Equal(412, operation.ResultInfo!.Code);
        Assert.Equal(9999, operation.ResultInfo.Subcode);
    }
}
