using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CommsInvite.Emulator.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CommsInvite.Emulator;

/// <summary>A running emulator of Microsoft Graph (identity, calls, provisioning, faults) on https://127.0.0.1.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorContext _context;
    private readonly string? _temporaryDirectory;
    private int _disposed;

    private EmulatorServer(WebApplication app, EmulatorContext context, EmulatorConnectionFile connection, string connectionFilePath, string? temporaryDirectory)
    {
        _app = app;
        _context = context;
        Connection = connection;
        ConnectionFilePath = connectionFilePath;
        _temporaryDirectory = temporaryDirectory;
        BaseUri = new Uri(context.BaseUrl + "/");
    }

    /// <summary>What the connection file holds.</summary>
    public EmulatorConnectionFile Connection { get; }

    public string ConnectionFilePath { get; }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; }

    public int Port => BaseUri.Port;

    /// <summary>Calls, rosters, invites seen, notifications sent, users, numbers, settings and stats.</summary>
    public EmulatorState State => _context.State;

    /// <summary>Fault injection rules.</summary>
    public FaultInjector Faults => _context.Faults;

    /// <summary>The TLS certificate's SHA-1 thumbprint (hex, upper case).</summary>
    public string CertificateThumbprint => _context.Keys.TlsThumbprint;

    /// <summary>
    /// The key the emulator signs its notification tokens with (its public half is served under /aps/v1/keys). Kept
    /// internal: only the emulator and its own test projects may sign tokens as the emulator does.
    /// </summary>
    internal Microsoft.IdentityModel.Tokens.RsaSecurityKey NotificationSigningKey => _context.Keys.NotificationSigningKey;

    /// <summary>Starts an emulator and writes its connection file.</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        if (options.Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(options), "Port must be 0..65535.");
        if (!Guid.TryParse(options.TenantId, out _)) throw new ArgumentException("TenantId must be a GUID.", nameof(options));

        var keys = EmulatorKeys.Create(options.ReuseProcessKeys);
        var state = new EmulatorState(options, EmulatorDefaults.ClientSecret, keys.ClientCertificate);
        var context = new EmulatorContext(keys, state, new FaultInjector(), RandomToken(24));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = Array.Empty<string>(),
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        // Start failures reach the caller as exceptions (the CLI prints one line); no stack trace in the log too.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var tlsContext = keys.TlsContext;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = tlsContext,
                    EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                }),
            }));
        });
        builder.Services.AddSingleton(context);

        var app = builder.Build();
        EmulatorApplication.Configure(app, context);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            keys.Dispose();
            throw;
        }

        try
        {
            return WriteConnectionFile(app, context, keys, state, options);
        }
        catch
        {
            // Bound and serving but unusable without its connection file: stop it rather than leak it.
            await context.Stopping.CancelAsync().ConfigureAwait(false);
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            keys.Dispose();
            throw;
        }
    }

    private static EmulatorServer WriteConnectionFile(WebApplication app, EmulatorContext context, EmulatorKeys keys, EmulatorState state, EmulatorOptions options)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        context.BaseUrl = $"https://127.0.0.1:{port}";

        string? temporaryDirectory = null;
        var connectionFilePath = options.ConnectionFilePath;
        if (string.IsNullOrWhiteSpace(connectionFilePath))
        {
            temporaryDirectory = Path.Combine(Path.GetTempPath(), "CommsInvite.Emulator", Guid.NewGuid().ToString("N"));
            connectionFilePath = Path.Combine(temporaryDirectory, "emulator.json");
        }
        connectionFilePath = Path.GetFullPath(connectionFilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(connectionFilePath)!);

        var pfxPassword = RandomToken(24);
        var pfxPath = Path.Combine(Path.GetDirectoryName(connectionFilePath)!, Path.GetFileNameWithoutExtension(connectionFilePath) + ".client.pfx");
        WritePrivateFile(pfxPath, keys.ExportClientPfx(pfxPassword));

        var connection = new EmulatorConnectionFile
        {
            GraphEndpoint = context.BaseUrl,
            AuthorityHost = context.BaseUrl,
            TenantId = state.TenantId,
            ClientId = EmulatorDefaults.ClientId,
            ClientSecret = EmulatorDefaults.ClientSecret,
            CertificateThumbprint = keys.TlsThumbprint,
            ManagedIdentityEndpoint = $"{context.BaseUrl}/msi/token",
            ManagedIdentityHeader = context.ManagedIdentityHeader,
            ClientCertificatePath = pfxPath,
            ClientCertificatePassword = pfxPassword,
            ClientCertificateThumbprint = keys.ClientCertificate.Thumbprint,
            NotificationOpenIdConfiguration = $"{context.BaseUrl}/aps/v1/.well-known/OpenIdConfiguration",
            NotificationIssuer = EmulatorDefaults.NotificationIssuer,
            AdminEndpoint = $"{context.BaseUrl}/_emulator",
            PublicClientId = EmulatorDefaults.PublicClientId,
            AdminUserId = EmulatorDefaults.AdminUserId,
        };
        WritePrivateFile(connectionFilePath, System.Text.Encoding.UTF8.GetBytes(connection.ToJson()));
        return new EmulatorServer(app, context, connection, connectionFilePath, temporaryDirectory);
    }

    /// <summary>
    /// An HttpClient for this emulator that trusts its certificate by thumbprint only (for tests and tools).
    /// </summary>
    public HttpClient CreateHttpClient(HttpMessageHandler? inner = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (certificate is not null && ThumbprintMatches(certificate, CertificateThumbprint)),
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        return new HttpClient(handler) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Compares a certificate's SHA-1 thumbprint with an expected hex thumbprint, in constant time.</summary>
    public static bool ThumbprintMatches(X509Certificate certificate, string expectedThumbprint)
    {
        var actual = Convert.FromHexString(certificate.GetCertHashString(HashAlgorithmName.SHA1));
        byte[] expected;
        try { expected = Convert.FromHexString(expectedThumbprint.Replace(":", "", StringComparison.Ordinal)); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _context.Stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _context.Keys.Dispose();
            _context.Stopping.Dispose();
            if (_temporaryDirectory is not null)
            {
                try { Directory.Delete(_temporaryDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static string RandomToken(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // The connection file and the PFX hold credentials: readable by the owner only.
    private static void WritePrivateFile(string path, byte[] content)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllBytes(path, content);
            return;
        }
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
