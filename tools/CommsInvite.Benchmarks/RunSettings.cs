namespace CommsInvite.Benchmarks;

/// <summary>Counts for a run: the full run (about a minute or two on 2 cores) or --quick (a smoke test of a few seconds).</summary>
internal sealed record RunSettings
{
    public required bool Quick { get; init; }
    public int UsersPerCall { get; init; }
    /// <summary>Warm-up invites per client at least (the whole warm-up when <see cref="MaxPerInviteWarmup"/> is null).</summary>
    public int PerInviteWarmup { get; init; }

    /// <summary>
    /// When set, the warm-up goes on in rounds until the JIT has settled, up to this many invites per client: tiered
    /// compilation recompiles hot code for several seconds, and blocks measured before it settles measure the JIT
    /// rather than the client. Null for a fixed warm-up (a smoke run).
    /// </summary>
    public int? MaxPerInviteWarmup { get; init; }
    public int PerInviteMeasured { get; init; }
    public int BlockSize { get; init; }
    public int BulkCalls { get; init; }
    public int BulkInvitesPerCall { get; init; }
    public int BulkConcurrency { get; init; }
    public double BulkRatePerSecond { get; init; }
    public TimeSpan PollInterval { get; init; }
    public int WaitPollSamples { get; init; }
    public int WaitNotificationSamples { get; init; }
    public int WaitEnginePollSamples { get; init; }
    public int WaitEngineNotificationSamples { get; init; }
    public bool IncludeEngine { get; init; } = true;
    public bool Diagnose { get; init; }

    public static RunSettings Full => new()
    {
        Quick = false,
        UsersPerCall = 25,
        PerInviteWarmup = 300,
        MaxPerInviteWarmup = 12000,
        PerInviteMeasured = 2000,
        BlockSize = 50,
        BulkCalls = 200,
        BulkInvitesPerCall = 5,
        BulkConcurrency = 16,
        BulkRatePerSecond = 100,
        PollInterval = TimeSpan.FromMilliseconds(250),
        WaitPollSamples = 30,
        WaitNotificationSamples = 50,
        WaitEnginePollSamples = 15,
        WaitEngineNotificationSamples = 30,
    };

    public static RunSettings QuickRun => new()
    {
        Quick = true,
        UsersPerCall = 10,
        PerInviteWarmup = 20,
        PerInviteMeasured = 40,
        BlockSize = 10,
        BulkCalls = 20,
        BulkInvitesPerCall = 5,
        BulkConcurrency = 8,
        BulkRatePerSecond = 50,
        PollInterval = TimeSpan.FromMilliseconds(250),
        WaitPollSamples = 3,
        WaitNotificationSamples = 5,
        WaitEnginePollSamples = 2,
        WaitEngineNotificationSamples = 3,
    };
}
