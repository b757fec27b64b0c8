namespace CommsInvite.Benchmarks;

/// <summary>Everything one run measured; written as JSON (camelCase) to the --out file.</summary>
internal sealed class BenchmarkReport
{
    public string Tool { get; init; } = "CommsInvite.Benchmarks";
    public required string Mode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required MachineInfo Machine { get; init; }
    public PerInviteResult? PerInvite { get; set; }
    public BulkResult? Bulk { get; set; }
    public WaitResult? Waiting { get; set; }
    public List<TargetCheck> Targets { get; } = new();
    public List<string> Notes { get; } = new();
    public double TotalSeconds { get; set; }
}

internal sealed record MachineInfo(int ProcessorCount, string Os, string Runtime, string MicrosoftGraphVersion, string PowerShellVersion);

internal sealed class ClientResult
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public required int Invites { get; init; }
    public required LatencySummary Latency { get; init; }
    public required double CpuMicrosecondsPerInvite { get; init; }
    public required double BytesPerInvite { get; init; }

    /// <summary>CPU per invite minus the raw client's: the client-side difference (the emulator's share cancels).</summary>
    public double? CpuMicrosecondsAboveRaw { get; set; }

    public double? BytesAboveRaw { get; set; }
}

internal sealed record RatioSet(double MedianLatency, double P99Latency, double CpuPerInvite, double BytesPerInvite, double? CpuAboveRaw = null, double? BytesAboveRaw = null);

internal sealed class PerInviteResult
{
    public required int WarmupPerClient { get; init; }

    /// <summary>
    /// False when the warm-up stopped at its bound with the JIT still compiling (figures then include it); null for a
    /// fixed warm-up (--quick), which does not wait for the JIT.
    /// </summary>
    public required bool? JitSettled { get; init; }

    /// <summary>Methods the JIT compiled, and its time, while the measured blocks ran (process-wide).</summary>
    public required long JitMethodsWhileMeasuring { get; init; }

    public required double JitMillisecondsWhileMeasuring { get; init; }
    public required int MeasuredPerClient { get; init; }
    public required int BlockSize { get; init; }
    public required string Method { get; init; }
    public List<ClientResult> Clients { get; } = new();

    /// <summary>"core/graphSdk", "core/raw", "engine/core", ...</summary>
    public Dictionary<string, RatioSet> Ratios { get; } = new();
}

internal sealed class BulkResult
{
    public required int Invites { get; init; }
    public required int Calls { get; init; }
    public required int Concurrency { get; init; }
    public required bool ThrottleAvailable { get; init; }
    public required double AllowedRatePerSecond { get; init; }
    public double ElapsedSeconds { get; set; }
    public double AchievedPerSecond { get; set; }
    public double AchievedOverAllowed { get; set; }
    public int Lost { get; set; }
    public int Duplicated { get; set; }
    public int FailedCalls { get; set; }
    public long Throttled429 { get; set; }
    public long Retries { get; set; }
    public long InvitePostsReceived { get; set; }
    public List<string> FailureSamples { get; } = new();
}

internal sealed class WaitCase
{
    public required string Key { get; init; }
    public required string Name { get; init; }
    public required string Strategy { get; init; }
    public double? PollIntervalMs { get; init; }
    public required LatencySummary Latency { get; init; }

    /// <summary>For polling: p99 latency divided by the poll interval (≤ 1 means within one interval).</summary>
    public double? P99OverPollInterval { get; init; }

    public int NotCompleted { get; init; }
}

/// <summary>GETs a wait by polling sent, against the number of calls and of operations (PollingCostBenchmark).</summary>
internal sealed class PollingCostCase
{
    public required int Calls { get; init; }
    public required int Operations { get; init; }

    /// <summary>Poll intervals the wait touched: an upper bound on its polling rounds.</summary>
    public required int Rounds { get; init; }

    public required long Gets { get; init; }
    public required long CallGets { get; init; }
    public required long RosterGets { get; init; }
    public required long OperationGets { get; init; }
    public required double GetsPerRound { get; init; }
    public required double GetsPerCallPerRound { get; init; }
    public required double ElapsedSeconds { get; init; }
    public required int Completed { get; init; }
}

internal sealed class WaitResult
{
    public required string Method { get; init; }
    public List<WaitCase> Cases { get; } = new();
    public List<PollingCostCase> PollingCost { get; } = new();
    public List<string> Skipped { get; } = new();
}

internal sealed record TargetCheck(string Name, string Target, double? Value, bool? Pass, string? Note = null);
