using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// CommsInvite next to a host (another module) that owns an older Microsoft.Identity.Client and a different
/// Microsoft.IdentityModel.Abstractions, in both load orders. Each scenario runs in a fresh child process
/// (tools/CommsInvite.IsolationHost): a process holds one version per name in its default load context, and this test
/// process's default context is already shared by other tests (and the in-process emulator's IdentityModel).
/// The child does the steps and reports; the assertions are here.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class IsolationTests
{
    private const string HostMsalVersion = "4.61.3.0";
    private const string HostAbstractionsVersion = "6.35.0.0";

    // The loader itself must live in the default context (it creates the private one); so does the child program.
    private static readonly string[] AllowedInDefault = { "CommsInvite.Loader", "CommsInvite.IsolationHost" };

    private readonly EmulatorFixture _emulator;

    public IsolationTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void HostMsalLoadedFirst_ModuleStillConnectsWithACertificateAndInvites_AndTheHostKeepsItsMsal()
    {
        var report = RunScenario("host-first");

        var before = report.GetProperty("hostBeforeImport");
        Assert.Equal(HostMsalVersion, before.GetProperty("msalVersion").GetString());
        Assert.True(before.GetProperty("msalInDefault").GetBoolean());
        Assert.Equal(HostAbstractionsVersion, before.GetProperty("abstractionsVersion").GetString());
        Assert.True(before.GetProperty("abstractionsInDefault").GetBoolean());

        Assert.Equal("Completed", report.GetProperty("invite").GetString());
        AssertModuleUsesItsOwnMsal(report);

        // The host's MSAL still works after ours has run, and the default context still hands out the host's versions.
        var after = report.GetProperty("hostAfterInvite");
        Assert.Equal("00000000-0000-0000-0000-000000000001", after.GetProperty("clientId").GetString());
        Assert.Equal(HostMsalVersion, after.GetProperty("defaultResolvesMsal").GetString());
        Assert.Equal(HostAbstractionsVersion, after.GetProperty("defaultResolvesAbstractions").GetString());

        // In the default context: exactly what the host loaded itself (plus the loader), nothing of the module's.
        var inDefault = DefaultContextAssemblies(report);
        Assert.Equal(new[] { "Microsoft.Identity.Client " + HostMsalVersion, "Microsoft.IdentityModel.Abstractions " + HostAbstractionsVersion }, inDefault);
    }

    [Fact]
    public void ModuleImportedAndUsedFirst_HostMsalLoadsAfterwards_AndBothKeepWorking()
    {
        var report = RunScenario("module-first");

        Assert.Equal("Completed", report.GetProperty("invite").GetString());

        // The guard: import + certificate connect + invite put no isolated assembly into the default context.
        Assert.DoesNotContain(report.GetProperty("isolatedInDefaultAfterInvite").EnumerateArray()
            .Select(e => e.GetString()!), n => !AllowedInDefault.Contains(n));

        // The host then loads and uses its older MSAL and IdentityModel.Abstractions: it gets its own versions, not ours.
        var host = report.GetProperty("hostAfterInvite");
        Assert.Equal(HostMsalVersion, host.GetProperty("msalVersion").GetString());
        Assert.True(host.GetProperty("msalInDefault").GetBoolean());
        Assert.Equal(HostAbstractionsVersion, host.GetProperty("abstractionsVersion").GetString());
        Assert.Equal("00000000-0000-0000-0000-000000000001", host.GetProperty("clientId").GetString());

        // And CommsInvite connects and invites again in the same runspace.
        Assert.Equal("Completed", report.GetProperty("secondInvite").GetString());
        AssertModuleUsesItsOwnMsal(report);
        Assert.Equal(new[] { "Microsoft.Identity.Client " + HostMsalVersion, "Microsoft.IdentityModel.Abstractions " + HostAbstractionsVersion }, DefaultContextAssemblies(report));
    }

    private static void AssertModuleUsesItsOwnMsal(JsonElement report)
    {
        var moduleMsal = Version.Parse(report.GetProperty("moduleMsal").GetString()!);
        Assert.True(moduleMsal >= new Version(4, 92), "the module's MSAL: " + moduleMsal);

        // Every isolated-family assembly outside the default context sits in the module's own context.
        foreach (var assembly in report.GetProperty("assemblies").EnumerateArray().Where(a => !a.GetProperty("IsDefault").GetBoolean()))
        {
            Assert.StartsWith("CommsInvite", assembly.GetProperty("Context").GetString());
            Assert.StartsWith(ModuleLayout.ModuleFolder, assembly.GetProperty("Location").GetString());
        }
    }

    private static string[] DefaultContextAssemblies(JsonElement report) =>
        report.GetProperty("assemblies").EnumerateArray()
            .Where(a => a.GetProperty("IsDefault").GetBoolean() && !AllowedInDefault.Contains(a.GetProperty("Name").GetString()))
            .Select(a => a.GetProperty("Name").GetString() + " " + a.GetProperty("Version").GetString())
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

    private JsonElement RunScenario(string scenario)
    {
        var connection = _emulator.Server.Connection;
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            HostAssemblyPath(), scenario, ModuleLayout.BuiltManifestPath, _emulator.ConnectionFile, connection.TenantId, connection.ClientId,
            connection.ClientCertificatePath, EmulatorDefaults.SeedUserIds[2], _emulator.CallbackUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["COMMSINVITE_CERT_PASSWORD"] = connection.ClientCertificatePassword;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("The isolation host did not finish.");
        }

        var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"The isolation host printed nothing (exit {process.ExitCode}): {stderr.Result}");
        var report = JsonDocument.Parse(lastLine).RootElement.Clone();
        Assert.True(report.GetProperty("ok").GetBoolean(), "the isolation host failed: " + (report.TryGetProperty("error", out var error) ? error.GetString() : lastLine));
        Assert.DoesNotContain(connection.ClientCertificatePassword, stdout + stderr.Result, StringComparison.Ordinal);
        return report;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    private static string HostAssemblyPath()
    {
        var configuration = typeof(IsolationTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(ModuleLayout.RepoRoot, "tools", "CommsInvite.IsolationHost", "bin", configuration, "net10.0", "CommsInvite.IsolationHost.dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: build tools/CommsInvite.IsolationHost (the test project references it).");
        }

        return path;
    }
}
