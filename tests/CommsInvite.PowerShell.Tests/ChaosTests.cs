using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// The chaos suite through the cmdlets: 200 invites (40 calls x 5 users, one invite POST each; 180 over 20 calls x 9
/// users for the 401 mix) sent with Invoke-CsGraphParticipantInvite and piped into Wait-CsGraphInviteOperation in a
/// real PowerShell engine, under each fault mix the emulator can inject. Each intended participant must end in the
/// roster exactly once.
/// </summary>
public sealed class ChaosTests : IClassFixture<ChaosEmulatorFixture>, IDisposable
{
    private const int Calls = 40;
    private const int UsersPerCall = 5;
    private const string InviteRoute = "/participants/invite$";
    private const string RosterRoute = "/communications/calls/[^/]+/participants$";
    private const string CallRoute = "/communications/calls/[^/]+$";

    // Retries fast enough for 200 invites in seconds, bounded in count and total time, all set on Connect-CsGraph.
    private const string FastRetries = "-MaxRetryCount 10 -MaxRetryDelay 0.25 -MaxRetryTotalTime 60";

    private readonly ChaosEmulatorFixture _emulator;
    private readonly ITestOutputHelper _output;

    public ChaosTests(ChaosEmulatorFixture emulator, ITestOutputHelper output)
    {
        _emulator = emulator;
        _output = output;
        _emulator.Server.Faults.Clear();
    }

    public void Dispose() => _emulator.Server.Faults.Clear();

    public static TheoryData<string> Mixes => new()
    {
        "429 Retry-After seconds and HTTP-date",
        "503 and 504, latency",
        "connection resets before and after processing",
        "truncated and non-JSON bodies",
        "expired tokens",
        "everything at once",
        UnauthorizedGets,
    };

    /// <summary>
    /// 30 % of every GET (call, roster, operation) answered 401, and one invite answer in five lost after the service
    /// acted: the unsure invites are settled by roster reads that meet 401s, often two or more in a row.
    /// </summary>
    private const string UnauthorizedGets = "30 % of every GET answered 401";

    /// <summary>How many calls and users per call a mix invites: 40 x 5, and 20 x 9 (180 invitees) for the 401 mix.</summary>
    private static (int Calls, int UsersPerCall) ShapeOf(string mix) => mix == UnauthorizedGets ? (20, 9) : (Calls, UsersPerCall);

    /// <summary>The rules of a mix; <paramref name="callIds"/> lets a mix aim rules at single calls.</summary>
    private static (IReadOnlyList<FaultRule> Rules, string ConnectParameters) RulesFor(string mix, IReadOnlyList<string> callIds) => mix switch
    {
        "429 Retry-After seconds and HTTP-date" => (new[]
        {
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.2 },
            // An HTTP-date Retry-After one second ahead: few of them, they cost a real second each.
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 1, RetryAfterDate = true, Probability = 0.1, Count = 3 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, RetryAfterDate = true, Probability = 0.05 },
            new FaultRule { Route = RosterRoute, Method = "GET", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.1 },
        }, "-MaxRetryCount 10 -MaxRetryDelay 3 -MaxRetryTotalTime 60"),
        "503 and 504, latency" => (new[]
        {
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Unavailable, RetryAfterSeconds = 0, Probability = 0.1 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Unavailable, Probability = 0.05 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.GatewayTimeout, Probability = 0.05 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Latency, LatencyMs = 30, Probability = 0.2 },
            new FaultRule { Route = CallRoute, Method = "GET", Kind = FaultKind.GatewayTimeout, Probability = 0.05 },
            new FaultRule { Route = RosterRoute, Method = "GET", Kind = FaultKind.Unavailable, Probability = 0.05 },
        }, FastRetries),
        "connection resets before and after processing" => (new[]
        {
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetBefore, Probability = 0.1 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Probability = 0.15 },
            new FaultRule { Route = RosterRoute, Method = "GET", Kind = FaultKind.ResetAfter, Probability = 0.05 },
        }, FastRetries),
        "truncated and non-JSON bodies" => (new[]
        {
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Truncate, Probability = 0.15 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.NonJson, Probability = 0.1 },
            new FaultRule { Route = RosterRoute, Method = "GET", Kind = FaultKind.Truncate, Probability = 0.05 },
            new FaultRule { Route = CallRoute, Method = "GET", Kind = FaultKind.NonJson, Probability = 0.05 },
        }, FastRetries),
        // A token is renewed once per request on a 401 (by design: a second 401 right after a fresh token is a real
        // failure), so expired-token faults are aimed: each call's first invite and first roster read get one.
        "expired tokens" => (callIds.SelectMany(id => new[]
        {
            new FaultRule { Route = "/calls/" + id + InviteRoute, Method = "POST", Kind = FaultKind.ExpiredToken, Count = 1 },
            new FaultRule { Route = "/calls/" + id + "/participants$", Method = "GET", Kind = FaultKind.ExpiredToken, Count = 1 },
        }).ToList(), FastRetries),
        "everything at once" => (new[]
        {
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.08 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Unavailable, Probability = 0.04 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.GatewayTimeout, Probability = 0.04 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetBefore, Probability = 0.06 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Probability = 0.08 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Truncate, Probability = 0.06 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.NonJson, Probability = 0.04 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Latency, LatencyMs = 20, Probability = 0.1 },
            new FaultRule { Route = RosterRoute, Method = "GET", Kind = FaultKind.ResetAfter, Probability = 0.04 },
            new FaultRule { Route = CallRoute, Method = "GET", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.04 },
        }.Concat(callIds.Take(10).Select(id => new FaultRule { Route = "/calls/" + id + InviteRoute, Method = "POST", Kind = FaultKind.ExpiredToken, Count = 1 })).ToList(), FastRetries),
        UnauthorizedGets => (new[]
        {
            // No route: every Graph route, so every GET the invites and the wait send.
            new FaultRule { Method = "GET", Kind = FaultKind.ExpiredToken, Probability = 0.3 },
            new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Probability = 0.2 },
        }, FastRetries),
        _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, "Unknown mix."),
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Chaos_200InvitesThroughTheCmdlets_EachParticipantInTheRosterExactlyOnce(string mix)
    {
        var (calls, usersPerCall) = ShapeOf(mix);
        var invites = calls * usersPerCall;
        var state = _emulator.Server.State;
        var users = state.GetUsers().Where(u => !u.Declines).Select(u => u.Id).Take(usersPerCall).ToArray();
        Assert.Equal(usersPerCall, users.Length);

        var (_, connectParameters) = RulesFor(mix, Array.Empty<string>());
        using var session = _emulator.ConnectedSession(connectParameters);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var callIds = session.Run(
            "foreach ($i in 1..$args[0]) { (New-CsGraphCall -CallbackUri $callbackUri -ThreadId \"19:meeting_chaos_$($args[1])_$i@thread.v2\" -ErrorAction Stop).Id }",
            calls, tag).ThrowOnError().Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(calls, callIds.Length);

        var (rules, _) = RulesFor(mix, callIds);
        var faultsBefore = state.Stats.FaultsInjected;
        var duplicatesBefore = state.Stats.DuplicateInvites;
        var invitesBefore = state.Stats.InvitesReceived;
        var requestsBefore = _emulator.ServiceRequests();
        var countersBefore = ClientCounters.Read(session);
        foreach (var rule in rules)
        {
            _emulator.Server.Faults.Add(rule);
        }

        var clock = Stopwatch.StartNew();
        ScriptResult result;
        try
        {
            // One invite POST per user and call, all piped into one Wait-CsGraphInviteOperation.
            result = session.Run(
                @"& { foreach ($callId in $args[0]) { foreach ($userId in $args[1]) { Invoke-CsGraphParticipantInvite -CallId $callId -UserId $userId } } } $args[0] $args[1] |
                    Wait-CsGraphInviteOperation -Timeout 90 -PollInterval 0.25",
                callIds, users);
        }
        finally
        {
            _emulator.Server.Faults.Clear();
        }

        clock.Stop();
        var counters = ClientCounters.Read(session).Minus(countersBefore);
        var faults = Difference(state.Stats.FaultsInjected, faultsBefore);
        var duplicateInvites = state.Stats.DuplicateInvites - duplicatesBefore;
        var lost = 0;
        var duplicated = 0;
        foreach (var callId in callIds)
        {
            var roster = state.GetRoster(callId);
            foreach (var user in users)
            {
                var entries = roster.Count(e => string.Equals(e.IdentityId, user, StringComparison.OrdinalIgnoreCase));
                if (entries == 0)
                {
                    lost++;
                }
                else if (entries > 1)
                {
                    duplicated += entries - 1;
                }
            }
        }

        var completed = result.Output.Count(o => o.Properties["Status"]?.Value?.ToString() == "Completed");
        var recovered = result.Output.Count(o => o.Properties["Operation"]?.Value is { } op && PSObject.AsPSObject(op).Properties["RecoveredFromRoster"]?.Value is true);
        var line = string.Format(
            CultureInfo.InvariantCulture,
            "chaos [{0}]: {1} invites ({2} calls x {3} users), faults injected {4} ({5}), retries made {6}, ambiguous failures checked against the roster {7}, operations recovered from the roster {17}, token refreshes {8}, invite POSTs processed {9}, service requests {10}, completed {11}, errors {12}, invites lost {13}, duplicated {14} (emulator DuplicateInvites {15}), {16:0.0} s",
            mix,
            invites,
            calls,
            usersPerCall,
            faults.Values.Sum(),
            string.Join(", ", faults.Where(f => f.Value > 0).Select(f => $"{f.Key} {f.Value}")),
            counters.Retries,
            counters.AmbiguousFailures,
            counters.ForcedTokenRefreshes,
            state.Stats.InvitesReceived - invitesBefore,
            _emulator.ServiceRequests() - requestsBefore,
            completed,
            result.AllErrors.Count(),
            lost,
            duplicated,
            duplicateInvites,
            clock.Elapsed.TotalSeconds,
            recovered);
        _output.WriteLine(line);
        Console.WriteLine(line);
        foreach (var error in result.AllErrors.Take(10))
        {
            _output.WriteLine("  error: " + ScriptResult.Describe(error));
        }

        Assert.True(faults.Values.Sum() > 0, "the mix injected no fault: " + line);
        Assert.Empty(result.AllErrors.Select(ScriptResult.Describe));
        Assert.Equal(invites, result.Output.Count);
        Assert.Equal(invites, completed);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, duplicateInvites);
        // Faults that stop a POST before processing are re-sent, the others are recovered from the roster: the
        // service acts on exactly one POST per intended invite.
        Assert.Equal(invites, state.Stats.InvitesReceived - invitesBefore);
        switch (mix)
        {
            case "429 Retry-After seconds and HTTP-date":
                Assert.True(counters.Retries > 0, line);
                break;
            case "expired tokens":
                Assert.True(counters.ForcedTokenRefreshes >= Calls * 2, line);
                break;
            case "connection resets before and after processing":
                Assert.True(counters.AmbiguousFailures > 0, line);
                Assert.True(recovered > 0, line);
                break;
            case UnauthorizedGets:
                Assert.True(counters.AmbiguousFailures > 0, line);
                Assert.True(recovered > 0, line);
                Assert.True(counters.ForcedTokenRefreshes > 0, line);
                break;
        }
    }

    [Fact]
    public async Task CtrlC_StopsAnInviteRetryLoop_UnderEndlessThrottling_AndTheSessionStaysUsable()
    {
        var user = EmulatorDefaults.SeedUserIds[0];
        // Retry-After 600 s is within the allowed single delay, so only Ctrl+C can end the wait.
        using var session = _emulator.ConnectedSession("-MaxRetryCount 100 -MaxRetryDelay 3600 -MaxRetryTotalTime 7200");
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_chaos_stop1@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString()!;
        var rule = _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 600 });
        var throttledBefore = Throttled();

        using var stop = new CancellationTokenSource();
        var run = session.RunAsync("Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -Wait -Timeout 900", stop.Token, callId, user);
        await WaitUntilAsync(() => Throttled() > throttledBefore);
        stop.Cancel();

        // A hang guard, not a timing assertion: without Ctrl+C working this would take ten minutes.
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(_emulator.Server.State.GetRoster(callId), e => e.IdentityId == user);

        _emulator.Server.Faults.Remove(rule);
        var again = session.Run("Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -Wait -Timeout 30 -PollInterval 0.2 -ErrorAction Stop", callId, user).ThrowOnError();
        Assert.Equal("Completed", Assert.Single(again.Output).Properties["Status"].Value!.ToString());
        Assert.Equal(1, _emulator.Server.State.GetRoster(callId).Count(e => e.IdentityId == user));
    }

    [Fact]
    public async Task CtrlC_StopsAWaitWhosePollsAreThrottledForever_AndTheWaitWorksAfterwards()
    {
        var user = EmulatorDefaults.SeedUserIds[1];
        using var session = _emulator.ConnectedSession("-MaxRetryCount 100 -MaxRetryDelay 3600 -MaxRetryTotalTime 7200");
        var operation = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_chaos_stop2@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop", user).ThrowOnError().Output.Single();
        session.SetVariable("operation", operation);
        var callId = operation.Properties["CallId"].Value!.ToString()!;

        // Every read the waiter makes is throttled with a ten-minute Retry-After.
        var rule = _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/", Method = "GET", Kind = FaultKind.Throttle, RetryAfterSeconds = 600 });
        var throttledBefore = Throttled();
        using var stop = new CancellationTokenSource();
        var run = session.RunAsync("$operation | Wait-CsGraphInviteOperation -Timeout 900 -PollInterval 0.2", stop.Token);
        await WaitUntilAsync(() => Throttled() > throttledBefore);
        stop.Cancel();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsType<PipelineStoppedException>(result.Terminating);
        Assert.Empty(result.Output);

        _emulator.Server.Faults.Remove(rule);
        var again = session.Run("$operation | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop").ThrowOnError();
        Assert.Equal("Completed", Assert.Single(again.Output).Properties["Status"].Value!.ToString());
        Assert.Equal(1, _emulator.Server.State.GetRoster(callId).Count(e => e.IdentityId == user));
    }

    [Fact]
    public void RetrySettings_AreValidatedOnConnect_BeforeAnyRequest()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        var before = _emulator.ServiceRequests();

        foreach (var parameters in new[] { "-MaxRetryCount -1", "-MaxRetryCount 101", "-MaxRetryDelay -1", "-MaxRetryTotalTime 0", "-MaxRetryDelay 7200" })
        {
            var result = session.Run($"Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] {parameters}", _emulator.ConnectionFile);
            var error = Assert.Single(result.AllErrors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith("InvalidArgument,", StringComparison.Ordinal), parameters + ": " + ScriptResult.Describe(error));
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }

        Assert.Equal(before, _emulator.ServiceRequests());
        Assert.Empty(session.Run("Get-CsGraphContext").Output);
    }

    [Fact]
    public void MaxRetryTotalTime_EndsRetryingEarly_WithThrottledAndItsIds()
    {
        using var session = _emulator.ConnectedSession("-MaxRetryCount 50 -MaxRetryDelay 5 -MaxRetryTotalTime 1.5");
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_chaos_total@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString()!;
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 1 });
        var throttledBefore = Throttled();

        var result = session.Run("Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1]", callId, EmulatorDefaults.SeedUserIds[2]);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("Throttled,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains("client-request-id", error.ErrorDetails?.Message ?? error.Exception.Message);
        // 1 s apart, at most 1.5 s in all: the first attempt and one retry, far below -MaxRetryCount 50.
        Assert.InRange(Throttled() - throttledBefore, 1, 3);
    }

    private long Throttled() => _emulator.Server.State.Stats.FaultsInjected.TryGetValue("throttle", out var count) ? count : 0;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the condition was not reached within 30 s");
    }

    private static Dictionary<string, long> Difference(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before) =>
        after.ToDictionary(p => p.Key, p => p.Value - (before.TryGetValue(p.Key, out var b) ? b : 0));
}
