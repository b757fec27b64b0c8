using System.Net.Http.Json;
using System.Text.Json;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Calls;
using CommsInvite.Emulator;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

[Collection(EmulatorCollection.Name)]
public sealed class SecretLeakTests
{
    private readonly EmulatorFixture _emulator;

    public SecretLeakTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public async Task A_canary_secret_and_tokens_never_reach_logs_errors_or_the_context()
    {
        var clientId = Guid.NewGuid().ToString();
        const string canary = "Canary-Client-Secret-7f3e9b";
        using (var admin = _emulator.Server.CreateHttpClient())
        {
            (await admin.PostAsJsonAsync("_emulator/clients", new { clientId, clientSecret = canary, roles = EmulatorDefaults.DevClientRoles })).EnsureSuccessStatusCode();
        }

        var log = new RecordingLogSink();
        var settings = _emulator.SecretSettings();
        settings.ClientId = clientId;
        settings.Credential = new ClientSecretCredential(new SecretString(canary));
        using var connection = await GraphConnection.ConnectAsync(settings, log);

        var call = await InviteTests.NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Adele) } });
        await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(15), PollInterval = TimeSpan.FromMilliseconds(100) });
        var error = await Assert.ThrowsAsync<GraphServiceException>(() => connection.Calls.GetCallAsync(Guid.NewGuid().ToString()));
        var badSettings = _emulator.SecretSettings();
        badSettings.ClientId = clientId;
        badSettings.Credential = new ClientSecretCredential(new SecretString(canary + "-wrong"));
        var authError = await Assert.ThrowsAsync<CommsInviteException>(() => GraphConnection.ConnectAsync(badSettings, log));

        var token = (await GetTokenTextAsync(connection)).Substring(0, 40);
        var surfaces = new[]
        {
            log.All,
            error.ToString(),
            authError.ToString(),
            connection.Context.ToString(),
            JsonSerializer.Serialize(connection.Context),
            settings.Credential.ToString()!,
            JsonSerializer.Serialize(settings.Credential, settings.Credential.GetType()),
        };
        Assert.NotEmpty(log.Messages);
        foreach (var surface in surfaces)
        {
            Assert.DoesNotContain("Canary-Client-Secret", surface);
            Assert.DoesNotContain(token, surface);
            Assert.DoesNotContain(_emulator.Connection.ClientCertificatePassword!.Reveal(), surface);
        }
    }

    [Fact]
    public async Task Certificate_password_stays_out_of_errors_and_logs()
    {
        var info = _emulator.Connection;
        var log = new RecordingLogSink();
        var wrong = Assert.Throws<CommsValidationException>(() => CertificateCredential.FromFile(info.ClientCertificatePath!, new SecretString("Canary-Pfx-Password-1")));
        Assert.DoesNotContain("Canary-Pfx-Password-1", wrong.ToString());

        var settings = _emulator.SecretSettings();
        settings.Credential = CertificateCredential.FromFile(info.ClientCertificatePath!, info.ClientCertificatePassword);
        using var connection = await GraphConnection.ConnectAsync(settings, log);
        await connection.Calls.ListCallsAsync();

        Assert.DoesNotContain(info.ClientCertificatePassword!.Reveal(), log.All);
        Assert.DoesNotContain(info.ClientCertificatePassword.Reveal(), settings.Credential.ToString());
    }

    // The token itself, read the way the HTTP layer does, only to prove it is not logged.
    private static async Task<string> GetTokenTextAsync(GraphConnection connection)
    {
        return (await connection.Tokens.GetTokenAsync(false, default)).Token;
    }
}
