using System.Text;
using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

public sealed class CommsNotificationParserTests
{
    private const string SeedCallId = "ab6233a5-20b7-4c5e-bea2-ce56c9776429";
    private const string SeedOperationId = "eec3812a-fdc3-4fb4-825c-a06c9f35414e";
    private const string MultiInviteCallId = "7531d31f-d10d-44de-802f-c569dbca451c";

    public static IEnumerable<object[]> SeedFiles() => Seeds.Files().Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public void EveryNotificationInTheSeedParsesToATypedNotification(string seedFileName)
    {
        var blocks = Seeds.NotificationBlocks(Path.Combine(Seeds.Directory(), seedFileName));

        // Four examples, each with an operation-completed and a roster-updated notification.
        Assert.Equal(8, blocks.Count);
        foreach (var block in blocks)
        {
            var result = CommsNotificationParser.Parse(block);
            Assert.True(result.Success, result.Error);
            var notification = Assert.Single(result.Notifications);
            Assert.NotEqual(NotificationKind.Generic, notification.Kind);
            Assert.NotNull(notification.CallId);
        }
    }

    [Fact]
    public void BothTranslationsCarryTheSameNotifications()
    {
        var files = Seeds.Files();
        Assert.Equal(2, files.Count);
        var kinds = files.Select(f => string.Join(",", Seeds.NotificationBlocks(f)
            .Select(b => CommsNotificationParser.Parse(b).Notifications[0])
            .Select(n => $"{n.Kind}:{n.ChangeType}:{n.CallId}"))).ToList();
        Assert.Equal(kinds[0], kinds[1]);
    }

    [Fact]
    public void OperationCompletedFromExampleOneCarriesTheFinalOperation()
    {
        var block = Seeds.AllNotificationBlocks().First(b => b.Contains("\"deleted\"", StringComparison.Ordinal));

        var notification = Assert.IsType<OperationNotification>(Assert.Single(CommsNotificationParser.Parse(block).Notifications));

        Assert.Equal(NotificationChangeType.Deleted, notification.ChangeType);
        Assert.Equal(SeedCallId, notification.CallId);
        Assert.Equal(SeedOperationId, notification.OperationId);
        Assert.Equal(OperationStatus.Completed, notification.Status);
        Assert.True(notification.IsFinal);
        Assert.Equal("f2fa86af-3c51-4bc2-8fc0-475452d9764f", notification.ClientContext);
        Assert.Equal("#microsoft.graph.inviteParticipantsOperation", notification.OperationType);
        Assert.Equal(SeedCallId, notification.Operation.CallId);
        var invitee = Assert.Single(notification.Participants);
        Assert.Equal(IdentityKind.User, invitee.Identity.Kind);
        Assert.Equal("278405a3-f568-4b3e-b684-009193463064", invitee.Identity.User!.Id);
        Assert.Equal("/communications/calls/" + SeedCallId + "/operations/" + SeedOperationId, notification.ResourceUrl);
    }

    [Fact]
    public void MultiInviteOperationOnOperationsParticipantsHasNoOperationId()
    {
        var block = Seeds.AllNotificationBlocks().First(b =>
            b.Contains("\"deleted\"", StringComparison.Ordinal) && b.Contains(MultiInviteCallId, StringComparison.Ordinal));

        var notification = Assert.IsType<OperationNotification>(Assert.Single(CommsNotificationParser.Parse(block).Notifications));

        Assert.Equal(MultiInviteCallId, notification.CallId);
        Assert.Null(notification.OperationId);
        Assert.Equal(OperationStatus.Completed, notification.Status);
        Assert.Equal(
            new[] { "7e1b4346-85a6-4bdd-abe3-d11c5d420efe", "1e126418-44a0-4a94-a6f8-0efe1ad71acb" },
            notification.Participants.Select(p => p.Identity.User!.Id));
    }

    [Fact]
    public void MultiInviteRosterOnOperationsParticipantsIsARoster()
    {
        var block = Seeds.AllNotificationBlocks().First(b =>
            b.Contains("\"updated\"", StringComparison.Ordinal) && b.Contains(MultiInviteCallId, StringComparison.Ordinal));

        var roster = Assert.IsType<RosterNotification>(Assert.Single(CommsNotificationParser.Parse(block).Notifications));

        Assert.Equal(MultiInviteCallId, roster.CallId);
        Assert.Equal(2, roster.Participants.Count);
        Assert.Equal(IdentityKind.Application, roster.Participants[0].Info.Identity.Kind);
        Assert.Equal(IdentityKind.User, roster.Participants[1].Info.Identity.Kind);
        Assert.Equal("3", roster.Participants[1].MediaStreams.Single().SourceId);
        Assert.All(roster.Participants, p => Assert.Equal(MultiInviteCallId, p.CallId));
    }

    [Fact]
    public void RosterUpdateCarriesIdentityMediaMuteAndLobby()
    {
        var block = Seeds.AllNotificationBlocks().First(b =>
            b.Contains("\"updated\"", StringComparison.Ordinal) && b.Contains("\"phone\"", StringComparison.Ordinal));

        var roster = Assert.IsType<RosterNotification>(Assert.Single(CommsNotificationParser.Parse(block).Notifications));

        Assert.Equal(NotificationChangeType.Updated, roster.ChangeType);
        Assert.Equal(SeedCallId, roster.CallId);
        var participant = Assert.Single(roster.Participants);
        Assert.Equal(IdentityKind.Phone, participant.Info.Identity.Kind);
        Assert.Equal("+12345678901", participant.Info.Identity.Phone!.Id);
        Assert.Equal("default", participant.Info.EndpointType);
        var stream = Assert.Single(participant.MediaStreams);
        Assert.Equal("audio", stream.MediaType);
        Assert.Equal("sendReceive", stream.Direction);
        Assert.False(stream.ServerMuted);
        Assert.False(participant.IsMuted);
        Assert.False(participant.IsInLobby);
        Assert.Null(roster.ParticipantId);
    }

    [Fact]
    public void ExampleThreeRosterIsOnTheReplacedCall()
    {
        var rosters = Seeds.AllNotificationBlocks()
            .Select(b => CommsNotificationParser.Parse(b).Notifications.Single())
            .OfType<RosterNotification>()
            .Where(r => r.Resource.StartsWith("/communications/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(rosters);
        Assert.All(rosters, r => Assert.Equal("a7ebfb2d-871e-419c-87af-27290b22e8db", r.CallId));
    }

    [Theory]
    [InlineData("completed", OperationStatus.Completed)]
    [InlineData("COMPLETED", OperationStatus.Completed)]
    [InlineData("Running", OperationStatus.Running)]
    [InlineData("notStarted", OperationStatus.NotStarted)]
    [InlineData("Failed", OperationStatus.Failed)]
    [InlineData("somethingNew", OperationStatus.Unknown)]
    public void OperationStatusIsReadCaseInsensitively(string status, OperationStatus expected)
    {
        var body = OperationBody("calls/c1/operations/o1", "updated", $"\"status\":\"{status}\",\"id\":\"o1\"");

        var notification = Assert.IsType<OperationNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal(expected, notification.Status);
    }

    [Fact]
    public void FailedOperationCarriesResultInfo()
    {
        var body = OperationBody("calls/c1/operations/o1", "Deleted",
            "\"@odata.type\":\"#microsoft.graph.inviteParticipantsOperation\",\"id\":\"o1\",\"status\":\"failed\"," +
            "\"resultInfo\":{\"code\":410,\"subcode\":301004,\"message\":\"The invitee declined.\"}");

        var notification = Assert.IsType<OperationNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal(NotificationChangeType.Deleted, notification.ChangeType);
        Assert.Equal("Deleted", notification.ChangeTypeText);
        Assert.Equal(OperationStatus.Failed, notification.Status);
        Assert.Equal(410, notification.ResultInfo!.Code);
        Assert.Equal(301004, notification.ResultInfo.Subcode);
        Assert.Equal("c1", notification.CallId);
        Assert.Equal("o1", notification.OperationId);
    }

    [Fact]
    public void OperationIdComesFromThePathWhenResourceDataHasNone()
    {
        var body = OperationBody("calls/c1/operations/o-from-path", "deleted", "\"status\":\"completed\"");

        var notification = Assert.IsType<OperationNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal("o-from-path", notification.OperationId);
    }

    [Theory]
    [InlineData("/app/calls/c1/operations/o1")]
    [InlineData("/communications/calls/c1/operations/o1")]
    [InlineData("/beta/communications/calls/c1/operations/o1")]
    [InlineData("https://graph.microsoft.com/v1.0/communications/calls/c1/operations/o1?x=1")]
    [InlineData("communications/Calls/c1/Operations/o1")]
    public void OperationResourcesAreRecognisedInEveryForm(string resource)
    {
        var body = "{\"value\":[{\"changeType\":\"deleted\",\"resource\":\"" + resource + "\",\"resourceData\":{\"status\":\"completed\"}}]}";

        var notification = Assert.IsType<OperationNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal("c1", notification.CallId);
        Assert.Equal("o1", notification.OperationId);
    }

    [Fact]
    public void CallStateChangeIsACallNotification()
    {
        var body = """
            {"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"deleted",
              "resource":"/communications/calls/c9","resourceUrl":"/communications/calls/c9",
              "resourceData":{"@odata.type":"#microsoft.graph.call","state":"terminated",
                "resultInfo":{"code":200,"subcode":4097,"message":"Call ended by the application."}}}]}
            """;

        var notification = Assert.IsType<CallNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal("c9", notification.CallId);
        Assert.Equal("terminated", notification.State);
        Assert.Equal("c9", notification.Call!.Id);
        Assert.Equal(4097, notification.ResultInfo!.Subcode);
    }

    [Fact]
    public void SingleParticipantResourceIsARosterOfOne()
    {
        var body = """
            {"value":[{"changeType":"updated","resource":"/communications/calls/c1/participants/p1",
              "resourceData":{"id":"p1","info":{"identity":{"user":{"id":"u1"}}},"isMuted":true,"isInLobby":true,"mediaStreams":null}}]}
            """;

        var roster = Assert.IsType<RosterNotification>(CommsNotificationParser.Parse(body).Notifications.Single());

        Assert.Equal("p1", roster.ParticipantId);
        var participant = Assert.Single(roster.Participants);
        Assert.True(participant.IsMuted);
        Assert.True(participant.IsInLobby);
        Assert.Empty(participant.MediaStreams);
        Assert.Equal("user:u1", participant.Info.Identity.Key);
    }

    [Theory]
    [InlineData("/communications/calls/c1/audioRoutingGroups/g1", "c1")]
    [InlineData("/communications/calls/c1/participants/p1/subscriptions", "c1")]
    [InlineData("/communications/onlineMeetings/m1", null)]
    [InlineData("/communications/presences/u1", null)]
    [InlineData("/chats/19:abc/messages", null)]
    public void UnknownResourceKindsComeThroughAsGeneric(string resource, string? callId)
    {
        var body = "{\"value\":[{\"changeType\":\"updated\",\"resource\":\"" + resource +
                   "\",\"resourceData\":{\"@odata.type\":\"#microsoft.graph.somethingNew\",\"answer\":42}}]}";

        var result = CommsNotificationParser.Parse(body);

        Assert.True(result.Success, result.Error);
        var generic = Assert.IsType<GenericNotification>(Assert.Single(result.Notifications));
        Assert.Equal(NotificationKind.Generic, generic.Kind);
        Assert.Equal(resource, generic.Resource);
        Assert.Equal(callId, generic.CallId);
        Assert.Equal("#microsoft.graph.somethingNew", generic.ResourceDataType);
        Assert.Contains("\"answer\":42", generic.ResourceDataJson, StringComparison.Ordinal);
        Assert.Contains(resource, generic.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void ABodyMixingKindsKeepsOrder()
    {
        var body = """
            {"value":[
              {"changeType":"updated","resource":"/communications/calls/c1/participants","resourceData":[]},
              {"changeType":"created","resource":"/communications/somethingElse/x"},
              {"changeType":"deleted","resource":"/communications/calls/c1/operations/o1","resourceData":{"id":"o1","status":"completed"}}]}
            """;

        var kinds = CommsNotificationParser.Parse(body).Notifications.Select(n => n.Kind);

        Assert.Equal(new[] { NotificationKind.Roster, NotificationKind.Generic, NotificationKind.Operation }, kinds);
    }

    [Fact]
    public void ASingleNotificationObjectOrABareArrayIsAccepted()
    {
        const string entry = "{\"changeType\":\"deleted\",\"resource\":\"/app/calls/c1/operations/o1\",\"resourceData\":{\"status\":\"completed\"}}";

        Assert.IsType<OperationNotification>(CommsNotificationParser.Parse(entry).Notifications.Single());
        Assert.Equal(2, CommsNotificationParser.Parse("[" + entry + "," + entry + "]").Notifications.Count);
        Assert.Empty(CommsNotificationParser.Parse("{\"value\":[]}").Notifications);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("this is not json", "not valid JSON")]
    [InlineData("{\"value\":[", "not valid JSON")]
    [InlineData("42", "not a commsNotifications")]
    [InlineData("{\"something\":1}", "not a commsNotifications")]
    [InlineData("{\"value\":{}}", "not an array")]
    public void MalformedBodiesGiveAClearErrorNotAnException(string body, string expectedInError)
    {
        var result = CommsNotificationParser.Parse(body);

        Assert.False(result.Success);
        Assert.Empty(result.Notifications);
        Assert.Equal(NotificationParseResult.InvalidBodyErrorId, result.ErrorId);
        Assert.Contains(expectedInError, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseOrThrowGivesACommsInviteExceptionWithAStableId()
    {
        var error = Assert.Throws<CommsInviteException>(() => CommsNotificationParser.ParseOrThrow("{\"value\":7}"));

        Assert.Equal(ErrorIds.Notifications.InvalidNotificationBody, error.ErrorId);
        Assert.Equal(FailureCategory.InvalidData, error.Category);
        Assert.Single(CommsNotificationParser.ParseOrThrow(Seeds.AllNotificationBlocks()[0]));
    }

    [Fact]
    public async Task StreamsAndBytesParseLikeStrings()
    {
        var block = Seeds.AllNotificationBlocks()[0];

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(block));
        var fromStream = await CommsNotificationParser.ParseAsync(stream);
        var fromBytes = CommsNotificationParser.Parse(Encoding.UTF8.GetBytes(block));

        Assert.Equal(CommsNotificationParser.Parse(block).Notifications.Single().ToString(), fromStream.Notifications.Single().ToString());
        Assert.Equal(fromStream.Notifications.Single().ToString(), fromBytes.Notifications.Single().ToString());
        Assert.False((await CommsNotificationParser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes("{oops")))).Success);
    }

    private static string OperationBody(string path, string changeType, string resourceData) =>
        "{\"value\":[{\"changeType\":\"" + changeType + "\",\"resource\":\"/communications/" + path + "\",\"resourceData\":{" + resourceData + "}}]}";
}
