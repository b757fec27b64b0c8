using System.Diagnostics;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Notifications;
using CommsInvite.Emulator;
using CommsInvite.TestSupport;

namespace CommsInvite.Benchmarks;

/// <summary>
/// Time from the emulator completing an invite operation to the waiter returning: InviteWaiter by polling and by
/// notification (the core's listener as the call's callbackUri), and Wait-CsGraphInviteOperation in the engine.
/// The answer delay is drawn at random for each sample so that completions fall at random points of the poll cycle.
/// </summary>
internal static class WaitBenchmark
{
    private static readonly TimeSpan MinimumAnswerDelay = TimeSpan.FromMilliseconds(60);

    public static async Task<WaitResult> RunAsync(Harness harness, RunSettings settings, EngineSession? engine, Action<string> log, CancellationToken cancellationToken)
    {
        var result = new WaitResult
        {
            Method = "A watcher thread reads the emulator's state every ~1 ms and stamps the moment the operation turns completed; " +
                "latency = waiter returned - that stamp (so it may read up to ~1 ms low). The answer delay is random per sample " +
                $"({MinimumAnswerDelay.TotalMilliseconds:F0} ms to that plus one poll interval), so completions land at random points of the poll cycle.",
        };
        var user = (await harness.RegisterUsersAsync(1, "wait"))[0];
        var pollInterval = settings.PollInterval;
        var random = new Random(42);
        var originalDelay = harness.Server.State.Settings.AnswerDelay;
        using var connection = await harness.ConnectCoreAsync();
        var waiter = new InviteWaiter(connection);

        try
        {
            // 1. Core, polling.
            log($"  InviteWaiter, polling every {pollInterval.TotalMilliseconds:F0} ms: {settings.WaitPollSamples} samples");
            result.Cases.Add(await MeasureAsync(harness, "corePoll", "InviteWaiter (poll)", "Poll", pollInterval, settings.WaitPollSamples, random, async (callId, ct) =>
            {
                var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = callId, Participants = { InvitationParticipants.User(user) } }, ct);
                return async () =>
                {
                    var outcome = await waiter.WaitOneAsync(operation, new WaitOptions { Strategy = WaitStrategy.Poll, PollInterval = pollInterval, Timeout = TimeSpan.FromSeconds(30) }, null, ct);
                    return outcome.Status == InviteOutcomeStatus.Completed;
                };
            }, callbackUri: null, cancellationToken));

            // 2. Core, notification.
            var listener = await EmulatorNotifications.StartListenerAsync(harness.Connection, new NotificationListenerOptions(), null, cancellationToken);
            try
            {
                log($"  InviteWaiter, notification listener at {listener.Uri}: {settings.WaitNotificationSamples} samples");
                result.Cases.Add(await MeasureAsync(harness, "coreNotification", "InviteWaiter (notification listener)", "Notification", null, settings.WaitNotificationSamples, random, async (callId, ct) =>
                {
                    var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = callId, Participants = { InvitationParticipants.User(user) } }, ct);
                    return async () =>
                    {
                        var outcome = await waiter.WaitOneAsync(operation, new WaitOptions { Strategy = WaitStrategy.Notification, NotificationSource = listener, Timeout = TimeSpan.FromSeconds(30) }, null, ct);
                        return outcome.Status == InviteOutcomeStatus.Completed && outcome.Source == OutcomeSource.Notification;
                    };
                }, callbackUri: listener.Uri.AbsoluteUri, cancellationToken));
            }
            finally
            {
                await listener.StopAsync();
                listener.Dispose();
            }

            // 3. The engine: Invoke-CsGraphParticipantInvite, then Wait-CsGraphInviteOperation on its operation.
            if (engine is null)
            {
                result.Skipped.Add("engine: not started");
            }
            else
            {
                log($"  Wait-CsGraphInviteOperation -PollInterval {pollInterval.TotalSeconds:0.###}: {settings.WaitEnginePollSamples} samples");
                result.Cases.Add(await MeasureAsync(harness, "enginePoll", "Wait-CsGraphInviteOperation (poll)", "Poll", pollInterval, settings.WaitEnginePollSamples, random, async (callId, ct) =>
                {
                    var operation = await engine.InvokeAsync(ps => ps.AddCommand("Invoke-CsGraphParticipantInvite").AddParameter("CallId", callId).AddParameter("UserId", new[] { user }));
                    if (operation.Count != 1) throw new InvalidOperationException($"Invoke-CsGraphParticipantInvite emitted {operation.Count} objects.");
                    return async () =>
                    {
                        var outcome = await engine.InvokeAsync(ps => ps.AddCommand("Wait-CsGraphInviteOperation").AddParameter("Operation", operation[0])
                            .AddParameter("PollInterval", pollInterval).AddParameter("Timeout", TimeSpan.FromSeconds(30)));
                        return outcome.Count == 1 && outcome[0].Properties["Status"]?.Value?.ToString() == "Completed";
                    };
                }, callbackUri: null, cancellationToken));

                if (engine.HasCommand("Start-CsGraphNotificationListener"))
                {
                    var started = await engine.InvokeAsync(ps => ps.AddCommand("Start-CsGraphNotificationListener").AddParameter("ErrorAction", "Stop"));
                    var uri = started.Count == 1 ? started[0].Properties["Uri"]?.Value?.ToString() : null;
                    if (uri is null) throw new InvalidOperationException("Start-CsGraphNotificationListener emitted no listener.");
                    try
                    {
                        log($"  Wait-CsGraphInviteOperation -Strategy Notification (listener at {uri}): {settings.WaitEngineNotificationSamples} samples");
                        result.Cases.Add(await MeasureAsync(harness, "engineNotification", "Wait-CsGraphInviteOperation (notification listener)", "Notification", null, settings.WaitEngineNotificationSamples, random, async (callId, ct) =>
                        {
                            var operation = await engine.InvokeAsync(ps => ps.AddCommand("Invoke-CsGraphParticipantInvite").AddParameter("CallId", callId).AddParameter("UserId", new[] { user }));
                            if (operation.Count != 1) throw new InvalidOperationException($"Invoke-CsGraphParticipantInvite emitted {operation.Count} objects.");
                            return async () =>
                            {
                                var outcome = await engine.InvokeAsync(ps => ps.AddCommand("Wait-CsGraphInviteOperation").AddParameter("Operation", operation[0])
                                    .AddParameter("Strategy", "Notification").AddParameter("Timeout", TimeSpan.FromSeconds(30)));
                                return outcome.Count == 1 && outcome[0].Properties["Status"]?.Value?.ToString() == "Completed"
                                    && outcome[0].Properties["Source"]?.Value?.ToString() == "Notification";
                            };
                        }, callbackUri: uri, cancellationToken));
                    }
                    finally
                    {
                        await engine.InvokeAsync(ps => ps.AddCommand("Stop-CsGraphNotificationListener"), throwOnError: false);
                    }
                }
                else
                {
                    result.Skipped.Add("engineNotification: the module has no Start-CsGraphNotificationListener yet, so Wait-CsGraphInviteOperation can only poll");
                }
            }
        }
        finally
        {
            harness.Server.State.Settings.AnswerDelay = originalDelay;
        }

        // 4. What polling costs in requests, against the number of calls and of operations.
        result.PollingCost.AddRange(await PollingCostBenchmark.RunAsync(harness, pollInterval, log));
        return result;
    }

    /// <summary>
    /// For each sample: a fresh call, a random answer delay, the invite (<paramref name="invite"/> returns the wait
    /// to run), a watcher stamping the completion, then the wait itself.
    /// </summary>
    private static async Task<WaitCase> MeasureAsync(
        Harness harness,
        string key,
        string name,
        string strategy,
        TimeSpan? pollInterval,
        int samples,
        Random random,
        Func<string, CancellationToken, Task<Func<Task<bool>>>> invite,
        string? callbackUri,
        CancellationToken cancellationToken)
    {
        var state = harness.Server.State;
        var latencies = new List<double>(samples);
        var notCompleted = 0;
        // One sample more than asked: the first one warms up (JIT, connections) and is not counted.
        var calls = await harness.SeedCallsAsync(samples + 1, callbackUri);
        var spread = pollInterval ?? TimeSpan.FromMilliseconds(60);
        for (var index = 0; index < calls.Count; index++)
        {
            var callId = calls[index];
            state.Settings.AnswerDelay = MinimumAnswerDelay + spread * random.NextDouble();
            var wait = await invite(callId, cancellationToken);
            using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var completedAt = Task.Factory.StartNew(() => WatchCompletion(state, callId, stopWatching.Token), stopWatching.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var completed = await wait();
            var returnedAt = Stopwatch.GetTimestamp();
            stopWatching.CancelAfter(TimeSpan.FromSeconds(5));
            var stamp = await completedAt;
            if (!completed || stamp is null)
            {
                notCompleted++;
                continue;
            }

            if (index > 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(stamp.Value, returnedAt).TotalMilliseconds);
            }
        }

        var summary = LatencySummary.Of(latencies);
        return new WaitCase
        {
            Key = key,
            Name = name,
            Strategy = strategy,
            PollIntervalMs = pollInterval?.TotalMilliseconds,
            Latency = summary,
            P99OverPollInterval = pollInterval is { } p && summary.Count > 0 ? summary.P99Ms / p.TotalMilliseconds : null,
            NotCompleted = notCompleted,
        };
    }

    /// <summary>Stamps (Stopwatch timestamp) the first moment the call's operation is no longer running.</summary>
    private static long? WatchCompletion(EmulatorState state, string callId, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var call = state.GetCall(callId);
            if (call is not null && call.Operations.Count > 0 && call.Operations.All(o => !string.Equals(o.Status, "Running", StringComparison.OrdinalIgnoreCase)))
            {
                return Stopwatch.GetTimestamp();
            }

            Thread.Sleep(1);
        }

        return null;
    }
}
