using System.Collections.Concurrent;
using System.Diagnostics;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Http;
using CommsInvite.Core.Models;
using CommsInvite.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>
/// Waiting on many invite operations while the emulator injects faults into the polls: every operation gets exactly
/// one outcome, a poll that fails is tried again, and an operation that cannot be seen gets its own error.
/// </summary>
public sealed class WaitUnderFaultsTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private const int Calls = 8;
    private readonly EmulatorFixture _emulator;
    private readonly ITestOutputHelper _output;

    public WaitUnderFaultsTests(EmulatorFixture emulator, ITestOutputHelper output)
    {
        _emulator = emulator;
        _output = output;
        _emulator.Server.Faults.Clear();
    }

    // Fault rules are emulator-wide: each test starts and ends with none.
    public void Dispose() => _emulator.Server.Faults.Clear();

    /// <summary>Few retries per request, so that polls really fail and the waiter has to try them again.</summary>
    private Task<GraphConnection> ConnectAsync(ILogSink log, int maxRetries = 1)
    {
        var settings = _emulator.SecretSettings(RetryPolicy.Default with { MaxRetries = maxRetries, BaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(200) });
        settings.RequestTimeout = TimeSpan.FromSeconds(1);
        return GraphConnection.ConnectAsync(settings, log);
    }

    /// <summary>8 calls x 5 invitees (one per operation), one of them the user who always declines: 40 operations.</summary>
    private static async Task<(List<InviteParticipantsOperation> Operations, HashSet<string> Declined)> InviteFortyAsync(GraphConnection connection)
    {
        var invitees = new[] { Users.Adele, Users.Alex, Users.Megan, Users.Extra[0], Users.Declining };
        var operations = new List<InviteParticipantsOperation>();
        var declined = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < Calls; c++)
        {
            var call = await InviteTests.NewGroupCallAsync(connection);
            foreach (var user in invitees)
            {
                var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(user) } });
                operations.Add(operation);
                if (user == Users.Declining)
                {
                    declined.Add(operation.Id!);
                }
            }
        }

        return (operations, declined);
    }

    private static WaitOptions Options(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        PollInterval = TimeSpan.FromMilliseconds(100),
        ThrottleLimit = 8,
        Strategy = WaitStrategy.Poll,
    };

    /// <summary>Exactly one outcome per operation, in order, each handed on exactly once, each as expected.</summary>
    private static void AssertOneOutcomeEach(IReadOnlyList<InviteParticipantsOperation> operations, IReadOnlyList<InviteOutcome> outcomes, IReadOnlyCollection<InviteOutcome> handedOn, ISet<string> declined)
    {
        Assert.Equal(operations.Count, outcomes.Count);
        Assert.Equal(operations.Select(o => o.Id), outcomes.Select(o => o.OperationId));
        Assert.Equal(operations.Count, outcomes.Select(o => o.OperationId).Distinct().Count());
        Assert.Equal(outcomes.Select(o => o.OperationId), handedOn.Select(o => o.OperationId));
        foreach (var outcome in outcomes)
        {
            if (declined.Contains(outcome.OperationId!))
            {
                Assert.True(outcome.Status == InviteOutcomeStatus.Failed, $"{outcome.OperationId}: {outcome.Status} {outcome.Error?.Message}");
                Assert.Equal(ErrorIds.Calls.InviteOperationFailed, outcome.Error!.ErrorId);
            }
            else
            {
                Assert.True(outcome.Status == InviteOutcomeStatus.Completed, $"{outcome.OperationId}: {outcome.Status} {outcome.Error?.Message}");
                Assert.Null(outcome.Error);
            }
        }
    }

    [Fact]
    public async Task A_wait_under_faults_on_every_request_loses_no_outcome()
    {
        var log = new RecordingLogSink();
        using var connection = await ConnectAsync(log);
        var (operations, declined) = await InviteFortyAsync(connection);

        // Every kind of request a wait makes: the call, its roster, the operation, and the token endpoint (a 401 makes
        // the client renew its token there). Each rule fires on about one request in sixteen.
        var faults = _emulator.Server.Faults;
        var faultsBefore = _emulator.Server.State.Stats.TotalFaultsInjected;
        const string reads = "/communications/calls/[^/]+(/participants|/operations/[^/]+)?$";

        // Polling reads each call once per round, so random faults alone may never fail a whole poll: the first two
        // roster reads (one attempt and its one retry) fail for certain, and the rules below add the random rest.
        faults.Add(new FaultRule { Route = "/communications/calls/[^/]+/participants$", Method = "GET", Kind = FaultKind.Unavailable, Count = 2 });
        foreach (var kind in new[] { FaultKind.Throttle, FaultKind.Unavailable, FaultKind.GatewayTimeout, FaultKind.ResetBefore, FaultKind.ResetAfter, FaultKind.Truncate, FaultKind.NonJson, FaultKind.ExpiredToken })
        {
            faults.Add(new FaultRule { Route = reads, Method = "GET", Kind = kind, RetryAfterSeconds = kind is FaultKind.Throttle or FaultKind.Unavailable ? 0 : null, Probability = 0.06 });
        }

        faults.Add(new FaultRule { Route = reads, Method = "GET", Kind = FaultKind.StallBody, Probability = 0.01 });
        faults.Add(new FaultRule { Route = reads, Method = "GET", Kind = FaultKind.Latency, LatencyMs = 20, Probability = 0.1 });
        faults.Add(new FaultRule { Route = "/oauth2/v2.0/token$", Kind = FaultKind.ResetBefore, Probability = 0.2 });

        var handedOn = new ConcurrentQueue<InviteOutcome>();
        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, Options(TimeSpan.FromSeconds(90)), null, handedOn.Enqueue, CancellationToken.None);

        var stats = _emulator.Server.State.Stats;
        var failedPolls = log.Messages.Count(m => m.Contains("trying again at the next interval"));
        var injected = stats.TotalFaultsInjected - faultsBefore;
        _output.WriteLine($"{outcomes.Count} outcomes; faults injected {injected}; client {connection.Statistics}; failed polls tried again {failedPolls}");
        AssertOneOutcomeEach(operations, outcomes, handedOn, declined);
        Assert.True(injected >= 20, $"faults injected: {injected}");

        // Polls really failed after the connection's retries, and were tried again instead of ending the wait.
        Assert.True(failedPolls > 0, "no poll failed: the faults did not exercise the waiter");
        Assert.True(connection.Statistics.Retries > 0, connection.Statistics.ToString());
        Assert.All(outcomes.Where(o => declined.Contains(o.OperationId!)), o => Assert.Equal(CallsEndpointsDiagCodes.Declined, o.DiagnosticCode));
    }

    [Fact]
    public async Task Two_401s_in_a_row_on_one_poll_fail_that_poll_only()
    {
        var log = new RecordingLogSink();
        using var connection = await ConnectAsync(log, maxRetries: 3);
        var (operations, declined) = await InviteFortyAsync(connection);

        // One more call with one operation: the only requests to its URL are that operation's polls, so both 401s hit
        // the same GET, the token renewal in between (the client renews once per request) does not help, and the poll fails.
        var victimCall = await InviteTests.NewGroupCallAsync(connection);
        var victim = await connection.Calls.InviteAsync(new InviteRequest { CallId = victimCall.Id!, Participants = new[] { InvitationParticipants.User(Users.Extra[1]) } });
        operations.Insert(operations.Count / 2, victim);
        var rule = _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/" + victimCall.Id + "$", Method = "GET", Kind = FaultKind.ExpiredToken, Count = 2 });

        var handedOn = new ConcurrentQueue<InviteOutcome>();
        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, Options(TimeSpan.FromSeconds(60)), null, handedOn.Enqueue, CancellationToken.None);

        Assert.Equal(2, _emulator.Server.Faults.Rules.Single(r => r.Id == rule).Fired);
        Assert.Contains(log.Messages, m => m.Contains($"Poll 1 of operation {victim.Id} failed ({ErrorIds.Connection.AuthenticationFailed}"));
        Assert.True(connection.Statistics.ForcedTokenRefreshes >= 1, connection.Statistics.ToString());
        AssertOneOutcomeEach(operations, outcomes, handedOn, declined);
    }

    public static TheoryData<FaultKind, FailureCategory, string> PersistentFaults() => new()
    {
        { FaultKind.ExpiredToken, FailureCategory.AuthenticationError, "HTTP 401" },
        { FaultKind.ResetBefore, FailureCategory.ConnectionError, "GET " },
        { FaultKind.Throttle, FailureCategory.LimitsExceeded, "HTTP 429" },
        { FaultKind.NonJson, FailureCategory.ConnectionError, "HTTP 502" },
    };

    [Theory]
    [MemberData(nameof(PersistentFaults))]
    public async Task An_operation_that_cannot_be_polled_gets_its_own_error_naming_the_last_cause(FaultKind kind, FailureCategory category, string causeText)
    {
        var log = new RecordingLogSink();
        using var connection = await ConnectAsync(log);
        var blocked = await InviteTests.NewGroupCallAsync(connection);
        var open = await InviteTests.NewGroupCallAsync(connection);
        var operations = new List<InviteParticipantsOperation>
        {
            await connection.Calls.InviteAsync(new InviteRequest { CallId = open.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } }),
            await connection.Calls.InviteAsync(new InviteRequest { CallId = blocked.Id!, Participants = new[] { InvitationParticipants.User(Users.Alex) } }),
            await connection.Calls.InviteAsync(new InviteRequest { CallId = open.Id!, Participants = new[] { InvitationParticipants.User(Users.Megan) } }),
        };
        _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/" + blocked.Id, Method = "GET", Kind = kind, RetryAfterSeconds = kind == FaultKind.Throttle ? 0 : null });

        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, Options(TimeSpan.FromSeconds(3)));

        Assert.Equal(InviteOutcomeStatus.Completed, outcomes[0].Status);
        Assert.Equal(InviteOutcomeStatus.Completed, outcomes[2].Status);
        var stuck = outcomes[1];
        Assert.Equal(InviteOutcomeStatus.TimedOut, stuck.Status);
        Assert.Equal(ErrorIds.Calls.InviteWaitPollFailed, stuck.Error!.ErrorId);
        Assert.Equal(category, stuck.Error.Category);
        Assert.Same(operations[1], stuck.Error.TargetObject);
        var cause = Assert.IsType<GraphServiceException>(stuck.Error.InnerException);
        Assert.Contains(cause.Message, stuck.Error.Message);
        Assert.Contains(causeText, stuck.Error.Message);
        Assert.Contains(blocked.Id!, cause.Message);
        Assert.Matches(@"\d+ of \d+ polls? failed", stuck.Error.Message);
        _output.WriteLine(stuck.Error.Message);
    }

    [Fact]
    public async Task An_operation_still_running_at_the_timeout_is_InviteWaitTimedOut_and_mentions_earlier_failed_polls()
    {
        await using var slow = new EmulatorFixture { AnswerDelay = TimeSpan.FromMinutes(5) };
        await slow.InitializeAsync();
        var settings = slow.SecretSettings(RetryPolicy.Default with { MaxRetries = 0 });
        using var connection = await GraphConnection.ConnectAsync(settings);
        var call = await InviteTests.NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } });
        slow.Server.Faults.Add(new FaultRule { Route = "/communications/calls/" + call.Id + "$", Method = "GET", Kind = FaultKind.Unavailable, Count = 1 });

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, Options(TimeSpan.FromSeconds(1.5)));

        Assert.Equal(InviteOutcomeStatus.TimedOut, outcome.Status);
        Assert.Equal(ErrorIds.Calls.InviteWaitTimedOut, outcome.Error!.ErrorId);
        Assert.Equal(FailureCategory.OperationTimeout, outcome.Error.Category);
        Assert.Matches(@" 1 of \d+ polls failed", outcome.Error.Message);
        Assert.Contains("HTTP 503", outcome.Error.Message);
    }

    [Fact]
    public async Task A_long_Retry_After_on_a_poll_does_not_outlive_the_timeout_and_cancellation_is_prompt()
    {
        var log = new RecordingLogSink();
        var settings = _emulator.SecretSettings(RetryPolicy.Default with { MaxRetries = 5, MaxRetryDelay = TimeSpan.FromMinutes(1) });
        using var connection = await GraphConnection.ConnectAsync(settings, log);
        var call = await InviteTests.NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/communications/calls/" + call.Id, Method = "GET", Kind = FaultKind.Throttle, RetryAfterSeconds = 30 });

        // The timeout cuts the poll that waits out a 30 s Retry-After.
        var clock = Stopwatch.StartNew();
        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, Options(TimeSpan.FromSeconds(1)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the wait took {clock.Elapsed}");
        Assert.Equal(InviteOutcomeStatus.TimedOut, outcome.Status);
        Assert.Equal(ErrorIds.Calls.InviteWaitTimedOut, outcome.Error!.ErrorId);
        Assert.Contains("had not been answered", outcome.Error.Message);

        // Cancellation ends the same wait long before its timeout.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        clock.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new InviteWaiter(connection).WaitOneAsync(operation, Options(TimeSpan.FromMinutes(5)), null, cancel.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cancelling took {clock.Elapsed}");
    }

    [Fact]
    public async Task Failed_operations_carry_the_services_diagnostic_code()
    {
        using var connection = await ConnectAsync(new RecordingLogSink());
        var call = await InviteTests.NewGroupCallAsync(connection);
        var declined = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Declining) } });
        var noSponsor = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.Phone("+14255550100") } });
        var answered = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } });

        var outcomes = await new InviteWaiter(connection).WaitAsync(new[] { declined, noSponsor, answered }, Options(TimeSpan.FromSeconds(30)));

        Assert.Equal(CallsEndpointsDiagCodes.Declined, outcomes[0].DiagnosticCode);
        Assert.Equal(CallsEndpointsDiagCodes.Declined, Assert.IsType<InviteFailedException>(outcomes[0].Error).DiagnosticCode);
        Assert.Equal("412#10073", outcomes[1].DiagnosticCode);
        Assert.Equal(412, outcomes[1].ResultInfo!.Code);
        Assert.Equal("412#10073", Assert.IsType<InviteFailedException>(outcomes[1].Error).DiagnosticCode);
        Assert.Equal(InviteOutcomeStatus.Completed, outcomes[2].Status);
        Assert.Null(outcomes[2].DiagnosticCode);
    }

    [Fact]
    public async Task A_failing_notification_listener_leaves_the_decision_to_polling_or_to_the_operations_own_error()
    {
        using var connection = await ConnectAsync(new RecordingLogSink());
        var call = await InviteTests.NewGroupCallAsync(connection);
        var operations = new[]
        {
            await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } }),
            await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Alex) } }),
        };
        var source = new FailingSource();

        var auto = await new InviteWaiter(connection).WaitAsync(operations, new WaitOptions { Timeout = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(100), Strategy = WaitStrategy.Auto, NotificationSource = source });
        Assert.All(auto, o => Assert.Equal(InviteOutcomeStatus.Completed, o.Status));
        Assert.All(auto, o => Assert.Equal(OutcomeSource.Poll, o.Source));

        var notificationOnly = await new InviteWaiter(connection).WaitAsync(operations, new WaitOptions { Timeout = TimeSpan.FromSeconds(30), Strategy = WaitStrategy.Notification, NotificationSource = source });
        Assert.Equal(2, notificationOnly.Count);
        Assert.All(notificationOnly, o =>
        {
            Assert.Equal(InviteOutcomeStatus.TimedOut, o.Status);
            Assert.Equal(ErrorIds.Calls.InviteWaitPollFailed, o.Error!.ErrorId);
            Assert.Equal(FailureCategory.InvalidOperation, o.Error.Category);
            Assert.IsType<ObjectDisposedException>(o.Error.InnerException);
        });
        Assert.Equal(4, source.Calls);
    }

    /// <summary>A listener stopped under the wait's feet.</summary>
    private sealed class FailingSource : IOperationNotificationSource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async Task<InviteParticipantsOperation?> WaitForOperationAsync(string callId, string operationId, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(10, cancellationToken);
            throw new ObjectDisposedException("NotificationListener");
        }
    }

    /// <summary>The emulator's (assumed) decline code, as docs/reliability.md lists it.</summary>
    private static class CallsEndpointsDiagCodes
    {
        public const string Declined = "410#301004";
    }
}
