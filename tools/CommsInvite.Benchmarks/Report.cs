using System.Globalization;

namespace CommsInvite.Benchmarks;

/// <summary>The performance targets (docs/benchmarks.md), checked against a run.</summary>
internal static class Targets
{
    public const double MaxLatencyOverRaw = 1.25;
    public const double MaxCostOverGraphSdk = 0.7;
    public const double MaxEngineOverCore = 2;
    public const double MinBulkRateShare = 0.95;
    public const double MaxNotificationWaitMs = 50;

    public static void Evaluate(BenchmarkReport report)
    {
        var checks = report.Targets;
        if (report.PerInvite is { } perInvite)
        {
            if (perInvite.Ratios.TryGetValue("core/raw", out var overRaw))
            {
                checks.Add(new TargetCheck("core latency / raw HTTP (median)", $"<= {MaxLatencyOverRaw}", overRaw.MedianLatency, overRaw.MedianLatency <= MaxLatencyOverRaw));
                checks.Add(new TargetCheck("core latency / raw HTTP (p99)", $"<= {MaxLatencyOverRaw}", overRaw.P99Latency, overRaw.P99Latency <= MaxLatencyOverRaw, "informational: p99 of a noisy 2-core machine"));
            }

            if (perInvite.Ratios.TryGetValue("core/graphSdk", out var overSdk))
            {
                checks.Add(new TargetCheck("core CPU per invite / Graph SDK", $"<= {MaxCostOverGraphSdk}", overSdk.CpuPerInvite, overSdk.CpuPerInvite <= MaxCostOverGraphSdk));
                checks.Add(new TargetCheck("core bytes allocated per invite / Graph SDK", $"<= {MaxCostOverGraphSdk}", overSdk.BytesPerInvite, overSdk.BytesPerInvite <= MaxCostOverGraphSdk));
            }

            if (perInvite.Ratios.TryGetValue("engine/core", out var engineOverCore))
            {
                checks.Add(new TargetCheck("cmdlet (engine) latency / core (median)", $"<= {MaxEngineOverCore}", engineOverCore.MedianLatency, engineOverCore.MedianLatency <= MaxEngineOverCore));
            }
        }

        if (report.Bulk is { } bulk)
        {
            checks.Add(new TargetCheck("bulk achieved / allowed invite rate", $">= {MinBulkRateShare}", bulk.AchievedOverAllowed, bulk.AchievedOverAllowed >= MinBulkRateShare));
            checks.Add(new TargetCheck("bulk invites lost", "0", bulk.Lost, bulk.Lost == 0));
            checks.Add(new TargetCheck("bulk invites duplicated", "0", bulk.Duplicated, bulk.Duplicated == 0));
        }

        if (report.Waiting is { } waiting)
        {
            foreach (var c in waiting.Cases)
            {
                if (c.Strategy == "Notification")
                {
                    checks.Add(new TargetCheck($"{c.Name}: wait after completion (median)", $"< {MaxNotificationWaitMs} ms", c.Latency.MedianMs, c.Latency.MedianMs < MaxNotificationWaitMs));
                    checks.Add(new TargetCheck($"{c.Name}: wait after completion (p99)", $"< {MaxNotificationWaitMs} ms", c.Latency.P99Ms, c.Latency.P99Ms < MaxNotificationWaitMs, "informational"));
                }
                else if (c.PollIntervalMs is { } interval)
                {
                    checks.Add(new TargetCheck($"{c.Name}: p99 wait after completion / poll interval {interval:F0} ms", "<= 1", c.P99OverPollInterval, c.P99OverPollInterval <= 1));
                }
            }

            foreach (var c in waiting.PollingCost)
            {
                var bound = PollingCostBenchmark.MaxGetsPerCallPerRound;
                checks.Add(c.Calls == 1
                    ? new TargetCheck($"polling {c.Operations} operations on 1 call: GETs per round", $"<= {bound}", c.GetsPerRound, c.GetsPerRound <= bound, $"ratio to the bound {c.GetsPerRound / bound:F2}")
                    : new TargetCheck($"polling {c.Operations} operations over {c.Calls} calls: GETs per call per round", $"<= {bound}", c.GetsPerCallPerRound, c.GetsPerCallPerRound <= bound, $"ratio to the bound {c.GetsPerCallPerRound / bound:F2}"));
                checks.Add(new TargetCheck($"polling {c.Operations} operations on {c.Calls} call(s): completed", $"{c.Operations}", c.Completed, c.Completed == c.Operations));
            }

            foreach (var skipped in waiting.Skipped.Where(s => s.StartsWith("engineNotification", StringComparison.Ordinal)))
            {
                checks.Add(new TargetCheck("Wait-CsGraphInviteOperation by notification (< 50 ms)", $"< {MaxNotificationWaitMs} ms", null, null, "not measured: " + skipped));
            }
        }
    }
}

/// <summary>Prints the run as plain-text tables.</summary>
internal static class TablePrinter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(BenchmarkReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"CommsInvite benchmarks ({report.Mode} run, {report.Machine.ProcessorCount} cores, {report.Machine.Runtime}, Microsoft.Graph {report.Machine.MicrosoftGraphVersion}, System.Management.Automation {report.Machine.PowerShellVersion})");
        if (report.PerInvite is { } perInvite)
        {
            output.WriteLine();
            output.WriteLine($"Per-invite cost: {perInvite.MeasuredPerClient} invites per client after {perInvite.WarmupPerClient} warm-up ({perInvite.JitSettled switch { true => "JIT settled", false => "JIT NOT settled: figures include compilation", null => "a fixed warm-up" }}; {perInvite.JitMethodsWhileMeasuring} methods, {perInvite.JitMillisecondsWhileMeasuring:F0} ms compiled while measuring), alternating blocks of {perInvite.BlockSize}. CPU and bytes are this process's (the emulator runs in a child process); 'above raw' is the client's own extra.");
            var rows = perInvite.Clients.Select(c => new[]
            {
                c.Key,
                Ms(c.Latency.MedianMs),
                Ms(c.Latency.P99Ms),
                Num(c.CpuMicrosecondsPerInvite, "F0"),
                Num(c.BytesPerInvite, "N0"),
                Signed(c.CpuMicrosecondsAboveRaw, "F0"),
                Signed(c.BytesAboveRaw, "N0"),
            }).ToList();
            Table(output, new[] { "client", "median ms", "p99 ms", "CPU us/invite", "bytes/invite", "CPU above raw", "bytes above raw" }, rows);

            output.WriteLine();
            output.WriteLine("Ratios (lower is better)");
            var ratioRows = perInvite.Ratios.Select(r => new[]
            {
                r.Key,
                Num(r.Value.MedianLatency, "F2"),
                Num(r.Value.P99Latency, "F2"),
                Num(r.Value.CpuPerInvite, "F2"),
                Num(r.Value.BytesPerInvite, "F2"),
                Num(r.Value.CpuAboveRaw, "F2"),
                Num(r.Value.BytesAboveRaw, "F2"),
            }).ToList();
            Table(output, new[] { "ratio", "median latency", "p99 latency", "CPU", "bytes", "CPU above raw", "bytes above raw" }, ratioRows);
        }

        if (report.Bulk is { } bulk)
        {
            output.WriteLine();
            output.WriteLine($"Bulk: {bulk.Invites} invites over {bulk.Calls} calls, {bulk.Concurrency} in flight, emulator throttling invites at {bulk.AllowedRatePerSecond:F0}/s (429 + Retry-After)");
            Table(output, new[] { "elapsed s", "invites/s", "achieved/allowed", "lost", "duplicated", "failed", "429s", "retries", "POSTs received" }, new List<string[]>
            {
                new[]
                {
                    Num(bulk.ElapsedSeconds, "F1"), Num(bulk.AchievedPerSecond, "F1"), Num(bulk.AchievedOverAllowed, "F3"),
                    bulk.Lost.ToString(Invariant), bulk.Duplicated.ToString(Invariant), bulk.FailedCalls.ToString(Invariant),
                    bulk.Throttled429.ToString(Invariant), bulk.Retries.ToString(Invariant), bulk.InvitePostsReceived.ToString(Invariant),
                },
            });
            foreach (var failure in bulk.FailureSamples) output.WriteLine("  failure: " + failure);
        }

        if (report.Waiting is { } waiting)
        {
            output.WriteLine();
            output.WriteLine("Waiting: time from the emulator completing the operation to the waiter returning");
            Table(output, new[] { "waiter", "samples", "median ms", "p95 ms", "p99 ms", "max ms", "poll ms", "p99/poll" }, waiting.Cases.Select(c => new[]
            {
                c.Key, c.Latency.Count.ToString(Invariant), Ms(c.Latency.MedianMs), Ms(c.Latency.P95Ms), Ms(c.Latency.P99Ms), Ms(c.Latency.MaxMs),
                c.PollIntervalMs is { } p ? p.ToString("F0", Invariant) : "-", Num(c.P99OverPollInterval, "F2"),
            }).ToList());
            foreach (var skipped in waiting.Skipped) output.WriteLine("  skipped: " + skipped);
            if (waiting.PollingCost.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("Polling cost: GETs a wait by polling sends, against calls and operations");
                Table(output, new[] { "calls", "operations", "rounds", "GETs", "call", "roster", "operation", "GETs/round", "GETs/call/round", "GETs/operation/round" }, waiting.PollingCost.Select(c => new[]
                {
                    c.Calls.ToString(Invariant), c.Operations.ToString(Invariant), c.Rounds.ToString(Invariant), c.Gets.ToString(Invariant),
                    c.CallGets.ToString(Invariant), c.RosterGets.ToString(Invariant), c.OperationGets.ToString(Invariant),
                    Num(c.GetsPerRound, "F2"), Num(c.GetsPerCallPerRound, "F2"), Num(c.GetsPerRound / c.Operations, "F3"),
                }).ToList());
            }
        }

        output.WriteLine();
        output.WriteLine("Targets");
        Table(output, new[] { "", "target", "value", "check", "note" }, report.Targets.Select(t => new[]
        {
            t.Name, t.Target, Num(t.Value, "F3"), t.Pass switch { true => "PASS", false => "FAIL", null => "n/a" }, t.Note ?? string.Empty,
        }).ToList(), leftAlignLast: true);
        foreach (var note in report.Notes) output.WriteLine("Note: " + note);
    }

    private static void Table(TextWriter output, string[] headers, IReadOnlyList<string[]> rows, bool leftAlignLast = false)
    {
        bool Left(int i) => i == 0 || (leftAlignLast && i == headers.Length - 1);
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine("  " + string.Join("  ", headers.Select((h, i) => Left(i) ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))).TrimEnd());
        output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((v, i) => Left(i) ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))).TrimEnd());
        }
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", Invariant);

    private static string Num(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, Invariant) : "-";

    private static string Signed(double? value, string format) => value is { } v && !double.IsNaN(v) ? (v >= 0 ? "+" : "") + v.ToString(format, Invariant) : "-";
}
