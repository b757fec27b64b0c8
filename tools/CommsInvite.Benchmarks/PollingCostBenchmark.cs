using System.Diagnostics;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Emulator;

namespace CommsInvite.Benchmarks;

/// <summary>
/// What a wait by polling costs in requests: InviteWaiter polls 100 invite operations, all on one call and then spread
/// over 20 calls, while every invitee rings for a while, and the emulator counts the GETs it answered per route. A
/// round is one poll interval of the wait; the rounds counted are every interval the wait touched (an upper bound, so
/// the per-round figures can only read low by a fraction of a round, never high).
/// </summary>
internal static class PollingCostBenchmark
{
    /// <summary>GETs per call per round at most: the call, its roster, and room for operations the roster cannot decide.</summary>
    public const double MaxGetsPerCallPerRound = 3;

    private static readonly TimeSpan RingingTime = TimeSpan.FromSeconds(2);

    public static async Task<List<PollingCostCase>> RunAsync(Harness harness, TimeSpan pollInterval, Action<string> log)
    {
        var cases = new List<PollingCostCase>();
        foreach (var (calls, operations) in new[] { (1, 100), (20, 100) })
        {
            log($"  polling cost: {operations} operations on {calls} call(s), polling every {pollInterval.TotalMilliseconds:F0} ms");
            cases.Add(await MeasureAsync(harness, calls, operations, pollInterval));
        }

        return cases;
    }

    private static async Task<PollingCostCase> MeasureAsync(Harness harness, int calls, int operationCount, TimeSpan pollInterval)
    {
        var state = harness.Server.State;
        var users = await harness.RegisterUsersAsync(operationCount, $"pollcost{calls}");
        var callIds = await harness.SeedCallsAsync(calls);
        using var connection = await harness.ConnectCoreAsync();
        var originalDelay = state.Settings.AnswerDelay;
        var operations = new List<InviteParticipantsOperation>(operationCount);
        state.Settings.AnswerDelay = RingingTime;
        try
        {
            for (var i = 0; i < operationCount; i++)
            {
                operations.Add(await connection.Calls.InviteAsync(new InviteRequest { CallId = callIds[i % calls], Participants = { InvitationParticipants.User(users[i]) } }));
            }
        }
        finally
        {
            state.Settings.AnswerDelay = originalDelay;
        }

        var before = Gets(state);
        var clock = Stopwatch.StartNew();
        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, new WaitOptions { Strategy = WaitStrategy.Poll, PollInterval = pollInterval, Timeout = TimeSpan.FromSeconds(60) });
        clock.Stop();
        var after = Gets(state);
        // Rounds are centred on whole intervals of the wait's clock (CallRoundReader): count every one the wait touched.
        var rounds = (int)((clock.Elapsed.Ticks + (pollInterval.Ticks / 2)) / pollInterval.Ticks) + 1;
        var gets = after.All - before.All;
        return new PollingCostCase
        {
            Calls = calls,
            Operations = operationCount,
            Rounds = rounds,
            Gets = gets,
            CallGets = after.Call - before.Call,
            RosterGets = after.Roster - before.Roster,
            OperationGets = after.Operation - before.Operation,
            GetsPerRound = (double)gets / rounds,
            GetsPerCallPerRound = (double)gets / rounds / calls,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            Completed = outcomes.Count(o => o.Status == InviteOutcomeStatus.Completed),
        };
    }

    /// <summary>The emulator's GETs under /communications/calls, by route (its counters are per route pattern).</summary>
    private static (long Call, long Roster, long Operation, long All) Gets(EmulatorState state)
    {
        var routes = state.Stats.RequestsPerRoute.Where(r => r.Key.StartsWith("GET ", StringComparison.Ordinal) && r.Key.Contains("/calls", StringComparison.Ordinal)).ToList();
        long Sum(string suffix) => routes.Where(r => r.Key.EndsWith(suffix, StringComparison.Ordinal)).Sum(r => r.Value);
        return (Sum("/calls/{callId}"), Sum("/calls/{callId}/participants"), Sum("/operations/{operationId}"), routes.Sum(r => r.Value));
    }
}
