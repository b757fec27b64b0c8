using System.Collections;
using System.Management.Automation;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// A canary client secret and a canary certificate password go through the whole pipeline with every stream
/// turned on; neither (nor any access token) may show up in any stream, error, exception, context or file.
/// </summary>
public sealed class SecretsTests : IClassFixture<ChaosEmulatorFixture>, IDisposable
{
    private const string CanarySecret = "Canary-Client-Secret-7f3a9c1e-DoNotLeak";
    private const string WrongCanarySecret = "Wrong-Canary-Secret-91ac55d0-DoNotLeak";
    private const string CanaryPassword = "Canary-Pfx-Password-4b2d8e17-DoNotLeak";
    private const string WrongCanaryPassword = "Wrong-Canary-Pfx-Password-c0ffee42";

    private readonly ChaosEmulatorFixture _emulator;
    private readonly string _temp;
    private readonly DateTime _started = DateTime.UtcNow.AddSeconds(-1);

    public SecretsTests(ChaosEmulatorFixture emulator)
    {
        _emulator = emulator;
        _temp = Directory.CreateTempSubdirectory("commsinvite-secrets-").FullName;
    }

    public void Dispose()
    {
        _emulator.Server.Faults.Clear();
        Directory.Delete(_temp, recursive: true);
    }

    private const string Pipeline = @"
        $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'
        Get-CsGraphContext -Verbose -Debug
        $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId ('19:meeting_secrets_' + [guid]::NewGuid().ToString('N') + '@thread.v2') -Verbose -Debug -ErrorAction Stop
        $call
        Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $user -Verbose -Debug -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -Verbose -Debug
        Get-CsGraphCallParticipant -CallId $call.Id -Verbose -Debug
        Get-CsGraphCall -CallId $call.Id -Verbose -Debug
        Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $declining -Wait -Timeout 30 -PollInterval 0.2 -Verbose -Debug
        Get-CsGraphCall -CallId 11111111-2222-3333-4444-555555555555 -Verbose -Debug
        Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '12345' -Verbose -Debug
        Get-CsGraphContext -Verbose -Debug
        Disconnect-CsGraph -Verbose -Debug";

    [Fact]
    public async Task CanaryClientSecret_NeverAppears_InAnyStreamErrorContextOrFile()
    {
        var clientId = Guid.NewGuid().ToString();
        using (var admin = _emulator.Server.CreateHttpClient())
        {
            var response = await admin.PostAsJsonAsync("_emulator/clients", new { clientId, clientSecret = CanarySecret, roles = EmulatorDefaults.DevClientRoles });
            response.EnsureSuccessStatusCode();
        }

        using var session = NewSession();
        session.SetVariable("client", clientId);
        session.SetVariable("secret", EmulatorFixture.Secure(CanarySecret));
        session.SetVariable("wrong", EmulatorFixture.Secure(WrongCanarySecret));
        // Throttling and a reset on the way, so retry and recovery messages are in the streams too.
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants/invite$", Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Count = 1 });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ResetAfter, Count = 1 });

        var connect = session.Run(
            "Connect-CsGraph -EmulatorConnectionFile $file -TenantId $tenant -ClientId $client -ClientSecret $secret -Verbose -Debug -PassThru -ErrorAction Stop").ThrowOnError();
        Assert.Equal(clientId, connect.Output.Single().Properties["ClientId"].Value?.ToString());
        var pipeline = session.Run(Pipeline);
        var wrong = session.Run("Connect-CsGraph -EmulatorConnectionFile $file -TenantId $tenant -ClientId $client -ClientSecret $wrong -Verbose -Debug");

        AssertWorked(pipeline);
        var wrongError = Assert.Single(wrong.AllErrors);
        Assert.StartsWith("AuthenticationFailed,", wrongError.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, wrongError.CategoryInfo.Category);
        AssertNowhere(session, new[] { connect, pipeline, wrong }, CanarySecret, WrongCanarySecret);
    }

    [Fact]
    public void CanaryCertificatePassword_NeverAppears_InAnyStreamErrorContextOrFile()
    {
        var connection = _emulator.Server.Connection;
        var pfx = Path.Combine(_temp, "canary.pfx");
        using (var certificate = X509CertificateLoader.LoadPkcs12FromFile(connection.ClientCertificatePath, connection.ClientCertificatePassword, X509KeyStorageFlags.Exportable))
        {
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, CanaryPassword));
        }

        using var session = NewSession();
        session.SetVariable("client", connection.ClientId);
        session.SetVariable("pfx", pfx);
        session.SetVariable("password", EmulatorFixture.Secure(CanaryPassword));
        session.SetVariable("wrong", EmulatorFixture.Secure(WrongCanaryPassword));
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants/invite$", Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 0, Count = 1 });
        _emulator.Server.Faults.Add(new FaultRule { Route = "/participants$", Method = "GET", Kind = FaultKind.ResetAfter, Count = 1 });

        var connect = session.Run(
            "Connect-CsGraph -EmulatorConnectionFile $file -TenantId $tenant -ClientId $client -CertificatePath $pfx -CertificatePassword $password -Verbose -Debug -PassThru -ErrorAction Stop").ThrowOnError();
        Assert.Equal("Certificate", connect.Output.Single().Properties["AuthType"].Value?.ToString());
        var pipeline = session.Run(Pipeline);
        var wrong = session.Run("Connect-CsGraph -EmulatorConnectionFile $file -TenantId $tenant -ClientId $client -CertificatePath $pfx -CertificatePassword $wrong -Verbose -Debug");

        AssertWorked(pipeline);
        Assert.StartsWith("CertificateInvalid,", Assert.Single(wrong.AllErrors).FullyQualifiedErrorId);
        AssertNowhere(session, new[] { connect, pipeline, wrong }, CanaryPassword, WrongCanaryPassword);
    }

    private PowerShellSession NewSession()
    {
        var session = new PowerShellSession();
        session.ImportModule();
        session.SetVariable("file", _emulator.ConnectionFile);
        session.SetVariable("tenant", _emulator.Server.Connection.TenantId);
        session.SetVariable("callbackUri", _emulator.CallbackUri);
        session.SetVariable("user", EmulatorDefaults.SeedUserIds[0]);
        session.SetVariable("declining", EmulatorDefaults.DecliningUserId);
        return session;
    }

    /// <summary>The pipeline really ran: the good invite completed, the expected failures are there, every stream had something.</summary>
    private static void AssertWorked(ScriptResult pipeline)
    {
        Assert.Null(pipeline.Terminating);
        Assert.Contains(pipeline.Output, o => o.Properties["Status"]?.Value?.ToString() == "Completed");
        var ids = pipeline.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        Assert.Contains("InviteOperationFailed", ids);
        Assert.Contains("CallNotFound", ids);
        Assert.Contains("InvalidPhoneNumber", ids);
        Assert.True(pipeline.Verbose.Count > 0, "no verbose");
        Assert.True(pipeline.Debug.Count > 0, "no debug");
        Assert.True(pipeline.Progress.Count > 0, "no progress");
        Assert.Contains(pipeline.Debug, line => line.Contains("retry", StringComparison.Ordinal));
    }

    private void AssertNowhere(PowerShellSession session, IEnumerable<ScriptResult> results, params string[] secrets)
    {
        var parts = results.Select(LeakScanner.Everything).ToList();
        if (session.GetVariable("Error") is IEnumerable errors)
        {
            foreach (var error in errors)
            {
                switch (error)
                {
                    case ErrorRecord record:
                        LeakScanner.AddError(parts, record);
                        break;
                    case Exception exception:
                        LeakScanner.AddException(parts, exception);
                        break;
                }
            }
        }

        // Every variable the scripts left behind ($call, $_ ...), and the context once more.
        foreach (var name in new[] { "call", "Error", "_" })
        {
            LeakScanner.AddObject(parts, session.GetVariable(name), 0);
        }

        var text = string.Join("\n", parts);
        Assert.True(text.Length > 1000, "the scan saw almost nothing");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            // Not even half of it (a truncated echo is a leak too).
            Assert.DoesNotContain(secret[..(secret.Length / 2)], text, StringComparison.Ordinal);
        }

        Assert.Empty(LeakScanner.JwtLike(text));

        var folders = new[] { Path.Combine(ModuleLayout.RepoRoot, "out"), _temp, Path.GetDirectoryName(_emulator.ConnectionFile)! };
        foreach (var secret in secrets)
        {
            foreach (var folder in folders)
            {
                Assert.Empty(LeakScanner.FilesContaining(folder, secret));
            }

            Assert.Empty(RecentTempFilesContaining(secret));
        }
    }

    /// <summary>Files anyone wrote to the temp folder since this test started (MSAL caches, logs, crash dumps...).</summary>
    private List<string> RecentTempFilesContaining(string secret)
    {
        var hits = new List<string>();
        var utf8 = System.Text.Encoding.UTF8.GetBytes(secret);
        var utf16 = System.Text.Encoding.Unicode.GetBytes(secret);
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(Path.GetTempPath(), "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 4 });
        }
        catch (IOException)
        {
            return hits;
        }

        foreach (var file in files)
        {
            try
            {
                var info = new FileInfo(file);
                // Empty entries are skipped: they hold nothing, and FIFOs (the runtime's clr-debug-pipe-*) would block a read.
                if (info.LastWriteTimeUtc < _started || info.Length == 0 || info.Length > 20_000_000 || (info.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0)
                {
                    continue;
                }

                var bytes = File.ReadAllBytes(file);
                if (bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0)
                {
                    hits.Add(file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone or locked: another process's file.
            }
        }

        return hits;
    }
}
