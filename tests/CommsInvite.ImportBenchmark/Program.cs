using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace CommsInvite.ImportBenchmark;

/// <summary>
/// Import-Module CommsInvite, measured three ways:
///   in-process: a new runspace (fresh engine) per sample, median of 10, next to the median cost of opening that runspace;
///   fresh process: this program re-run as a child with --first-import (cold JIT, cold assembly loading), median of 5,
///     which is what a user who opens pwsh and imports the module feels (a one-function script module is measured the
///     same way, for scale);
///   size: bytes under out/CommsInvite/&lt;version&gt;.
/// Prints the targets (import under 150 ms, module under 15 MB) with pass/fail. Not a test: nothing here fails a build.
/// </summary>
public static class Program
{
    private const int InProcessSamples = 10;
    private const int FreshProcessSamples = 5;
    private const double ImportTargetMs = 150;
    private const double SizeTargetMb = 15;
    private const string FirstImportFlag = "--first-import";

    public static int Main(string[] args)
    {
        var manifest = FindBuiltManifest();
        if (args.Length == 2 && args[0] == FirstImportFlag)
        {
            // Child: one engine, one import, in a process that has loaded nothing of the module yet. A first trivial
            // script runs before the import, as a pwsh prompt (profile, PSReadLine) would have, so the import is not
            // charged for JIT-compiling PowerShell's own script pipeline.
            var (open, import, _) = OpenAndImport(args[1], warmUpFirst: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{open:F3} {import:F3}"));
            return 0;
        }

        Console.WriteLine($"Module:  {manifest}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine();

        // The first engine and import of this process pay for JIT and assembly loading; reported, not counted in the median.
        var (firstOpen, firstImport, loaded) = OpenAndImport(manifest);
        var opens = new List<double>();
        var imports = new List<double>();
        for (var i = 0; i < InProcessSamples; i++)
        {
            var (open, import, _) = OpenAndImport(manifest);
            opens.Add(open);
            imports.Add(import);
        }

        var childOpens = new List<double>();
        var childImports = new List<double>();
        var baselineImports = new List<double>();
        var baselineManifest = WriteBaselineModule();
        for (var i = 0; i < FreshProcessSamples; i++)
        {
            var (open, import) = RunChild(manifest);
            childOpens.Add(open);
            childImports.Add(import);
            baselineImports.Add(RunChild(baselineManifest).ImportMs);
        }

        var moduleFolder = Path.GetDirectoryName(manifest)!;
        var files = Directory.GetFiles(moduleFolder, "*", SearchOption.AllDirectories);
        var bytes = files.Sum(f => new FileInfo(f).Length);
        var binDlls = Directory.GetFiles(Path.Combine(moduleFolder, "bin"), "*.dll", SearchOption.TopDirectoryOnly).Length;
        var megabytes = bytes / 1024.0 / 1024.0;

        double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var inProcessImport = Median(imports);
        var inProcessOpen = Median(opens);
        var freshImport = Median(childImports);
        var freshOpen = Median(childOpens);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"In-process, new runspace per sample (median of {InProcessSamples}):"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine (CreateDefault2 + Open) {inProcessOpen,8:F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Import-Module CommsInvite      {inProcessImport,8:F1} ms   ratio import/engine {inProcessImport / inProcessOpen:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (first engine of the process {firstOpen:F1} ms, its import {firstImport:F1} ms; not in the median)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fresh process, first import (median of {FreshProcessSamples} child processes):"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine (CreateDefault2 + Open) {freshOpen,8:F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Import-Module CommsInvite      {freshImport,8:F1} ms   ratio import/engine {freshImport / freshOpen:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  samples: {string.Join(", ", childImports.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  for scale, a one-function script module with a manifest, same conditions: {Median(baselineImports):F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Assemblies the import loaded into the module's context: {loaded} (bin holds {binDlls}; the rest load on first use)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Module on disk: {bytes:N0} bytes = {megabytes:F2} MB in {files.Length} files"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Target: import under {ImportTargetMs} ms, fresh process  {Verdict(freshImport < ImportTargetMs)} ({freshImport:F1} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Target: import under {ImportTargetMs} ms, fresh engine    {Verdict(inProcessImport < ImportTargetMs)} ({inProcessImport:F1} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Target: module under {SizeTargetMb} MB                {Verdict(megabytes < SizeTargetMb)} ({megabytes:F2} MB)"));
        return 0;
    }

    private static string Verdict(bool pass) => pass ? "PASS" : "FAIL";

    private static (double OpenMs, double ImportMs, int LoadedInModuleContext) OpenAndImport(string manifest, bool warmUpFirst = false)
    {
        var clock = Stopwatch.StartNew();
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var open = clock.Elapsed.TotalMilliseconds;
        if (warmUpFirst)
        {
            using var warm = PowerShell.Create();
            warm.Runspace = runspace;
            warm.AddScript("$null = Get-Command -Name Get-Module; $x = @{ a = 1 }; if ($x.a -eq 1) { $null = 'ready' }").Invoke();
        }

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", ActionPreference.Stop);
        clock.Restart();
        ps.Invoke();
        var import = clock.Elapsed.TotalMilliseconds;

        var loaded = AssemblyLoadContext.All.Where(c => c.Name?.StartsWith("CommsInvite", StringComparison.Ordinal) == true).Sum(c => c.Assemblies.Count());
        return (open, import, loaded);
    }

    // A module with nothing to load: what any script module with a manifest costs PowerShell itself, cold.
    private static string WriteBaselineModule()
    {
        var folder = Path.Combine(Path.GetTempPath(), "CommsInvite.ImportBenchmark.Baseline");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Baseline.psm1"), "function Get-Baseline { 'baseline' }\n");
        File.WriteAllText(Path.Combine(folder, "Baseline.psd1"), "@{ RootModule = 'Baseline.psm1'; ModuleVersion = '1.0.0'; GUID = '0b7e9a52-3c1d-4f6e-8a2b-5d9c7e1f3a40'; FunctionsToExport = @('Get-Baseline'); CmdletsToExport = @() }\n");
        return Path.Combine(folder, "Baseline.psd1");
    }

    private static (double OpenMs, double ImportMs) RunChild(string manifest)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell this program's path.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        start.ArgumentList.Add(FirstImportFlag);
        start.ArgumentList.Add(manifest);
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"The child process failed with exit code {child.ExitCode}.");
        }

        var parts = line.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string FindBuiltManifest()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var source = Path.Combine(dir.FullName, "CommsInvite.psd1");
            if (File.Exists(source) && Directory.Exists(Path.Combine(dir.FullName, "module")))
            {
                var version = Regex.Match(File.ReadAllText(source), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
                var built = Path.Combine(dir.FullName, "out", "CommsInvite", version, "CommsInvite.psd1");
                return File.Exists(built) ? built : throw new InvalidOperationException($"{built} is missing: build src/CommsInvite first.");
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CommsInvite.psd1) above " + AppContext.BaseDirectory);
    }
}
