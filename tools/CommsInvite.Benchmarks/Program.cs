using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommsInvite.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tools/CommsInvite.Benchmarks -- --out results.json [--quick] [--no-engine]
/// Exit codes: 0 = ran (targets missed or not, see the table and JSON); 1 = a benchmark failed to run;
/// 2 = bad arguments; 3 = ran but correctness failed (bulk invites lost or duplicated, or waits not completing).
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> Main(string[] args)
    {
        string? outPath = null;
        var quick = false;
        var engine = true;
        var diagnose = false;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var clientFilter = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    outPath = args[++i];
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--no-engine":
                    engine = false;
                    break;
                case "--diagnose":
                    diagnose = true;
                    break;
                case "--clients" when i + 1 < args.Length:
                    clientFilter.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--only" when i + 1 < args.Length:
                    only.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "-h" or "--help":
                    Console.WriteLine("Usage: CommsInvite.Benchmarks --out results.json [--quick] [--no-engine] [--only perinvite,bulk,wait] [--clients core,graphSdk,graphSdkBare,raw,engine] [--diagnose]");
                    Console.WriteLine("  --diagnose adds a diagnostic client (the raw POST over the core's transport) and prints the bulk timeline.");
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: CommsInvite.Benchmarks --out results.json [--quick] [--no-engine]");
                    return 2;
            }
        }

        if (outPath is null)
        {
            Console.Error.WriteLine("--out PATH is required (where the JSON results go).");
            return 2;
        }

        var settings = (quick ? RunSettings.QuickRun : RunSettings.Full) with { IncludeEngine = engine, Diagnose = diagnose };
        bool Runs(string part) => only.Count == 0 || only.Contains(part);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var total = Stopwatch.StartNew();
        var report = new BenchmarkReport
        {
            Mode = quick ? "quick" : "full",
            StartedAt = DateTimeOffset.UtcNow,
            Machine = new MachineInfo(
                Environment.ProcessorCount,
                RuntimeInformation.OSDescription,
                RuntimeInformation.FrameworkDescription,
                typeof(Microsoft.Graph.GraphServiceClient).Assembly.GetName().Version?.ToString() ?? "?",
                typeof(System.Management.Automation.PowerShell).Assembly.GetName().Version?.ToString() ?? "?"),
        };
        if (!Debugger.IsAttached && typeof(Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled))
        {
            report.Notes.Add("Built without optimisations (Debug): run with -c Release for figures worth quoting.");
        }

        void Log(string line) => Console.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1}s] {line}");
        try
        {
            Log($"CommsInvite benchmarks ({report.Mode}); {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}");
            if (Runs("perinvite"))
            {
                await using var remote = await Harness.StartInChildProcessAsync(cancel.Token);
                Log($"Emulator for the per-invite figures in a child process on {remote.BaseUri} (answer delay 0)");
                using var perInviteSession = settings.IncludeEngine ? EngineSession.Start(remote) : null;
                if (perInviteSession is not null)
                {
                    Log($"PowerShell engine: imported {ModuleLocator.BuiltManifestPath} and connected");
                }

                Log("1/2. Per-invite cost (core, Graph SDK, bare Graph SDK, raw HttpClient" + (perInviteSession is null ? ")" : ", PowerShell engine)"));
                var clients = new List<IInviter>
                {
                    new CoreInviter(await remote.ConnectCoreAsync()),
                    new GraphSdkInviter(remote, bareHttpClient: false),
                    new GraphSdkInviter(remote, bareHttpClient: true),
                    await RawHttpInviter.CreateAsync(remote, cancel.Token),
                };
                if (perInviteSession is not null)
                {
                    clients.Add(new EngineInviter(perInviteSession));
                }

                if (settings.Diagnose)
                {
                    clients.Add(await RawHttpInviter.CreateAsync(remote, cancel.Token, coreTransport: true));
                    clients.Add(new CoreHttpInviter(await remote.ConnectCoreAsync()));
                }

                if (clientFilter.Count > 0)
                {
                    foreach (var dropped in clients.Where(c => !clientFilter.Contains(c.Key)).ToList())
                    {
                        dropped.Dispose();
                        clients.Remove(dropped);
                    }
                }

                try
                {
                    report.PerInvite = await PerInviteBenchmark.RunAsync(remote, clients, settings, Log, cancel.Token);
                }
                finally
                {
                    foreach (var client in clients) client.Dispose();
                }
            }

            if (Runs("bulk") || Runs("wait"))
            {
                await using var harness = await Harness.StartAsync();
                Log($"Emulator for the bulk and waiting figures in this process on {harness.BaseUri} (answer delay 0)");
                EngineSession? session = null;
                if (settings.IncludeEngine && Runs("wait"))
                {
                    session = EngineSession.Start(harness);
                    Log($"PowerShell engine: imported {ModuleLocator.BuiltManifestPath} and connected");
                }

                try
                {
                    if (Runs("bulk"))
                    {
                        Log("3. Bulk invites under throttling (core client)");
                        report.Bulk = await BulkBenchmark.RunAsync(harness, settings, Log, cancel.Token);
                    }

                    if (Runs("wait"))
                    {
                        Log("4. Waiting for operations to complete");
                        report.Waiting = await WaitBenchmark.RunAsync(harness, settings, session, Log, cancel.Token);
                    }
                }
                finally
                {
                    session?.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Benchmark failed: {ex}");
            report.Notes.Add($"Failed: {ex.GetType().Name}: {ex.Message}");
            report.TotalSeconds = total.Elapsed.TotalSeconds;
            await WriteAsync(outPath, report);
            return 1;
        }

        report.TotalSeconds = total.Elapsed.TotalSeconds;
        Targets.Evaluate(report);
        TablePrinter.Print(report, Console.Out);
        await WriteAsync(outPath, report);
        Console.WriteLine($"Results written to {Path.GetFullPath(outPath)} ({report.TotalSeconds:F0} s).");

        var correctnessFailed = report.Bulk is { } bulk && (bulk.Lost > 0 || bulk.Duplicated > 0)
            || report.Waiting?.Cases.Any(c => c.NotCompleted > 0) == true
            || report.Waiting?.PollingCost.Any(c => c.Completed != c.Operations) == true;
        return correctnessFailed ? 3 : 0;
    }

    private static async Task WriteAsync(string path, BenchmarkReport report)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, JsonSerializer.Serialize(report, JsonOptions) + Environment.NewLine);
    }
}
