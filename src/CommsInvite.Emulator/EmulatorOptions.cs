using Microsoft.Extensions.Logging;

namespace CommsInvite.Emulator;

/// <summary>How to start an emulator. Every property has a default that suits tests.</summary>
public sealed class EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Where to write the connection file; null writes it into a new temporary folder.</summary>
    public string? ConnectionFilePath { get; set; }

    /// <summary>Time an invitee takes to answer (ringing → joined, operation completed).</summary>
    public TimeSpan AnswerDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time a new application instance takes to replicate (sync answers 202 until then).</summary>
    public TimeSpan ReplicationDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time a phone number assignment operation takes.</summary>
    public TimeSpan NumberOperationDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Lifetime of issued access tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public string TenantId { get; set; } = EmulatorDefaults.TenantId;

    /// <summary>Minimum level of the server's own log output (console); warnings by default.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}
