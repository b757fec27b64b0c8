using System.Net;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Http;
using CommsInvite.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>Fault injection on the emulator: retries follow the rules and nobody is invited twice or lost.</summary>
public sealed class FaultTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private const string InviteRoute = "/participants/invite$";
    private readonly EmulatorFixture _emulator;
    private readonly ITestOutputHelper _output;

    public FaultTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        _emulator = emulator;
        _output = output;
        _emulator.Server.Faults.Clear();
    }

    // Fault rules are emulator-wide: each test starts and ends with none.
    public void Dispose() => _emulator.Server.Faults.Clear();

    /// <summary>A connection whose attempts give up after one second without a complete answer.</summary>
    private Task<GraphConnection> ConnectWithOneSecondTimeoutAsync(ILogSink? log = null)
    {
        var settings = _emulator.SecretSettings(FastPolicy);
        settings.RequestTimeout = TimeSpan.FromSeconds(1);
        return GraphConnection.ConnectAsync(settings, log);
    }

    private static RetryPolicy FastPolicy => RetryPolicy.Default with { BaseDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromSeconds(3), MaxRetries = 6 };

    public static TheoryData<string, FaultKind, int?, bool, string> InviteFaults() => new()
    {
        { "429 Retry-After seconds", FaultKind.Throttle, 0, false, "retry" },
        { "429 Retry-After date", FaultKind.Throttle, 1, true, "retry" },
        { "503 with Retry-After", FaultKind.Unavailable, 0, false, "retry" },
        { "503 without Retry-After", FaultKind.Unavailable, null, false, "ambiguous" },
        { "504", FaultKind.GatewayTimeout, null, false, "ambiguous" },
        { "reset before processing", FaultKind.ResetBefore, null, false, "ambiguous" },
        { "reset after processing", FaultKind.ResetAfter, null, false, "recovered" },
        { "truncated body", FaultKind.Truncate, null, false, "location" },
        { "non-JSON 502", FaultKind.NonJson, null, false, "ambiguous" },
        { "expired token", FaultKind.ExpiredToken, null, false, "token" },
    };

    [Theory]
    [MemberData(nameof(InviteFaults))]
    public async Task An_invite_survives_a_fault_and_reaches_the_roster_exactly_once(string description, FaultKind kind, int? retryAfterSeconds, bool retryAfterDate, string expectation)
    {
        var log = new RecordingLogSink();
        using var connection = await _emulator.ConnectAsync(log, FastPolicy);
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = kind, RetryAfterSeconds = retryAfterSeconds, RetryAfterDate = retryAfterDate, Count = 1 });

        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele), InvitationParticipants.User(Users.Alex) } });

        var stats = connection.Statistics;
        switch (expectation)
        {
            case "retry":
                Assert.True(stats.Retries >= 1, $"{description}: {stats}");
                Assert.False(operation.RecoveredFromRoster);
                break;
            case "ambiguous":
                Assert.True(stats.AmbiguousFailures >= 1, $"{description}: {stats}");
                Assert.True(operation.RecoveredFromRoster);
                Assert.False(string.IsNullOrEmpty(operation.Id), "the re-sent invite's operation");
                break;
            case "recovered":
                Assert.True(stats.AmbiguousFailures >= 1, $"{description}: {stats}");
                Assert.True(operation.RecoveredFromRoster);
                Assert.Contains("already ringing or joined", log.All);
                break;
            case "location":
                Assert.False(string.IsNullOrEmpty(operation.Id));
                Assert.EndsWith(operation.Id!, operation.Location);
                break;
            case "token":
                Assert.Equal(1, stats.ForcedTokenRefreshes);
                break;
        }

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(15), PollInterval = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
        var roster = _emulator.Server.State.GetRoster(call.Id!);
        Assert.Equal(1, roster.Count(e => string.Equals(e.IdentityId, Users.Adele, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, roster.Count(e => string.Equals(e.IdentityId, Users.Alex, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(0, _emulator.Server.State.Stats.DuplicateInvites);
    }

    [Fact]
    public async Task Reads_are_retried_after_resets_and_broken_bodies()
    {
        using var connection = await _emulator.ConnectAsync(null, FastPolicy);
        var call = await InviteTests.NewGroupCallAsync(connection);
        foreach (var kind in new[] { FaultKind.ResetAfter, FaultKind.Truncate, FaultKind.NonJson, FaultKind.GatewayTimeout })
        {
            _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = kind, Count = 1 });
            var roster = await connection.Calls.ListParticipantsAsync(call.Id!);
            Assert.NotEmpty(roster);
        }

        Assert.True(connection.Statistics.Retries >= 4, connection.Statistics.ToString());
    }

    [Fact]
    public async Task A_read_whose_body_stalls_is_given_up_after_the_request_timeout_and_read_again()
    {
        using var connection = await ConnectWithOneSecondTimeoutAsync();
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.StallBody, Count = 1 });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var roster = await connection.Calls.ListParticipantsAsync(call.Id!);

        Assert.NotEmpty(roster);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(1, connection.Statistics.Retries);
        Assert.Equal(1, _emulator.Server.State.Stats.FaultsInjected.GetValueOrDefault("stallBody"));
    }

    [Fact]
    public async Task An_invite_whose_answer_stalls_is_recovered_from_the_roster_not_sent_twice()
    {
        var log = new RecordingLogSink();
        using var connection = await ConnectWithOneSecondTimeoutAsync(log);
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.StallBody, Count = 1 });

        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Megan) } });

        Assert.True(operation.RecoveredFromRoster);
        Assert.Equal(1, connection.Statistics.AmbiguousFailures);
        Assert.Contains("No response within", log.All);
        Assert.Equal(1, _emulator.Server.State.GetRoster(call.Id!).Count(e => string.Equals(e.IdentityId, Users.Megan, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(0, _emulator.Server.State.Stats.DuplicateInvites);
    }

    [Fact]
    public async Task A_retry_after_longer_than_allowed_fails_at_once_with_ids()
    {
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxRetryDelay = TimeSpan.FromSeconds(2) });
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Kind = FaultKind.Throttle, RetryAfterSeconds = 120, Count = 1 });

        var error = await Assert.ThrowsAsync<GraphServiceException>(() => connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Megan) } }));

        Assert.Equal(ErrorIds.Graph.Throttled, error.ErrorId);
        Assert.Equal(FailureCategory.LimitsExceeded, error.Category);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.False(string.IsNullOrEmpty(error.ClientRequestId));
        Assert.DoesNotContain(_emulator.Server.State.GetRoster(call.Id!), e => e.IdentityId == Users.Megan);
    }

    [Fact]
    public async Task Retries_stop_at_max_retries()
    {
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxRetries = 2 });
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/[^/]+$", Method = "GET", Kind = FaultKind.Unavailable, RetryAfterSeconds = 0 });

        var error = await Assert.ThrowsAsync<GraphServiceException>(() => connection.Calls.GetCallAsync(call.Id!));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(2, connection.Statistics.Retries);
    }

    [Fact]
    public async Task Cancellation_stops_a_retry_loop()
    {
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxRetryDelay = TimeSpan.FromSeconds(60), MaxRetries = 10 });
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/[^/]+$", Method = "GET", Kind = FaultKind.Throttle, RetryAfterSeconds = 30 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.Calls.GetCallAsync(call.Id!, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task An_unsure_invite_whose_roster_reads_meet_consecutive_401s_is_still_settled()
    {
        var log = new RecordingLogSink();
        using var connection = await _emulator.ConnectAsync(log, FastPolicy);
        var call = await InviteTests.NewGroupCallAsync(connection);
        // The invite is processed but its answer is lost; then five 401s in a row on the roster: the first two reads
        // fail even after their token renewal, the third renews and gets through.
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Count = 1 });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ExpiredToken, Count = 5 });
        var expiredBefore = ExpiredTokens();

        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele), InvitationParticipants.User(Users.Alex) } });

        Assert.True(operation.RecoveredFromRoster);
        Assert.Equal(5, ExpiredTokens() - expiredBefore);
        Assert.True(connection.Statistics.ForcedTokenRefreshes >= 3, connection.Statistics.ToString());
        Assert.Contains("to settle an unsure invite failed (AuthenticationFailed", log.All);
        var roster = _emulator.Server.State.GetRoster(call.Id!);
        Assert.Equal(1, roster.Count(e => string.Equals(e.IdentityId, Users.Adele, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(1, roster.Count(e => string.Equals(e.IdentityId, Users.Alex, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(0, _emulator.Server.State.Stats.DuplicateInvites);
    }

    [Fact]
    public async Task An_unsure_invite_whose_roster_cannot_be_read_before_its_deadline_is_InviteUnsettled_naming_the_last_cause()
    {
        var budget = TimeSpan.FromSeconds(2);
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxTotalTime = budget });
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Count = 1 });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ExpiredToken });
        var expiredBefore = ExpiredTokens();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Megan) } }));
        clock.Stop();

        Assert.Equal(ErrorIds.Calls.InviteUnsettled, error.ErrorId);
        Assert.Equal(FailureCategory.AuthenticationError, error.Category);
        Assert.Contains("the last failure: AuthenticationFailed: GET ", error.Message);
        Assert.Contains("HTTP 401", error.Message);
        var cause = Assert.IsType<GraphServiceException>(error.InnerException);
        Assert.Equal(HttpStatusCode.Unauthorized, cause.StatusCode);
        // Read again and again (not given up after the first two 401s), and not beyond the deadline by much.
        Assert.True(ExpiredTokens() - expiredBefore >= 6);
        Assert.InRange(clock.Elapsed, budget - TimeSpan.FromMilliseconds(500), budget + TimeSpan.FromSeconds(5));
        Assert.Equal(1, _emulator.Server.State.GetRoster(call.Id!).Count(e => string.Equals(e.IdentityId, Users.Megan, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(0, _emulator.Server.State.Stats.DuplicateInvites);
    }

    [Fact]
    public async Task Cancellation_stops_the_roster_reads_of_an_unsure_invite_at_once()
    {
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxTotalTime = TimeSpan.FromMinutes(10), MaxRetryDelay = TimeSpan.FromSeconds(30) });
        var call = await InviteTests.NewGroupCallAsync(connection);
        _emulator.Server.Faults.Add(new FaultRule { Route = InviteRoute, Method = "POST", Kind = FaultKind.ResetAfter, Count = 1 });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ExpiredToken });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Alex) } }, cancel.Token));

        // A hang guard, not a timing assertion: without cancellation the reads would go on for ten minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), clock.Elapsed.ToString());
    }

    private long ExpiredTokens() => _emulator.Server.State.Stats.FaultsInjected.GetValueOrDefault("expiredToken");

    // expiredToken stays out of the random mixes: a second 401 right after a forced token refresh is, by design, a real
    // failure (the token is refreshed once per request), and random injection can hit one request twice.
    public static TheoryData<string, FaultRule[], int> Mixes() => new()
    {
        { "throttle+unavailable", new[] { new FaultRule { Route = InviteRoute, Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.25 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.Unavailable, RetryAfterSeconds = 0, Probability = 0.15 } }, 1 },
        { "resets", new[] { new FaultRule { Route = InviteRoute, Kind = FaultKind.ResetBefore, Probability = 0.15 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.ResetAfter, Probability = 0.2 }, new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ResetAfter, Probability = 0.1 } }, 1 },
        { "broken answers", new[] { new FaultRule { Route = InviteRoute, Kind = FaultKind.Truncate, Probability = 0.15 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.NonJson, Probability = 0.1 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.GatewayTimeout, Probability = 0.1 }, new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.Truncate, Probability = 0.1 } }, 1 },
        { "everything, two per invite", new[] { new FaultRule { Route = InviteRoute, Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Probability = 0.1 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.ResetAfter, Probability = 0.1 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.ResetBefore, Probability = 0.1 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.Unavailable, Probability = 0.05 }, new FaultRule { Route = InviteRoute, Kind = FaultKind.Latency, LatencyMs = 20, Probability = 0.1 } }, 2 },
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public async Task Chaos_200_invites_nobody_lost_nobody_twice(string mix, FaultRule[] faults, int participantsPerInvite)
    {
        const int Invites = 200;
        using var connection = await _emulator.ConnectAsync(null, FastPolicy with { MaxRetries = 10 });
        var users = _emulator.Server.State.GetUsers().Where(u => !u.Declines).Select(u => u.Id).ToArray();
        var perCall = users.Length / participantsPerInvite;
        var callCount = (Invites + perCall - 1) / perCall;
        var calls = new List<string>();
        for (var i = 0; i < callCount; i++)
        {
            calls.Add((await InviteTests.NewGroupCallAsync(connection)).Id!);
        }

        var plan = Enumerable.Range(0, Invites)
            .Select(i => (CallId: calls[i / perCall], Users: users.Skip((i % perCall) * participantsPerInvite).Take(participantsPerInvite).ToArray()))
            .ToList();
        foreach (var fault in faults)
        {
            _emulator.Server.Faults.Add(fault);
        }

        var failures = 0;
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(plan.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await connection.Calls.InviteAsync(new InviteRequest { CallId = item.CallId, Participants = item.Users.Select(u => InvitationParticipants.User(u)).ToList() });
            }
            catch (CommsInviteException ex)
            {
                Interlocked.Increment(ref failures);
                _output.WriteLine($"invite failed: {ex.ErrorId}: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));

        _emulator.Server.Faults.Clear();
        var state = _emulator.Server.State;
        var lost = 0;
        var duplicated = 0;
        foreach (var group in plan.GroupBy(p => p.CallId))
        {
            var roster = state.GetRoster(group.Key);
            foreach (var user in group.SelectMany(p => p.Users))
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

        var duplicateInvites = state.Stats.DuplicateInvites;
        _output.WriteLine($"{mix}: {Invites} invites ({participantsPerInvite} participant(s) each), faults injected {state.Stats.TotalFaultsInjected}, retries {connection.Statistics.Retries}, ambiguous {connection.Statistics.AmbiguousFailures}, failed {failures}, invites lost {lost}, duplicated {duplicated + duplicateInvites}");
        Assert.True(state.Stats.TotalFaultsInjected > 0);
        Assert.Equal(0, failures);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);
        Assert.Equal(0, duplicateInvites);
    }
}
