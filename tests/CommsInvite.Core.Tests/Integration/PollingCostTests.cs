using System.Diagnostics;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>
/// What a wait by polling costs: each round reads each call (and its roster) once for every operation on it, and an
/// operation on its own only when the roster cannot decide it. Counted in the emulator's requests, not timed.
/// </summary>
public sealed class PollingCostTests : IClassFixture<EmulatorFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly EmulatorFixture _emulator;
    private readonly ITestOutputHelper _output;

    public PollingCostTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        _emulator = emulator;
        _output = output;
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(20, 100)]
    public async Task A_polling_round_reads_each_call_once_whatever_the_number_of_operations(int calls, int operationCount)
    {
        var state = _emulator.Server.State;
        using var connection = await _emulator.ConnectAsync();
        var callIds = new List<string>();
        for (var i = 0; i < calls; i++)
        {
            callIds.Add((await InviteTests.NewGroupCallAsync(connection)).Id!);
        }

        // Invitees ring for a while, so the wait takes several rounds; one of them declines (a failure the roster shows).
        state.Settings.AnswerDelay = TimeSpan.FromSeconds(1.5);
        var operations = new List<InviteParticipantsOperation>();
        try
        {
            for (var i = 0; i < operationCount; i++)
            {
                var userId = i == operationCount / 2 ? EmulatorDefaults.DecliningUserId : NewUser(state);
                operations.Add(await connection.Calls.InviteAsync(new InviteRequest { CallId = callIds[i % calls], Participants = new[] { InvitationParticipants.User(userId) } }));
            }
        }
        finally
        {
            state.Settings.AnswerDelay = _emulator.AnswerDelay;
        }

        var before = Gets(state);
        var clock = Stopwatch.StartNew();
        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, new WaitOptions { Timeout = TimeSpan.FromSeconds(60), PollInterval = Interval, ThrottleLimit = 10 });
        clock.Stop();
        var after = Gets(state);
        var callGets = after.Call - before.Call;
        var rosterGets = after.Roster - before.Roster;
        var operationGets = after.Operation - before.Operation;
        var total = after.All - before.All;
        // Rounds are centred on whole intervals of the wait's clock (CallRoundReader): every one the wait touched.
        var rounds = (int)((clock.Elapsed.Ticks + (Interval.Ticks / 2)) / Interval.Ticks) + 1;
        _output.WriteLine($"{operationCount} operations on {calls} call(s): {total} GETs ({callGets} of calls, {rosterGets} of rosters, {operationGets} of operations) over at most {rounds} rounds; {(double)total / callGets:0.00} GETs per call per round");

        Assert.Equal(InviteOutcomeStatus.Failed, outcomes[operationCount / 2].Status);
        Assert.Equal(410, outcomes[operationCount / 2].ResultInfo?.Code);
        Assert.All(outcomes.Where((_, i) => i != operationCount / 2), o => Assert.Equal(InviteOutcomeStatus.Completed, o.Status));

        // One read of each call and of its roster per round at most, and operations read only where the roster could
        // not decide (here: the declined one, for its resultInfo).
        Assert.Equal(callGets, rosterGets);
        Assert.InRange(callGets, calls, calls * rounds);
        Assert.True(total <= 3 * callGets, $"{total} GETs for {callGets} call reads");
        Assert.InRange(operationGets, 0, calls);
    }

    private static string NewUser(EmulatorState state)
    {
        var id = Guid.NewGuid().ToString();
        state.AddUser(new DirectoryUser { Id = id, UserPrincipalName = $"poll-{id}@contoso.onmicrosoft.com", DisplayName = "Poll cost" });
        return id;
    }

    private static (long Call, long Roster, long Operation, long All) Gets(EmulatorState state)
    {
        var routes = state.Stats.RequestsPerRoute.Where(r => r.Key.StartsWith("GET ", StringComparison.Ordinal)).ToList();
        long Sum(string suffix) => routes.Where(r => r.Key.EndsWith(suffix, StringComparison.Ordinal)).Sum(r => r.Value);
        return (Sum("/calls/{callId}"), Sum("/calls/{callId}/participants"), Sum("/operations/{operationId}"), routes.Where(r => r.Key.Contains("/calls", StringComparison.Ordinal)).Sum(r => r.Value));
    }
}
