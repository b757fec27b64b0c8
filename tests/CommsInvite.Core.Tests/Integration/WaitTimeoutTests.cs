using CommsInvite.Core.Calls;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

public sealed class WaitTimeoutTests
{
    private static System.Threading.Tasks.Task<CommsInvite.Core.Models.Call> NewGroupCallAsync(GraphConnection connection) => InviteTests.NewGroupCallAsync(connection);

    [Fact]
    public async Task Waiting_times_out_with_a_stable_error_id()
    {
        await using var emulator = new SlowAnswerEmulator();
        await emulator.Fixture.InitializeAsync();
        using var connection = await emulator.Fixture.ConnectAsync();
        var call = await NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Megan) } });

        // Far shorter than this emulator's answer delay: the invitee is still ringing when the wait gives up.
        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(InviteOutcomeStatus.TimedOut, outcome.Status);
        Assert.Equal(ErrorIds.Calls.InviteWaitTimedOut, outcome.Error!.ErrorId);
        Assert.Equal(FailureCategory.OperationTimeout, outcome.Error.Category);
    }

    private sealed class SlowAnswerEmulator : IAsyncDisposable
    {
        public EmulatorFixture Fixture { get; } = new() { AnswerDelay = TimeSpan.FromMinutes(5) };

        public async ValueTask DisposeAsync() => await Fixture.DisposeAsync();
    }
}
