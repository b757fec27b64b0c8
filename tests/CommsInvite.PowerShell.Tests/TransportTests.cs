using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// HTTPS everywhere but loopback emulator endpoints, and certificate validation never off: the emulator's
/// self-signed certificate is trusted by its pinned thumbprint only.
/// </summary>
public sealed class TransportTests : IClassFixture<ChaosEmulatorFixture>, IDisposable
{
    private readonly ChaosEmulatorFixture _emulator;
    private readonly string _temp;

    public TransportTests(ChaosEmulatorFixture emulator)
    {
        _emulator = emulator;
        _temp = Directory.CreateTempSubdirectory("commsinvite-transport-").FullName;
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>The emulator's connection file with some fields changed.</summary>
    private string ConnectionFileWith(Action<JsonObject> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(_emulator.ConnectionFile))!.AsObject();
        change(json);
        var path = Path.Combine(_temp, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    public static TheoryData<string, string, string> RefusedEndpoints => new()
    {
        { "graphEndpoint over http", "graphEndpoint", "http://127.0.0.1:{port}" },
        { "authorityHost over http", "authorityHost", "http://127.0.0.1:{port}" },
        { "graphEndpoint on another host", "graphEndpoint", "https://graph.contoso.example:{port}" },
        { "authorityHost on another host", "authorityHost", "https://login.contoso.example:{port}" },
        { "managed identity endpoint on another host", "managedIdentityEndpoint", "https://10.1.2.3:{port}/msi/token" },
        { "authorityHost over http on another host", "authorityHost", "http://login.contoso.example" },
    };

    [Theory]
    [MemberData(nameof(RefusedEndpoints))]
    public void AConnectionFileWithAnHttpOrNonLoopbackEndpoint_IsRefused_BeforeAnyRequest(string name, string field, string value)
    {
        var file = ConnectionFileWith(json => json[field] = value.Replace("{port}", _emulator.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var session = new PowerShellSession();
        session.ImportModule();
        var before = _emulator.ServiceRequests();
        var tokensBefore = _emulator.Server.State.Stats.TokensIssued;

        var result = session.Run("Connect-CsGraph -EmulatorConnectionFile $args[0]", file);

        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith("EmulatorConnectionFileInvalid,", StringComparison.Ordinal), name + ": " + ScriptResult.Describe(error));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(field, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, _emulator.ServiceRequests());
        Assert.Equal(tokensBefore, _emulator.Server.State.Stats.TokensIssued);
        Assert.Empty(session.Run("Get-CsGraphContext").Output);
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("certificate")]
    public void AWrongPinnedThumbprint_FailsTheTlsHandshake_WithAConnectionError(string credential)
    {
        // Another certificate's thumbprint: the emulator's real certificate must then be refused, not trusted anyway.
        var file = ConnectionFileWith(json => json["certificateThumbprint"] = "0123456789ABCDEF0123456789ABCDEF01234567");
        using var session = new PowerShellSession();
        session.ImportModule();
        var connection = _emulator.Server.Connection;
        session.SetVariable("password", EmulatorFixture.Secure(connection.ClientCertificatePassword));
        var tokensBefore = _emulator.Server.State.Stats.TokensIssued;
        var before = _emulator.ServiceRequests();

        var script = credential == "secret"
            ? "Connect-CsGraph -EmulatorConnectionFile $args[0]"
            : "Connect-CsGraph -EmulatorConnectionFile $args[0] -TenantId $args[1] -ClientId $args[2] -CertificatePath $args[3] -CertificatePassword $password";
        var result = session.Run(script, file, connection.TenantId, connection.ClientId, connection.ClientCertificatePath);

        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith("AuthenticationFailed,", StringComparison.Ordinal), ScriptResult.Describe(error));
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("thumbprint", error.ErrorDetails?.Message ?? error.Exception.Message, StringComparison.OrdinalIgnoreCase);
        // The handshake failed, so no HTTP request (and no secret) reached the server.
        Assert.Equal(tokensBefore, _emulator.Server.State.Stats.TokensIssued);
        Assert.Equal(before, _emulator.ServiceRequests());
        Assert.Empty(session.Run("Get-CsGraphContext").Output);
    }

    [Fact]
    public void TheRightThumbprintInACopiedFile_StillConnects()
    {
        // The refusals above are about the changed field, not about a copied file.
        var file = ConnectionFileWith(_ => { });
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("Connect-CsGraph -EmulatorConnectionFile $args[0] -PassThru -ErrorAction Stop", file).ThrowOnError();

        Assert.Equal("Emulator", Assert.Single(result.Output).Properties["Environment"].Value?.ToString());
    }

    [Theory]
    [InlineData("http://bot.contoso.com/callback")]
    [InlineData("http://10.0.0.5/callback")]
    [InlineData("ws://127.0.0.1/callback")]
    public void ACallbackUriOverHttpToAnotherHost_IsRefused_BeforeAnyRequest(string callbackUri)
    {
        using var session = _emulator.ConnectedSession();
        var before = _emulator.ServiceRequests();

        var result = session.Run("New-CsGraphCall -CallbackUri $args[0]", callbackUri);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("InvalidUri,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(before, _emulator.ServiceRequests());
    }

    /// <summary>
    /// A guard on the code itself: the module and its core never switch certificate validation off. The only
    /// custom validation callback in them is the thumbprint pin.
    /// </summary>
    [Fact]
    public void TheModuleNeverTurnsCertificateValidationOff()
    {
        var sources = new[] { "src/CommsInvite", "src/CommsInvite.Core", "src/CommsInvite.Loader" }
            .Select(folder => Path.Combine(ModuleLayout.RepoRoot, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sources);

        var offenders = new List<string>();
        var callbacks = new List<string>();
        foreach (var file in sources)
        {
            var text = File.ReadAllText(file);
            if (text.Contains("DangerousAcceptAnyServerCertificateValidator", StringComparison.Ordinal)
                || Regex.IsMatch(text, @"(ServerCertificateCustomValidationCallback|RemoteCertificateValidationCallback|ServerCertificateValidationCallback)\s*(=|\+=)\s*\([^)]*\)\s*=>\s*true\b")
                || Regex.IsMatch(text, @"CheckCertificateRevocationList\s*=\s*false"))
            {
                offenders.Add(file);
            }

            foreach (Match match in Regex.Matches(text, @"(ServerCertificateCustomValidationCallback|RemoteCertificateValidationCallback|ServerCertificateValidationCallback)\s*(=|\+=)[^;\n]*"))
            {
                callbacks.Add(Path.GetFileName(file) + ": " + match.Value.Trim());
            }
        }

        Assert.Empty(offenders);
        Assert.All(callbacks, callback => Assert.Contains("IsPinned", callback, StringComparison.Ordinal));
    }
}
