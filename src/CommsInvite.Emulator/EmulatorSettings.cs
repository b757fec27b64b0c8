namespace CommsInvite.Emulator;

/// <summary>Knobs that tests may change while the emulator runs (also through POST /_emulator/settings).</summary>
public sealed class EmulatorSettings
{
    private long _answerDelayTicks;
    private long _replicationDelayTicks;
    private long _numberOperationDelayTicks;
    private long _tokenLifetimeTicks;
    private double _throttleRatePerSecond;
    private int _numberPageSizeLimit = MaxNumberPageSize;
    private volatile string[] _trustedCallbackThumbprints = Array.Empty<string>();
    private volatile string? _autoApproveSignIns;
    private long _deviceCodeLifetimeTicks = TimeSpan.FromMinutes(15).Ticks;
    private long _deviceCodeIntervalTicks = TimeSpan.FromSeconds(1).Ticks;

    internal EmulatorSettings(EmulatorOptions options)
    {
        AnswerDelay = options.AnswerDelay;
        ReplicationDelay = options.ReplicationDelay;
        NumberOperationDelay = options.NumberOperationDelay;
        TokenLifetime = options.TokenLifetime;
    }

    /// <summary>Ringing time of an invitee before it answers (or declines).</summary>
    public TimeSpan AnswerDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _answerDelayTicks));
        set => Interlocked.Exchange(ref _answerDelayTicks, Math.Max(0, value.Ticks));
    }

    public TimeSpan ReplicationDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _replicationDelayTicks));
        set => Interlocked.Exchange(ref _replicationDelayTicks, Math.Max(0, value.Ticks));
    }

    public TimeSpan NumberOperationDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _numberOperationDelayTicks));
        set => Interlocked.Exchange(ref _numberOperationDelayTicks, Math.Max(0, value.Ticks));
    }

    public TimeSpan TokenLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _tokenLifetimeTicks));
        set => Interlocked.Exchange(ref _tokenLifetimeTicks, Math.Max(TimeSpan.TicksPerSecond, value.Ticks));
    }

    /// <summary>The largest page of numberAssignments Graph documents (and the default limit).</summary>
    public const int MaxNumberPageSize = 1000;

    /// <summary>
    /// The most numbers one numberAssignments page holds, whatever $top asks (1..1000; Graph's is 1000). Lowering it
    /// makes a client meet pages shorter than its $top, which a service is free to send.
    /// </summary>
    public int NumberPageSizeLimit
    {
        get => Volatile.Read(ref _numberPageSizeLimit);
        set => Volatile.Write(ref _numberPageSizeLimit, Math.Clamp(value, 1, MaxNumberPageSize));
    }

    /// <summary>Invite POSTs allowed per second (token bucket, burst = one second's worth); 0 = unlimited.</summary>
    public double ThrottleRatePerSecond
    {
        get => Volatile.Read(ref _throttleRatePerSecond);
        set => Volatile.Write(ref _throttleRatePerSecond, Math.Max(0, value));
    }

    /// <summary>SHA-1 thumbprints of self-signed certificates trusted on https callback URIs (loopback test receivers).</summary>
    public IReadOnlyList<string> TrustedCallbackThumbprints
    {
        get => _trustedCallbackThumbprints;
        set => _trustedCallbackThumbprints = value.Select(t => t.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant()).ToArray();
    }

    /// <summary>A user id: every device code and browser sign-in is approved as that user at once (null: wait for approval).</summary>
    public string? AutoApproveSignIns
    {
        get => _autoApproveSignIns;
        set => _autoApproveSignIns = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>How long a device code can be approved (the identity platform: 15 minutes).</summary>
    public TimeSpan DeviceCodeLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _deviceCodeLifetimeTicks));
        set => Interlocked.Exchange(ref _deviceCodeLifetimeTicks, Math.Max(TimeSpan.TicksPerSecond, value.Ticks));
    }

    /// <summary>The polling interval a device code names (the identity platform says 5 s; 1 s here keeps tests short).</summary>
    public TimeSpan DeviceCodeInterval
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _deviceCodeIntervalTicks));
        set => Interlocked.Exchange(ref _deviceCodeIntervalTicks, Math.Max(TimeSpan.TicksPerSecond, value.Ticks));
    }
}
