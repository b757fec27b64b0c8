using System.Text;
using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>
/// The three shapes a commsNotification arrives in (the v1.0 resource type: changeType + resourceUrl; the
/// examples: resource + resourceData; the service's traffic: both, enum values capitalised), and bodies that mix
/// good entries with entries that cannot be understood.
/// </summary>
public sealed class NotificationShapeTests
{
    private const string CallId = "421f0b00-3a1f-4c5e-8d2b-1f0e2d3c4b5a";
    private const string OperationId = "0c5b7a1e-2d3f-4e6a-9b8c-7d6e5f4a3b2c";

    private static string Operation(string status) =>
        "{\"@odata.type\":\"#microsoft.graph.inviteParticipantsOperation\",\"id\":\"" + OperationId + "\",\"status\":\"" + status +
        "\",\"clientContext\":\"ctx\",\"participants\":[]}";

    private static readonly string GoodOperationEntry =
        "{\"changeType\":\"deleted\",\"resource\":\"/app/calls/" + CallId + "/operations/" + OperationId + "\",\"resourceData\":" + Operation("completed") + "}";

    private static readonly string GoodRosterEntry =
        "{\"changeType\":\"updated\",\"resource\":\"/communications/calls/" + CallId + "/participants\",\"resourceData\":[{\"id\":\"p1\",\"info\":{\"identity\":{\"user\":{\"id\":\"u1\"}}},\"mediaStreams\":[]}]}";

    [Fact]
    public void TheDocumentedShapeNamesItsResourceByResourceUrlOnly()
    {
        var body = "{\"value\":[{\"@odata.type\":\"#microsoft.graph.commsNotification\",\"changeType\":\"deleted\"," +
                   "\"resourceUrl\":\"/communications/calls/" + CallId + "/operations/" + OperationId + "\",\"resourceData\":" + Operation("completed") + "}]}";

        var result = CommsNotificationParser.Parse(body);

        Assert.True(result.Success, result.Error);
        var operation = Assert.IsType<OperationNotification>(Assert.Single(result.Notifications));
        Assert.Equal(CallId, operation.CallId);
        Assert.Equal(OperationId, operation.OperationId);
        Assert.Equal("/communications/calls/" + CallId + "/operations/" + OperationId, operation.Resource);
        Assert.Equal(operation.Resource, operation.ResourceUrl);
        Assert.True(operation.IsFinal);
    }

    [Fact]
    public void TheExamplesShapeNamesItsResourceByResource()
    {
        var result = CommsNotificationParser.Parse("{\"value\":[" + GoodOperationEntry + "]}");

        var operation = Assert.IsType<OperationNotification>(Assert.Single(result.Notifications));
        Assert.Equal(CallId, operation.CallId);
        Assert.Null(operation.ResourceUrl);
        Assert.Equal(OperationStatus.Completed, operation.Status);
    }

    [Fact]
    public void TheObservedShapeCarriesBothAndCapitalisedEnumValues()
    {
        var body = "{\"value\":[" +
                   "{\"@odata.type\":\"#microsoft.graph.commsNotification\",\"changeType\":\"Deleted\",\"resource\":\"/app/calls/" + CallId + "/operations/" + OperationId +
                   "\",\"resourceUrl\":\"/communications/calls/" + CallId + "/operations/" + OperationId + "\",\"resourceData\":" + Operation("Completed") + "}," +
                   "{\"changeType\":\"Updated\",\"resource\":\"/app/calls/" + CallId + "\",\"resourceUrl\":\"/communications/calls/" + CallId +
                   "\",\"resourceData\":{\"@odata.type\":\"#microsoft.graph.call\",\"state\":\"Established\",\"mediaState\":{\"audio\":\"Active\"}}}]}";

        var result = CommsNotificationParser.Parse(body);

        Assert.True(result.Success, result.Error);
        Assert.Equal(0, result.InvalidCount);
        var operation = Assert.IsType<OperationNotification>(result.Notifications[0]);
        Assert.Equal(NotificationChangeType.Deleted, operation.ChangeType);
        Assert.Equal("Deleted", operation.ChangeTypeText);
        Assert.Equal(OperationStatus.Completed, operation.Status);
        Assert.Equal("/app/calls/" + CallId + "/operations/" + OperationId, operation.Resource);
        Assert.Equal("/communications/calls/" + CallId + "/operations/" + OperationId, operation.ResourceUrl);
        var call = Assert.IsType<CallNotification>(result.Notifications[1]);
        Assert.Equal(NotificationChangeType.Updated, call.ChangeType);
        Assert.Equal("Established", call.State);
        Assert.Contains("\"audio\":\"Active\"", call.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void OneBadEntryCostsOnlyItselfAndSaysWhy()
    {
        var body = "{\"value\":[" + GoodOperationEntry + ",1,{\"changeType\":\"updated\"}," +
                   "{\"resource\":\"/communications/calls/c1/participants\",\"resourceData\":\"everyone\"}," +
                   "{\"resource\":\"/communications/calls/c1/operations/o1\",\"resourceData\":{\"status\":5}}," +
                   "{\"resource\":5,\"resourceUrl\":false}," + GoodRosterEntry + "]}";

        var result = CommsNotificationParser.Parse(body);

        Assert.True(result.Success, result.Error);
        Assert.Equal(7, result.Notifications.Count);
        Assert.Equal(5, result.InvalidCount);
        Assert.IsType<OperationNotification>(result.Notifications[0]);
        Assert.IsType<RosterNotification>(result.Notifications[6]);
        var invalid = result.Notifications.OfType<InvalidNotification>().ToList();
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, invalid.Select(i => i.Index));
        Assert.All(invalid, i => Assert.Equal(NotificationKind.Invalid, i.Kind));
        Assert.Contains("not an object", invalid[0].Reason, StringComparison.Ordinal);
        Assert.Contains("neither 'resource' nor 'resourceUrl'", invalid[1].Reason, StringComparison.Ordinal);
        Assert.Contains("resourceData", invalid[2].Reason, StringComparison.Ordinal);
        Assert.Contains("resourceData", invalid[3].Reason, StringComparison.Ordinal);
        Assert.Contains("neither", invalid[4].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("everyone", string.Join(" ", invalid.Select(i => i.Reason)), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InsideAnEntryIsThatEntrysFailureNotAnException()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"value\":[{\"resource\":\"/communications/calls/c1\",\"resourceData\":{\"state\":\""));
        bytes.AddRange(new byte[] { 0xC3, 0x28 });
        bytes.AddRange(Encoding.UTF8.GetBytes("\"}}," + GoodOperationEntry + "]}"));

        var result = CommsNotificationParser.Parse(bytes.ToArray());

        AssertFirstEntryFailed(result);
    }

    [Fact]
    public void ALoneSurrogateIsAFailureNotAnException()
    {
        var escaped = "{\"value\":[{\"resource\":\"/communications/calls/c1\",\"resourceData\":{\"state\":\"\\ud800\"}}," + GoodOperationEntry + "]}";
        AssertFirstEntryFailed(CommsNotificationParser.Parse(escaped));
        AssertFirstEntryFailed(CommsNotificationParser.Parse(Encoding.UTF8.GetBytes(escaped)));

        // A .NET string may hold a lone surrogate itself (PowerShell: [char]0xD800): it cannot become UTF-8 at all,
        // so the whole text is refused with a reason.
        var raw = "{\"value\":[{\"resource\":\"/communications/calls/c1\",\"resourceData\":{\"state\":\"" + '\ud800' + "\"}}," + GoodOperationEntry + "]}";
        AssertFirstEntryFailedOrBodyRefused(CommsNotificationParser.Parse(raw));
    }

    [Fact]
    public void ABodyThatIsNotCommsNotificationsAtAllIsTheOnlyWholeBodyFailure()
    {
        Assert.False(CommsNotificationParser.Parse("{\"something\":1}").Success);
        Assert.False(CommsNotificationParser.Parse("[").Success);
        Assert.True(CommsNotificationParser.Parse("{\"value\":[1]}").Success);
        Assert.True(CommsNotificationParser.Parse("{\"resourceUrl\":\"/communications/calls/c1\"}").Success);
    }

    [Fact]
    public void MangledSeedBodiesNeverMakeTheParserThrow()
    {
        var random = new Random(20261205);
        var seed = Encoding.UTF8.GetBytes(Seeds.AllNotificationBlocks()[0]);
        for (var i = 0; i < 3000; i++)
        {
            var mangled = (byte[])seed.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                mangled[random.Next(mangled.Length)] = (byte)random.Next(256);
            }

            var result = CommsNotificationParser.Parse(mangled);
            Assert.True(result.Success || result.Error is not null);
        }
    }

    private static void AssertFirstEntryFailed(NotificationParseResult result)
    {
        Assert.True(result.Success, result.Error);
        AssertFirstEntryFailedOrBodyRefused(result);
        Assert.Contains("valid Unicode", ((InvalidNotification)result.Notifications[0]).Reason, StringComparison.Ordinal);
    }

    private static void AssertFirstEntryFailedOrBodyRefused(NotificationParseResult result)
    {
        if (!result.Success)
        {
            Assert.False(string.IsNullOrEmpty(result.Error));
            return;
        }

        var invalid = Assert.IsType<InvalidNotification>(result.Notifications[0]);
        Assert.Equal(0, invalid.Index);
        Assert.IsType<OperationNotification>(result.Notifications[1]);
    }
}
