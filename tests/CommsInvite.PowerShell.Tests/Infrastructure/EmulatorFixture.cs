using System.Net;
using System.Security;
using CommsInvite.Emulator;
using Xunit;

namespace CommsInvite.PowerShell.Tests.Infrastructure;

/// <summary>One real emulator (HTTPS on 127.0.0.1, free port) shared by the tests of a collection.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private EmulatorServer? _server;

    public EmulatorServer Server => _server ?? throw new InvalidOperationException("The emulator has not started.");

    public string ConnectionFile => Server.ConnectionFilePath;

    /// <summary>Where the bot would get notifications: a loopback port nobody listens on (delivery failures are not fatal).</summary>
    public string CallbackUri => "http://127.0.0.1:9/callback";

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Port = 0,
            AnswerDelay = TimeSpan.FromMilliseconds(200),
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A PowerShell session with the module imported and connected with the connection file's secret.</summary>
    public PowerShellSession ConnectedSession()
    {
        var session = new PowerShellSession();
        session.ImportModule();
        session.Run("Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -ErrorAction Stop", ConnectionFile).ThrowOnError();
        session.SetVariable("callbackUri", CallbackUri);
        return session;
    }

    public long InviteRequests() => Server.State.Stats.InvitesReceived;

    public long CallRequests() =>
        Server.State.Stats.RequestsPerRoute.Where(r => r.Key.StartsWith("POST", StringComparison.Ordinal) && r.Key.Contains("/communications/calls", StringComparison.Ordinal)).Sum(r => r.Value);

    public static SecureString Secure(string value) => new NetworkCredential(string.Empty, value).SecurePassword;
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Emulator";
}
