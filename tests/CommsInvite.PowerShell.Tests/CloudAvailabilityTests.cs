using System.Management.Automation;
using System.Text.Json.Nodes;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// The number cmdlets on a connection to a national cloud, where Graph has no telephone number management: each stops
/// with a terminating NotAvailableInCloud that names MicrosoftTeams' cmdlet, and no request reaches the server. The
/// emulator stands in for the cloud through its connection file's "cloud".
/// </summary>
public sealed class CloudAvailabilityTests : IClassFixture<EmulatorFixture>
{
    private static readonly string[] NumberCommands =
    {
        "Get-CsPhoneNumberAssignment -Top 1",
        "Get-CsPhoneNumberAssignment -TelephoneNumber +12345678901",
        "Set-CsPhoneNumberAssignment -Identity bot@contoso.onmicrosoft.com -TelephoneNumber +12345678901 -NumberType CallingPlan",
        "Set-CsPhoneNumberAssignment -TelephoneNumber +12345678901 -LocationId null",
        "Remove-CsPhoneNumberAssignment -Identity bot@contoso.onmicrosoft.com -RemoveAll",
        "Set-CsOnlineVoiceApplicationInstance -Identity bot@contoso.onmicrosoft.com -TelephoneNumber +12345678901",
    };

    private readonly EmulatorFixture _emulator;

    public CloudAvailabilityTests(EmulatorFixture emulator) => _emulator = emulator;

    [Theory]
    [InlineData("USGov", "TeamsGCCH")]
    [InlineData("USGovDoD", "TeamsDOD")]
    [InlineData("China", "TeamsChina")]
    public void NumberCmdlets_OnANationalCloud_StopBeforeAnyRequest_NamingMicrosoftTeams(string cloud, string teamsEnvironment)
    {
        var file = StandInConnectionFile(cloud);
        try
        {
            using var session = new PowerShellSession();
            session.ImportModule();
            session.Run("Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -ErrorAction Stop", file).ThrowOnError();
            var before = GraphRequests();

            foreach (var command in NumberCommands)
            {
                // Terminating: -ErrorAction SilentlyContinue does not hide it, try/catch catches it, nothing after it runs.
                var result = session.Run($"try {{ {command} -ErrorAction SilentlyContinue; 'went on' }} catch {{ $_ }}");
                Assert.Empty(result.AllErrors);
                var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
                Assert.StartsWith("NotAvailableInCloud,", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
                var name = command.Split(' ')[0];
                Assert.Contains($"MicrosoftTeams\\{name}", error.Exception.Message);
                Assert.Contains(teamsEnvironment, error.Exception.Message);
            }

            Assert.Equal(before, GraphRequests());

            // What the cloud does have is still asked of it on the same connection.
            session.Run("$null = Get-CsOnlineApplicationInstance -ErrorAction Stop").ThrowOnError();
            Assert.True(GraphRequests() > before);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NumberCmdlets_OnTheGlobalService_AreSent()
    {
        using var session = _emulator.ConnectedSession();
        var result = session.Run("Get-CsPhoneNumberAssignment -Top 1").ThrowOnError();
        Assert.Single(result.Output);
    }

    /// <summary>A copy of the emulator's connection file that says it stands in for <paramref name="cloud"/>.</summary>
    private string StandInConnectionFile(string cloud)
    {
        var json = JsonNode.Parse(File.ReadAllText(_emulator.ConnectionFile))!.AsObject();
        json["cloud"] = cloud;
        var path = Path.Combine(Path.GetTempPath(), $"commsinvite-{cloud}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private long GraphRequests() =>
        _emulator.Server.State.Stats.RequestsPerRoute
            .Where(r => r.Key.Contains("/v1.0/", StringComparison.Ordinal) || r.Key.Contains("/beta/", StringComparison.Ordinal))
            .Sum(r => r.Value);
}
