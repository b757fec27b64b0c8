using CommsInvite.Core.Auth;
using CommsInvite.Core.Provisioning;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>
/// Graph APIs documented for the global service only are not asked of a national cloud. The emulator stands in for
/// one through its connection file's "cloud", so the test sees that nothing reached the server.
/// </summary>
public sealed class CloudAvailabilityTests : IClassFixture<EmulatorFixture>
{
    private const string Json = """{"graphEndpoint":"https://127.0.0.1:1","authorityHost":"https://127.0.0.1:1","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","clientId":"8f3c0a2e-5b7d-4e1a-9c6f-2d4b8e0a1c37","certificateThumbprint":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"CLOUD}""";

    private readonly EmulatorFixture _emulator;

    public CloudAvailabilityTests(EmulatorFixture emulator) => _emulator = emulator;

    [Theory]
    [InlineData(CloudEnvironment.Global, true)]
    [InlineData(CloudEnvironment.Emulator, true)]
    [InlineData(CloudEnvironment.USGov, false)]
    [InlineData(CloudEnvironment.USGovDoD, false)]
    [InlineData(CloudEnvironment.China, false)]
    public void Number_management_and_user_configurations_are_global_only(CloudEnvironment cloud, bool available)
    {
        Assert.Equal(available, GraphApiAvailability.IsAvailable(GraphApi.TelephoneNumberManagement, cloud));
        Assert.Equal(available, GraphApiAvailability.IsAvailable(GraphApi.TeamsUserConfigurations, cloud));
        if (cloud != CloudEnvironment.Emulator)
        {
            Assert.Equal(cloud, CloudEndpoints.For(cloud).ApiCloud);
        }
    }

    [Theory]
    [InlineData("", CloudEnvironment.Global)]
    [InlineData(""","cloud":"usgov" """, CloudEnvironment.USGov)]
    [InlineData(""","cloud":"USGovDoD" """, CloudEnvironment.USGovDoD)]
    [InlineData(""","cloud":"China" """, CloudEnvironment.China)]
    public void The_emulator_stands_in_for_the_cloud_its_connection_file_names(string cloudField, CloudEnvironment expected)
    {
        var info = EmulatorConnectionInfo.Parse(Json.Replace("CLOUD", cloudField), "conn.json");
        Assert.Equal(expected, info.Cloud);
        var endpoints = CloudEndpoints.ForEmulator(info);
        Assert.Equal(CloudEnvironment.Emulator, endpoints.Environment);
        Assert.Equal(expected, endpoints.ApiCloud);
    }

    [Theory]
    [InlineData(""","cloud":"Mars" """)]
    [InlineData(""","cloud":"Emulator" """)]
    public void An_unknown_cloud_in_the_connection_file_is_refused(string cloudField)
    {
        var error = Assert.Throws<CommsValidationException>(() => EmulatorConnectionInfo.Parse(Json.Replace("CLOUD", cloudField), "conn.json"));
        Assert.Equal(ErrorIds.Connection.EmulatorConnectionFileInvalid, error.ErrorId);
        Assert.Contains("USGovDoD", error.Message);
    }

    [Theory]
    [InlineData(CloudEnvironment.USGov, "TeamsGCCH")]
    [InlineData(CloudEnvironment.USGovDoD, "TeamsDOD")]
    [InlineData(CloudEnvironment.China, "TeamsChina")]
    public async Task Number_calls_on_a_national_cloud_stop_before_any_request(CloudEnvironment cloud, string teamsEnvironment)
    {
        var info = EmulatorConnectionInfo.Load(_emulator.Server.ConnectionFilePath);
        info.Cloud = cloud;
        using var connection = await GraphConnection.ConnectAsync(new ConnectionSettings
        {
            Environment = CloudEnvironment.Emulator,
            Emulator = info,
            TenantId = info.TenantId,
            ClientId = info.ClientId,
            Credential = new ClientSecretCredential(info.ClientSecret!),
        });
        var before = GraphRequests();

        var calls = new (string Command, Func<Task> Call)[]
        {
            ("Get-CsPhoneNumberAssignment", () => connection.Numbers.ListAsync(new NumberAssignmentQuery { Top = 1 })),
            ("Get-CsPhoneNumberAssignment", () => connection.Numbers.GetAsync("+12345678901")),
            ("Set-CsPhoneNumberAssignment", () => connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = "+12345678901", AssignmentTargetId = Users.Adele })),
            ("Set-CsPhoneNumberAssignment", () => connection.Numbers.UpdateAsync(new NumberUpdateRequest { TelephoneNumber = "+12345678901", LocationId = "null" })),
            ("Remove-CsPhoneNumberAssignment", () => connection.Numbers.UnassignAsync("+12345678901")),
        };
        foreach (var (command, call) in calls)
        {
            var error = await Assert.ThrowsAsync<CommsInviteException>(call);
            Assert.Equal(ErrorIds.Graph.NotAvailableInCloud, error.ErrorId);
            Assert.Equal(FailureCategory.InvalidOperation, error.Category);
            Assert.Contains($"MicrosoftTeams\\{command}", error.Message);
            Assert.Contains(teamsEnvironment, error.Message);
        }

        Assert.Equal(before, GraphRequests());

        // Licences are documented for every cloud: the same connection still reads them.
        Assert.NotEmpty(await connection.Licenses.GetSubscribedSkusAsync());
    }

    /// <summary>Every Graph request the emulator received (token requests left out).</summary>
    private long GraphRequests() =>
        _emulator.Server.State.Stats.RequestsPerRoute
            .Where(r => r.Key.Contains("/v1.0/", StringComparison.Ordinal) || r.Key.Contains("/beta/", StringComparison.Ordinal))
            .Sum(r => r.Value);
}
