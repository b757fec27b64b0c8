using System.Collections.Concurrent;
using CommsInvite.Core.Auth;
using CommsInvite.Emulator;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>Collects what the core logs, so tests can assert on it (and on what it must never contain).</summary>
internal sealed class RecordingLogSink : ILogSink
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public void Verbose(string message) => Messages.Enqueue("VERBOSE: " + message);

    public void Debug(string message) => Messages.Enqueue("DEBUG: " + message);

    public void Warning(string message) => Messages.Enqueue("WARNING: " + message);

    public string All => string.Join(Environment.NewLine, Messages);
}

/// <summary>A real emulator on 127.0.0.1 (HTTPS, signed tokens) started in-process.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    internal EmulatorConnectionInfo Connection { get; private set; } = null!;

    public TimeSpan AnswerDelay { get; init; } = TimeSpan.FromMilliseconds(150);

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, AnswerDelay = AnswerDelay, ReplicationDelay = TimeSpan.FromMilliseconds(300) });
        Connection = EmulatorConnectionInfo.Load(Server.ConnectionFilePath);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal ConnectionSettings SecretSettings(Http.RetryPolicy? policy = null) => new()
    {
        Environment = CloudEnvironment.Emulator,
        Emulator = Connection,
        TenantId = Connection.TenantId,
        ClientId = Connection.ClientId,
        Credential = new ClientSecretCredential(Connection.ClientSecret!),
        RetryPolicy = policy ?? Http.RetryPolicy.Default with { BaseDelay = TimeSpan.FromMilliseconds(50) },
    };

    internal Task<GraphConnection> ConnectAsync(ILogSink? log = null, Http.RetryPolicy? policy = null) =>
        GraphConnection.ConnectAsync(SecretSettings(policy), log);
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulator";
}

internal static class Users
{
    public const string Adele = "278405a3-f568-4b3e-b684-009193463064";
    public const string Alex = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe";
    public const string Megan = "1e126418-44a0-4a94-a6f8-0efe1ad71acb";

    public static IReadOnlyList<string> Extra => EmulatorDefaults.ExtraUserIds;

    public const string Declining = EmulatorDefaults.DecliningUserId;
}
