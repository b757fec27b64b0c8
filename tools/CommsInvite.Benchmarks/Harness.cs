using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommsInvite.Core;
using CommsInvite.Core.Auth;
using CommsInvite.Emulator;

namespace CommsInvite.Benchmarks;

/// <summary>
/// An emulator, in this process or in a child process, plus what every benchmark needs from it: a pinned HTTP
/// handler, seeded calls and users, tokens from its token endpoint, and a connection of CommsInvite's core client.
/// </summary>
/// <remarks>
/// The per-invite figures use a child process: CPU time and allocations can only be read per process, and with the
/// emulator in the same process they would carry its work for every request as well as the client's.
/// </remarks>
internal sealed class Harness : IAsyncDisposable
{
    private readonly HttpClient _admin;
    private readonly EmulatorServer? _server;
    private readonly Process? _process;

    private Harness(EmulatorServer? server, Process? process, string connectionFilePath)
    {
        _server = server;
        _process = process;
        ConnectionFilePath = connectionFilePath;
        Connection = EmulatorConnectionInfo.Load(connectionFilePath);
        BaseUri = new Uri(Connection.GraphEndpoint.AbsoluteUri.TrimEnd('/') + "/");
        _admin = new HttpClient(CreatePinnedHandler()) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The in-process emulator, whose state the bulk and waiting benchmarks read directly.</summary>
    public EmulatorServer Server => _server ?? throw new InvalidOperationException("This emulator runs in a child process; its state cannot be read from here.");

    public EmulatorConnectionInfo Connection { get; }

    public string ConnectionFilePath { get; }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; }

    /// <summary>https://127.0.0.1:PORT/v1.0/</summary>
    public Uri GraphV1 => new(BaseUri, "v1.0/");

    public static async Task<Harness> StartAsync()
    {
        var server = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Port = 0,
            AnswerDelay = TimeSpan.Zero,
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error,
        });
        return new Harness(server, null, server.ConnectionFilePath);
    }

    /// <summary>Starts the emulator's command line (copied beside this program by the project reference) and waits until it listens.</summary>
    public static async Task<Harness> StartInChildProcessAsync(CancellationToken cancellationToken)
    {
        // A directory of its own: the emulator writes its client certificate beside the connection file.
        var directory = Directory.CreateTempSubdirectory("commsinvite-bench-").FullName;
        var connectionFile = Path.Combine(directory, "emulator.json");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "CommsInvite.Emulator.dll"), "--port", "0", "--connection-file", connectionFile, "--answer-delay-ms", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the emulator.");
        try
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The emulator exited before listening: {await errors}");
                if (line.StartsWith("Listening on ", StringComparison.Ordinal))
                {
                    break;
                }
            }

            // Keep draining its output so that it never blocks on a full pipe.
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            return new Harness(null, process, connectionFile);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A handler that trusts the emulator's certificate by its thumbprint and nothing else.</summary>
    public SocketsHttpHandler CreatePinnedHandler()
    {
        var thumbprint = Connection.CertificateThumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (certificate is not null && EmulatorServer.ThumbprintMatches(certificate, thumbprint)),
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
    }

    /// <summary>The same pin on an HttpClientHandler (what a netstandard2.0 library such as the core can build).</summary>
    public HttpClientHandler CreatePinnedHttpClientHandler()
    {
        var thumbprint = Connection.CertificateThumbprint;
        return new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || (certificate is not null && EmulatorServer.ThumbprintMatches(certificate, thumbprint)),
        };
    }

    /// <summary>Core's connection to the emulator with its client secret, as Connect-CsGraph -Environment Emulator makes it.</summary>
    public Task<GraphConnection> ConnectCoreAsync(Core.Http.RetryPolicy? policy = null)
    {
        var settings = ConnectionSettings.ForEmulator(Connection, new ClientSecretCredential(Connection.ClientSecret!));
        if (policy is not null)
        {
            settings.RetryPolicy = policy;
        }

        return GraphConnection.ConnectAsync(settings);
    }

    /// <summary>Registers <paramref name="count"/> directory users (known invitees that answer) and returns their ids.</summary>
    public async Task<IReadOnlyList<string>> RegisterUsersAsync(int count, string prefix)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString();
            using var response = await _admin.PostAsJsonAsync("_emulator/users", new
            {
                id,
                userPrincipalName = $"{prefix}{i}@contoso.onmicrosoft.com",
                displayName = $"Bench {prefix} {i}",
                usageLocation = "US",
            });
            response.EnsureSuccessStatusCode();
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Seeds group calls with a chatInfo (already established); no callbackUri unless given, so no notification traffic.</summary>
    public async Task<IReadOnlyList<string>> SeedCallsAsync(int count, string? callbackUri = null)
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString();
            var body = new JsonObject
            {
                ["id"] = id,
                ["peerToPeer"] = false,
                ["chatInfo"] = new JsonObject { ["threadId"] = $"19:meeting_{id:N}@thread.v2", ["messageId"] = "0" },
            };
            if (callbackUri is not null)
            {
                body["callbackUri"] = callbackUri;
            }

            using var response = await _admin.PostAsJsonAsync("_emulator/calls", body);
            response.EnsureSuccessStatusCode();
            ids.Add(id);
        }

        return ids;
    }

    public async Task SetThrottleRateAsync(double invitesPerSecond)
    {
        using var response = await _admin.PostAsJsonAsync("_emulator/settings", new { throttleRatePerSecond = invitesPerSecond });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>An access token from the emulator's token endpoint (client credentials), the way any Graph client gets one.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresOn)> FetchTokenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(BaseUri, $"{Connection.TenantId}/oauth2/v2.0/token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Connection.ClientId,
            ["client_secret"] = Connection.ClientSecret!.Reveal(),
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        using var response = await http.PostAsync(endpoint, content, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var token = json.RootElement.GetProperty("access_token").GetString()!;
        var expiresIn = json.RootElement.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : 3600;
        return (token, DateTimeOffset.UtcNow.AddSeconds(expiresIn));
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            Directory.Delete(Path.GetDirectoryName(ConnectionFilePath)!, recursive: true);
        }
    }
}
