using CommsInvite.Core.Models;
using CommsInvite.Core.Notifications;
using Xunit;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>The inbox and the operation-completion registry the waiter relies on, without sockets.</summary>
public sealed class NotificationInboxTests
{
    private static IReadOnlyList<CommsNotification> Parse(string body) => CommsNotificationParser.ParseOrThrow(body);

    private static string Final(string callId, string? operationId, string status, string? clientContext = null) =>
        "{\"value\":[{\"changeType\":\"Deleted\",\"resourceUrl\":\"/communications/calls/" + callId + "/operations/" + (operationId ?? "participants") +
        "\",\"resourceData\":{\"id\":" + (operationId is null ? "null" : "\"" + operationId + "\"") + ",\"status\":\"" + status + "\"" +
        (clientContext is null ? string.Empty : ",\"clientContext\":\"" + clientContext + "\"") + "}}]}";

    [Fact]
    public async Task AReceiverWaitingGetsTheNextNotificationAndTheQueueDropsTheOldestBeyondCapacity()
    {
        var inbox = new NotificationInbox(capacity: 2);
        var waiting = inbox.ReceiveAsync(TimeSpan.FromSeconds(10), CancellationToken.None);

        inbox.Add(Parse(Final("c", "o1", "completed")));
        inbox.Add(Parse(Final("c", "o2", "completed")));
        inbox.Add(Parse(Final("c", "o3", "completed")));
        inbox.Add(Parse(Final("c", "o4", "completed")));

        Assert.Equal("o1", ((OperationNotification)(await waiting)!).OperationId);
        Assert.Equal(new[] { "o3", "o4" }, inbox.Drain(10).Cast<OperationNotification>().Select(n => n.OperationId));
        Assert.Equal(1, inbox.Dropped);
        Assert.Null(await inbox.ReceiveAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public async Task ClosingEndsPendingReceives()
    {
        var inbox = new NotificationInbox(capacity: 10);
        var waiting = inbox.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None);

        inbox.Close();

        Assert.Null(await waiting);
        Assert.Null(await inbox.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task AFinalOperationCompletesWaitersBeforeAndAfterItArrives()
    {
        var registry = new OperationCompletionRegistry(capacity: 10);
        var before = registry.WaitAsync("CALL", "OP", null, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(before.IsCompleted);

        registry.Observe(Parse(Final("call", "op", "Failed")));

        Assert.Equal(OperationStatus.Failed, (await before)!.Status);
        var after = await registry.WaitAsync("call", "op", null, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(OperationStatus.Failed, after!.Status);
    }

    [Fact]
    public async Task AnIdlessFinalOperationMatchesByClientContextAndGetsTheWaitersId()
    {
        var registry = new OperationCompletionRegistry(capacity: 10);

        registry.Observe(Parse(Final("call", null, "completed", clientContext: "ctx-1")));

        Assert.Null(await registry.WaitAsync("call", "op-9", null, TimeSpan.Zero, CancellationToken.None));
        var matched = await registry.WaitAsync("call", "op-9", "ctx-1", TimeSpan.Zero, CancellationToken.None);
        Assert.Equal("op-9", matched!.Id);
    }

    [Fact]
    public async Task RunningOperationsAndInvalidEntriesCompleteNothingAndTheOldestAreForgotten()
    {
        var registry = new OperationCompletionRegistry(capacity: 2);
        registry.Observe(Parse("{\"value\":[{\"changeType\":\"updated\",\"resourceUrl\":\"/communications/calls/c/operations/run\",\"resourceData\":{\"id\":\"run\",\"status\":\"running\"}},{\"changeType\":\"deleted\"}]}"));
        registry.Observe(Parse(Final("c", "a", "completed")));
        registry.Observe(Parse(Final("c", "b", "completed")));
        registry.Observe(Parse(Final("c", "d", "completed")));

        Assert.Null(await registry.WaitAsync("c", "run", null, TimeSpan.Zero, CancellationToken.None));
        Assert.Null(await registry.WaitAsync("c", "a", null, TimeSpan.Zero, CancellationToken.None));
        Assert.NotNull(await registry.WaitAsync("c", "d", null, TimeSpan.Zero, CancellationToken.None));
        var pending = registry.WaitAsync("c", "never", null, TimeSpan.FromMinutes(5), CancellationToken.None);
        registry.Close();
        Assert.Null(await pending);
    }
}
