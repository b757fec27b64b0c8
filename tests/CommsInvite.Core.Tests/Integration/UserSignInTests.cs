using System.Collections.Concurrent;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Provisioning;
using CommsInvite.Emulator;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>A user's connection through real MSAL against an emulator of its own (its settings change here).</summary>
public sealed class UserSignInTests
{
    [Fact]
    public async Task Device_code_sign_in_then_silent_renewal_then_sign_out()
    {
        // Tokens shorter than the renewal margin: every request renews through MSAL's refresh token.
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromSeconds(60) });
        server.State.Settings.AutoApproveSignIns = EmulatorDefaults.AdminUserId;
        var prompts = new ConcurrentQueue<string>();
        var settings = ConnectionSettings.ForEmulator(
            EmulatorConnectionInfo.Load(server.ConnectionFilePath),
            new DelegatedCredential(UserSignInKind.DeviceCode, new[] { "TeamsUserConfiguration.Read.All" }, prompts.Enqueue));

        using var connection = await GraphConnection.ConnectAsync(settings);

        Assert.Single(prompts);
        Assert.Equal("DeviceCode", connection.Context.AuthType);
        Assert.True(connection.Context.IsDelegated);
        Assert.Equal("admin@contoso.onmicrosoft.com", connection.Context.Account);
        Assert.Equal(EmulatorDefaults.PublicClientId, connection.Context.ClientId);
        Assert.Contains("TeamsUserConfiguration.Read.All", connection.Context.Scopes);
        Assert.Empty(connection.Context.Roles);

        var issued = server.State.Stats.TokensIssued;
        for (var i = 0; i < 2; i++)
        {
            var numbers = await connection.Numbers.ListAsync(new NumberAssignmentQuery { Top = 1 });
            Assert.Single(numbers);
        }

        Assert.True(server.State.Stats.TokensIssued >= issued + 2, "each request past the renewal margin renews silently");

        await connection.SignOutAsync();
        var ex = await Assert.ThrowsAsync<CommsInviteException>(() => connection.RefreshContextAsync(forceRefresh: true));
        Assert.Equal(ErrorIds.Connection.SignInExpired, ex.ErrorId);
    }

    [Fact]
    public void Default_scopes_are_the_provisioning_ones_and_qualified_by_the_cloud()
    {
        var credential = new DelegatedCredential(UserSignInKind.Interactive, new[] { "user.readwrite.all", "TeamsUserConfiguration.Read.All" });
        Assert.Equal(new[] { "LicenseAssignment.ReadWrite.All", "TeamsTelephoneNumber.ReadWrite.All", "User.ReadWrite.All", "TeamsUserConfiguration.Read.All" }, credential.Scopes);
        Assert.All(credential.QualifiedScopes("https://graph.microsoft.us"), s => Assert.StartsWith("https://graph.microsoft.us/", s, StringComparison.Ordinal));
        var bad = Assert.Throws<CommsValidationException>(() => new DelegatedCredential(UserSignInKind.DeviceCode, new[] { "User.Read All" }));
        Assert.Equal("Scopes", bad.ParameterName);
        Assert.Equal("Interactive", credential.AuthType);
    }
}
