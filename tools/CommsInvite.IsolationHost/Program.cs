using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using Microsoft.Identity.Client;
using Microsoft.IdentityModel.Abstractions;

namespace CommsInvite.IsolationHost;

/// <summary>
/// Runs one isolation scenario in a fresh process and prints a JSON report on its last stdout line; the xunit tests
/// (IsolationTests) make the assertions. Scenarios:
///   host-first   the host's older MSAL + IdentityModel.Abstractions are loaded and used, then CommsInvite imports,
///                connects with a certificate and invites; then the host's MSAL is used again.
///   module-first CommsInvite imports, connects and invites; then the older MSAL + Abstractions are loaded and used;
///                then CommsInvite connects and invites again in the same runspace.
/// Arguments: scenario manifestPath connectionFile tenantId clientId certificatePath userId callbackUri.
/// The certificate password comes from COMMSINVITE_CERT_PASSWORD (never on the command line).
/// </summary>
public static class Program
{
    private static readonly string[] IsolatedPrefixes =
    {
        "Microsoft.Identity.", "Microsoft.IdentityModel.", "Microsoft.Graph.", "Microsoft.Kiota.", "Azure.",
        "System.IdentityModel.", "Std.UriTemplate", "CommsInvite",
    };

    public static int Main(string[] args)
    {
        if (args.Length != 8 || args[0] is not ("host-first" or "module-first"))
        {
            Console.Error.WriteLine("usage: CommsInvite.IsolationHost host-first|module-first manifest connectionFile tenantId clientId certificatePath userId callbackUri");
            return 2;
        }

        var report = new Dictionary<string, object?> { ["scenario"] = args[0] };
        try
        {
            var scenario = new Scenario(args);
            if (args[0] == "host-first")
            {
                report["hostBeforeImport"] = UseHostMsal();
                report["invite"] = scenario.ImportConnectInvite();
                report["hostAfterInvite"] = UseHostMsal();
            }
            else
            {
                report["invite"] = scenario.ImportConnectInvite();
                report["isolatedInDefaultAfterInvite"] = Snapshot().Where(a => a.IsDefault).Select(a => a.Name).ToList();
                report["hostAfterInvite"] = UseHostMsal();
                report["secondInvite"] = scenario.ConnectInvite();
            }

            report["assemblies"] = Snapshot();
            report["moduleMsal"] = scenario.ModuleMsalVersion();
            report["ok"] = true;
        }
        catch (Exception ex)
        {
            report["ok"] = false;
            report["error"] = ex.ToString();
        }

        Console.WriteLine(JsonSerializer.Serialize(report));
        return 0;
    }

    // Kept out of Main's body so the JIT does not load MSAL before the scenario asks for it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Dictionary<string, object?> UseHostMsal()
    {
        var logger = new CountingLogger();
        var app = PublicClientApplicationBuilder.Create("00000000-0000-0000-0000-000000000001")
            .WithAuthority(AzureCloudInstance.AzurePublic, "contoso.onmicrosoft.com")
            .WithLogging(logger, enablePiiLogging: false)
            .Build();
        var msal = typeof(PublicClientApplicationBuilder).Assembly;
        var abstractions = typeof(IIdentityLogger).Assembly;
        return new Dictionary<string, object?>
        {
            ["clientId"] = app.AppConfig.ClientId,
            ["authority"] = app.Authority,
            ["msalVersion"] = msal.GetName().Version?.ToString(),
            ["msalInDefault"] = AssemblyLoadContext.GetLoadContext(msal) == AssemblyLoadContext.Default,
            ["abstractionsVersion"] = abstractions.GetName().Version?.ToString(),
            ["abstractionsInDefault"] = AssemblyLoadContext.GetLoadContext(abstractions) == AssemblyLoadContext.Default,
            // What the default context hands to anyone else who asks by name now.
            ["defaultResolvesMsal"] = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("Microsoft.Identity.Client")).GetName().Version?.ToString(),
            ["defaultResolvesAbstractions"] = AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("Microsoft.IdentityModel.Abstractions")).GetName().Version?.ToString(),
        };
    }

    private static List<LoadedAssembly> Snapshot() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && IsolatedPrefixes.Any(p => (a.GetName().Name ?? string.Empty).StartsWith(p, StringComparison.Ordinal)))
            .Select(a =>
            {
                var context = AssemblyLoadContext.GetLoadContext(a);
                return new LoadedAssembly(a.GetName().Name!, a.GetName().Version?.ToString(), context?.Name, context == AssemblyLoadContext.Default, a.Location);
            })
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToList();

    public sealed record LoadedAssembly(string Name, string? Version, string? Context, bool IsDefault, string Location);

    private sealed class CountingLogger : IIdentityLogger
    {
        public bool IsEnabled(EventLogLevel eventLogLevel) => true;

        public void Log(LogEntry entry)
        {
        }
    }

    private sealed class Scenario
    {
        private readonly string[] _args;
        private readonly Runspace _runspace;

        public Scenario(string[] args)
        {
            _args = args;
            _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            _runspace.Open();
            var password = new System.Security.SecureString();
            foreach (var c in Environment.GetEnvironmentVariable("COMMSINVITE_CERT_PASSWORD") ?? string.Empty)
            {
                password.AppendChar(c);
            }

            _runspace.SessionStateProxy.SetVariable("password", password);
        }

        public string ImportConnectInvite()
        {
            Run("Import-Module -Name $args[0] -ErrorAction Stop", _args[1]);
            return ConnectInvite();
        }

        public string ConnectInvite()
        {
            var output = Run(@"
                Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] -TenantId $args[1] -ClientId $args[2] -CertificatePath $args[3] -CertificatePassword $password -ErrorAction Stop
                $call = New-CsGraphCall -CallbackUri $args[5] -ThreadId '19:meeting_isolation@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[4] -Wait -PollInterval 0.2 -Timeout 30 -ErrorAction Stop",
                _args[2], _args[3], _args[4], _args[5], _args[6], _args[7]);
            return output.Count == 1 ? output[0].Properties["Status"].Value?.ToString() ?? "(no status)" : $"({output.Count} outputs)";
        }

        public string? ModuleMsalVersion()
        {
            var assembly = (Assembly)Run("(Get-Command Connect-CsGraph).ImplementingType.Assembly")[0].BaseObject;
            var context = AssemblyLoadContext.GetLoadContext(assembly);
            return context?.Assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.Identity.Client")?.GetName().Version?.ToString();
        }

        private IReadOnlyList<PSObject> Run(string script, params object[] arguments)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            foreach (var argument in arguments)
            {
                ps.AddArgument(argument);
            }

            var output = ps.Invoke();
            if (ps.HadErrors && ps.Streams.Error.Count > 0)
            {
                throw new InvalidOperationException("The script failed: " + string.Join("; ", ps.Streams.Error.Select(e => e.FullyQualifiedErrorId + " " + e.Exception.Message)));
            }

            return output;
        }
    }
}
