namespace CommsInvite.Emulator.Hosting;

/// <summary>What every route handler needs: keys, state, and the server's own address once it is bound.</summary>
internal sealed class EmulatorContext
{
    public EmulatorContext(EmulatorKeys keys, EmulatorState state, FaultInjector faults, string managedIdentityHeader)
    {
        Keys = keys;
        State = state;
        Faults = faults;
        ManagedIdentityHeader = managedIdentityHeader;
    }

    public EmulatorKeys Keys { get; }
    public EmulatorState State { get; }
    public FaultInjector Faults { get; }
    public string ManagedIdentityHeader { get; }

    /// <summary>https://127.0.0.1:PORT (no trailing slash); set right after Kestrel has bound its port.</summary>
    public string BaseUrl { get; set; } = "https://127.0.0.1";

    /// <summary>Stops background work (operation timers, notification delivery) when the server stops.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Delivers notifications to callback URIs (created when the app is configured).</summary>
    public Graph.NotificationSender Notifier { get; set; } = null!;

    /// <summary>Token bucket of invite POSTs (settings.throttleRatePerSecond).</summary>
    public Graph.TokenBucket InviteBucket { get; } = new();

    public string Issuer => $"{BaseUrl}/{State.TenantId}/v2.0";
    public string TokenEndpoint => $"{BaseUrl}/{State.TenantId}/oauth2/v2.0/token";
}
