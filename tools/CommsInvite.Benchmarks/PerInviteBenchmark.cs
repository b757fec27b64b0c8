using System.Diagnostics;

namespace CommsInvite.Benchmarks;

/// <summary>
/// Per-invite cost of each client, measured in one process against one emulator: every client invites distinct
/// users into its own calls in the same pattern, in blocks, and the blocks of the clients alternate (rotating
/// order each round) so that machine noise falls on all of them alike.
/// </summary>
internal static class PerInviteBenchmark
{
    private static readonly bool TraceSlow = Environment.GetEnvironmentVariable("COMMSINVITE_BENCH_TRACE_SLOW") == "1";

    public static async Task<PerInviteResult> RunAsync(Harness harness, IReadOnlyList<IInviter> clients, RunSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var users = await harness.RegisterUsersAsync(settings.UsersPerCall, "perinvite");
        var perClient = settings.PerInviteWarmup + settings.PerInviteMeasured;
        var callsPerClient = (perClient + users.Count - 1) / users.Count;
        var queues = new Dictionary<IInviter, Queue<InviteTarget>>();
        foreach (var client in clients)
        {
            var calls = await harness.SeedCallsAsync(callsPerClient);
            var queue = new Queue<InviteTarget>(perClient);
            for (var i = 0; i < perClient; i++)
            {
                queue.Enqueue(InviteTarget.Create(harness.GraphV1, calls[i / users.Count], users[i % users.Count]));
            }

            queues[client] = queue;
        }

        var tallies = clients.ToDictionary(c => c, _ => new ClientTally());
        var blocks = new List<(int Count, bool Warmup)>();
        for (var left = settings.PerInviteWarmup; left > 0; left -= settings.BlockSize) blocks.Add((Math.Min(left, settings.BlockSize), true));
        for (var left = settings.PerInviteMeasured; left > 0; left -= settings.BlockSize) blocks.Add((Math.Min(left, settings.BlockSize), false));

        log($"  {clients.Count} clients x ({settings.PerInviteWarmup} warm-up + {settings.PerInviteMeasured} measured) invites, blocks of {settings.BlockSize}, {callsPerClient} calls and {users.Count} users each");
        for (var round = 0; round < blocks.Count; round++)
        {
            var (count, warmup) = blocks[round];
            for (var k = 0; k < clients.Count; k++)
            {
                var client = clients[(round + k) % clients.Count];
                var queue = queues[client];
                var tally = tallies[client];
                var latencies = new double[count];
                var meter = CostMeter.Start();
                for (var i = 0; i < count; i++)
                {
                    var target = queue.Dequeue();
                    var started = Stopwatch.GetTimestamp();
                    var gen2 = GC.CollectionCount(2);
                    var gen1 = GC.CollectionCount(1);
                    var pause = GC.GetTotalPauseDuration();
                    await client.InviteAsync(target, cancellationToken).ConfigureAwait(false);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (TraceSlow && latencies[i] > 100)
                    {
                        log($"    slow {client.Key} invite: {latencies[i]:F0} ms, gen1 +{GC.CollectionCount(1) - gen1}, gen2 +{GC.CollectionCount(2) - gen2}, GC pause +{(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms, pool threads {ThreadPool.ThreadCount}, queued {ThreadPool.PendingWorkItemCount}");
                    }
                }

                var (cpu, bytes, _) = meter.Stop();
                if (!warmup)
                {
                    tally.LatenciesMs.AddRange(latencies);
                    tally.Cpu += cpu;
                    tally.Bytes += bytes;
                    tally.Count += count;
                }
            }
        }

        var result = new PerInviteResult
        {
            WarmupPerClient = settings.PerInviteWarmup,
            MeasuredPerClient = settings.PerInviteMeasured,
            BlockSize = settings.BlockSize,
            Method = "Sequential invites, one user each, into group calls seeded per client; clients alternate in blocks with a rotating order. " +
                "Latency: Stopwatch around each awaited invite. CPU: Environment.CpuUsage.TotalTime delta per block / invites. " +
                "Allocations: GC.GetTotalAllocatedBytes(precise: true) delta per block / invites. CPU and allocations are process-wide, " +
                "so they include the in-process emulator's share (the same for every client); '*AboveRaw' subtracts the raw client's figure.",
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
