using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task StartAsync_WritesConnectionFileWithEveryField_AndServesPinnedHttps()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        Assert.True(File.Exists(emulator.ConnectionFilePath));
        var file = JsonNode.Parse(await File.ReadAllTextAsync(emulator.ConnectionFilePath))!.AsObject();
        foreach (var name in new[] { "graphEndpoint", "authorityHost", "tenantId", "clientId", "clientSecret", "certificateThumbprint",
                     "managedIdentityEndpoint", "managedIdentityHeader", "clientCertificatePath", "clientCertificatePassword",
                     "clientCertificateThumbprint", "notificationOpenIdConfiguration", "notificationIssuer", "adminEndpoint" })
        {
            Assert.False(string.IsNullOrEmpty(file[name]?.GetValue<string>()), $"connection file lacks {name}");
        }
        Assert.Equal($"https://127.0.0.1:{emulator.BaseUri.Port}", file["graphEndpoint"]!.GetValue<string>());
        Assert.True(File.Exists(file["clientCertificatePath"]!.GetValue<string>()));
        Assert.NotEqual(0, emulator.BaseUri.Port);

        using var http = TestHttp.PinnedClient(emulator);
        using var response = await http.GetAsync("/");
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task DefaultCertificateValidation_RejectsTheSelfSignedCertificate()
    {
        await using var emulator = await EmulatorServer.StartAsync();
        using var http = new HttpClient { BaseAddress = emulator.BaseUri };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/"));
    }

    [Fact]
    public async Task PinnedClient_WithAnotherThumbprint_IsRejected()
    {
        await using var emulator = await EmulatorServer.StartAsync();
        using var http = TestHttp.PinnedClient(emulator.BaseUri, new string('A', 40));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/"));
    }

    [Fact]
    public async Task Dispose_RemovesTemporaryConnectionFile()
    {
        var emulator = await EmulatorServer.StartAsync();
        var path = emulator.ConnectionFilePath;
        await emulator.DisposeAsync();
        Assert.False(File.Exists(path));
    }
}
