using System.Diagnostics;

namespace CommsInvite.Benchmarks;

/// <summary>
/// Per-invite cost of each client, measured in one process against one emulator: every client invites distinct
/// users into its own calls in the same pattern, in blocks, and the blocks of the clients alternate (rotating
/// order each round) so that machine noise falls on all of them alike.
/// </summary>
internal static class PerInviteBenchmark
{
    /// <summary>The JIT counts as settled when it spent at most <see cref="SettledJitShare"/> of this long compiling.</summary>
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(2);

    private const double SettledJitShare = 0.01;

    public static async Task<PerInviteResult> RunAsync(Harness harness, IReadOnlyList<IInviter> clients, RunSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var users = await harness.RegisterUsersAsync(settings.UsersPerCall, "perinvite");
        var feeds = clients.ToDictionary(c => c, _ => new TargetFeed(harness, users));
        var tallies = clients.ToDictionary(c => c, _ => new ClientTally());
        var waitForJit = settings.MaxPerInviteWarmup is not null;
        var maxWarmup = Math.Max(settings.MaxPerInviteWarmup ?? 0, settings.PerInviteWarmup);
        log($"  {clients.Count} clients x (warm-up of {settings.PerInviteWarmup}{(waitForJit ? $" to {maxWarmup}, until the JIT settles," : string.Empty)} + {settings.PerInviteMeasured} measured) invites, blocks of {settings.BlockSize}, {users.Count} users per call");

        // Tiered compilation works in bursts (it waits for a quiet spell before recompiling hot code), so a quiet round
        // proves little: the JIT counts as settled once a whole window of rounds compiled next to nothing.
        var round = 0;
        var warmedUp = 0;
        var settled = !waitForJit;
        var samples = new Queue<(TimeSpan At, TimeSpan Jit)>();
        var clock = Stopwatch.StartNew();
        while (warmedUp < maxWarmup)
        {
            var count = Math.Min(settings.BlockSize, maxWarmup - warmedUp);
            await RunRoundAsync(clients, feeds, tallies: null, count, round++, cancellationToken).ConfigureAwait(false);
            warmedUp += count;
            samples.Enqueue((clock.Elapsed, System.Runtime.JitInfo.GetCompilationTime()));
            while (samples.Count > 2 && clock.Elapsed - samples.ElementAt(1).At >= SettleWindow)
            {
                samples.Dequeue();
            }

            var (oldestAt, oldestJit) = samples.Peek();
            var window = clock.Elapsed - oldestAt;
            settled = settled || (window >= SettleWindow && (System.Runtime.JitInfo.GetCompilationTime() - oldestJit).TotalMilliseconds <= SettledJitShare * window.TotalMilliseconds);
            if (warmedUp >= settings.PerInviteWarmup && settled)
            {
                break;
            }
        }

        log($"  warm-up: {warmedUp} invites per client{(waitForJit ? settled ? ", the JIT has settled" : ", stopped at its bound with the JIT still compiling" : string.Empty)}");
        var jitMethodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
        for (var left = settings.PerInviteMeasured; left > 0; left -= settings.BlockSize)
        {
            await RunRoundAsync(clients, feeds, tallies, Math.Min(left, settings.BlockSize), round++, cancellationToken).ConfigureAwait(false);
        }

        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethodsBefore;
        var jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore;

        var result = new PerInviteResult
        {
            WarmupPerClient = warmedUp,
            JitSettled = waitForJit ? settled : null,
            JitMethodsWhileMeasuring = jitMethods,
            JitMillisecondsWhileMeasuring = jitTime.TotalMilliseconds,
            MeasuredPerClient = settings.PerInviteMeasured,
            BlockSize = settings.BlockSize,
            Method = "Sequential invites, one user each, into group calls seeded per client; clients alternate in blocks with a rotating order. " +
                "Warm-up rounds continue until the JIT spent at most " + (SettledJitShare * 100) + "% of the last " + SettleWindow.TotalSeconds + " s compiling (System.Runtime.JitInfo), so that tiered compilation is not measured. " +
                "Latency: Stopwatch around each awaited invite (the engine's: around each pipeline, on its pipeline thread). CPU: Environment.CpuUsage.TotalTime delta per block / invites. " +
                "Allocations: GC.GetTotalAllocatedBytes(precise: true) delta per block / invites. The emulator runs in a child process, so CPU " +
                "and allocations are the clients' (with the runtime's thread pool and GC); '*AboveRaw' subtracts the raw client's figure.",
        };
        foreach (var client in clients)
        {
            var tally = tallies[client];
            result.Clients.Add(new ClientResult
            {
                Key = client.Key,
                Name = client.DisplayName,
                Invites = tally.Count,
                Latency = LatencySummary.Of(tally.LatenciesMs),
                CpuMicrosecondsPerInvite = tally.CpuMicrosecondsPerInvite,
                BytesPerInvite = tally.BytesPerInvite,
            });
        }

        var raw = result.Clients.FirstOrDefault(c => c.Key == "raw");
        if (raw is not null)
        {
            foreach (var client in result.Clients)
            {
                client.CpuMicrosecondsAboveRaw = client.CpuMicrosecondsPerInvite - raw.CpuMicrosecondsPerInvite;
                client.BytesAboveRaw = client.BytesPerInvite - raw.BytesPerInvite;
            }
        }

        AddRatio(result, "core", "graphSdk");
        AddRatio(result, "core", "graphSdkBare");
        AddRatio(result, "core", "raw");
        AddRatio(result, "graphSdk", "raw");
        AddRatio(result, "engine", "core");
        AddRatio(result, "core", "rawGraphPipeline");
        AddRatio(result, "rawGraphPipeline", "raw");
        return result;
    }

    /// <summary>One block per client, in an order that rotates with the round; measured when <paramref name="tallies"/> is given.</summary>
    private static async Task RunRoundAsync(IReadOnlyList<IInviter> clients, Dictionary<IInviter, TargetFeed> feeds, Dictionary<IInviter, ClientTally>? tallies, int count, int round, CancellationToken cancellationToken)
    {
        for (var k = 0; k < clients.Count; k++)
        {
            var client = clients[(round + k) % clients.Count];
            var targets = await feeds[client].NextAsync(count).ConfigureAwait(false);
            var meter = CostMeter.Start();
            var latencies = await client.TimeEachAsync(targets, cancellationToken).ConfigureAwait(false);
            var (cpu, bytes, _) = meter.Stop();
            if (tallies is not null)
            {
                var tally = tallies[client];
                tally.LatenciesMs.AddRange(latencies);
                tally.Cpu += cpu;
                tally.Bytes += bytes;
                tally.Count += count;
            }
        }
    }

    /// <summary>A client's invites: its users, one after another, into calls it seeds as it needs them (outside the timed blocks).</summary>
    private sealed class TargetFeed
    {
        private readonly Harness _harness;
        private readonly IReadOnlyList<string> _users;
        private string? _call;
        private int _next;

        public TargetFeed(Harness harness, IReadOnlyList<string> users)
        {
            _harness = harness;
            _users = users;
        }

        public async Task<InviteTarget[]> NextAsync(int count)
        {
            var targets = new InviteTarget[count];
            for (var i = 0; i < count; i++)
            {
                if (_call is null || _next == _users.Count)
                {
                    _call = (await _harness.SeedCallsAsync(1).ConfigureAwait(false))[0];
                    _next = 0;
                }

                targets[i] = InviteTarget.Create(_harness.GraphV1, _call, _users[_next++]);
            }

            return targets;
        }
    }

    private static void AddRatio(PerInviteResult result, string numerator, string denominator)
    {
        var a = result.Clients.FirstOrDefault(c => c.Key == numerator);
        var b = result.Clients.FirstOrDefault(c => c.Key == denominator);
        if (a is null || b is null)
        {
            return;
        }

        double? AboveRaw(double? x, double? y) => x is { } xv && y is { } yv && yv > 0 ? xv / yv : null;
        result.Ratios[$"{numerator}/{denominator}"] = new RatioSet(
            a.Latency.MedianMs / b.Latency.MedianMs,
            a.Latency.P99Ms / b.Latency.P99Ms,
            a.CpuMicrosecondsPerInvite / b.CpuMicrosecondsPerInvite,
            a.BytesPerInvite / b.BytesPerInvite,
            denominator == "raw" ? null : AboveRaw(a.CpuMicrosecondsAboveRaw, b.CpuMicrosecondsAboveRaw),
            denominator == "raw" ? null : AboveRaw(a.BytesAboveRaw, b.BytesAboveRaw));
    }
}
