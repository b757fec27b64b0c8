using System.Net.Http.Json;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>Tests that change emulator-wide settings get an emulator of their own.</summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private readonly EmulatorFixture _emulator = new();

    public Task InitializeAsync() => _emulator.InitializeAsync();

    public Task DisposeAsync() => _emulator.DisposeAsync();

    private async Task SettingsAsync(object settings)
    {
        using var admin = _emulator.Server.CreateHttpClient();
        (await admin.PostAsJsonAsync("_emulator/settings", settings)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Throttled_invites_follow_retry_after_and_each_invitee_is_invited_once()
    {
        using var connection = await _emulator.ConnectAsync();
        var calls = new Call[6];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = await InviteTests.NewGroupCallAsync(connection);
        }

        await SettingsAsync(new { throttleRatePerSecond = 3 });
        var users = Users.Extra.Concat(new[] { Users.Adele, Users.Alex, Users.Megan }).ToArray();
        var operations = await Task.WhenAll(calls.Select((call, i) => connection.Calls.InviteAsync(new InviteRequest
        {
            CallId = call.Id!,
            Participants = new[] { InvitationParticipants.User(users[i]) },
        })));

        Assert.All(operations, o => Assert.False(string.IsNullOrEmpty(o.Id)));
        Assert.True(connection.Statistics.Retries > 0, connection.Statistics.ToString());
        foreach (var (call, i) in calls.Select((c, i) => (c, i)))
        {
            var invites = _emulator.Server.State.Invites.Where(x => x.CallId == call.Id).ToList();
            Assert.Single(invites);
            Assert.Empty(invites[0].DuplicateParticipants);
        }
    }

    [Fact]
    public async Task Tokens_are_renewed_before_they_expire()
    {
        await SettingsAsync(new { tokenLifetimeSeconds = 2 });
        using var connection = await _emulator.ConnectAsync();
        var first = connection.Context.TokenExpiresOn;
        Assert.True(first < DateTimeOffset.UtcNow.AddMinutes(1));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await connection.Calls.ListCallsAsync();
        var context = await connection.RefreshContextAsync();

        Assert.True(context.TokenExpiresOn > first, "a new token was acquired");
        Assert.Equal(0, connection.Statistics.ForcedTokenRefreshes);
    }
}
