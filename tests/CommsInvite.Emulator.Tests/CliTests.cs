using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>The emulator as a process, as Pester tests and the README's demo start it.</summary>
public sealed class CliTests
{
    private static string EmulatorDll => Path.Combine(AppContext.BaseDirectory, "CommsInvite.Emulator.dll");

    [Fact]
    public async Task Cli_PrintsConnectionFilePath_AndServesUntilStopped()
    {
        var directory = Path.Combine(Path.GetTempPath(), "CommsInvite.Emulator.Tests", Guid.NewGuid().ToString("N"));
        var connectionFile = Path.Combine(directory, "emu.json");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { EmulatorDll, "--port", "0", "--connection-file", connectionFile, "--answer-delay-ms", "50", "--replication-delay-ms", "0" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Equal($"Connection file: {connectionFile}", first);
            var second = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.StartsWith("Listening on https://127.0.0.1:", second);

            // Closing stdin is not a stop.
            process.StandardInput.Close();
            var connection = JsonNode.Parse(await File.ReadAllTextAsync(connectionFile, timeout.Token))!;
            var baseUri = new Uri(connection["graphEndpoint"]!.GetValue<string>() + "/");
            Assert.Equal(second!["Listening on ".Length..], baseUri.GetLeftPart(UriPartial.Authority));
            using var http = TestHttp.PinnedClient(baseUri, connection["certificateThumbprint"]!.GetValue<string>());
            using var response = await http.GetAsync("/", timeout.Token);
            Assert.True(response.IsSuccessStatusCode);
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Cli_RejectsBadArguments()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { EmulatorDll, "--port", "-1" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--port", error);
    }
}
