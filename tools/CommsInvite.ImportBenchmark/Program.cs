using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CommsInvite.ImportBenchmark;

/// <summary>
/// How long the first Import-Module CommsInvite takes in a fresh pwsh, the real one users run (the PowerShell
/// dotnet tool pinned in .config/dotnet-tools.json). Each sample is a new `pwsh -NoProfile -NonInteractive` process
/// that first imports a one-function script module (so the engine's own first-use JIT, which any first command
/// pays, is not charged to CommsInvite), then times `Import-Module CommsInvite` by name with a Stopwatch inside the
/// process. The same is done for a second one-function script module as the baseline: PowerShell's own cost of
/// importing a module by name. A third series warms PowerShell's formatting too (Get-Date | Out-String) before the
/// import, which separates the engine's one-time build of its format tables (paid by the first output of any
/// session, or by the first module with format files) from CommsInvite's own cost. Prints the medians of 7 and the
/// ratios, the module's size on disk, and the assemblies the import loaded. Not a test: it prints figures, nothing fails a build.
/// Usage: dotnet run -c Release --project tools/CommsInvite.ImportBenchmark [-- --samples N] [-- --pwsh PATH]
/// </summary>
public static class Program
{
    private const double ImportTargetMs = 100;
    private const double SizeTargetMb = 15;

    public static int Main(string[] args)
    {
        var samples = 7;
        string? pwsh = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--samples") samples = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--pwsh") pwsh = args[++i];
        }

        var repoRoot = FindRepoRoot();
        var manifest = FindBuiltManifest(repoRoot);
        pwsh ??= FindPwsh(repoRoot);
        var modules = WriteBaselineModules();
        var modulePath = string.Join(Path.PathSeparator, Path.Combine(repoRoot, "out"), modules);

        Console.WriteLine($"Module:  {manifest}");
        Console.WriteLine($"pwsh:    {pwsh} ({Run(pwsh, modulePath, "$PSVersionTable.PSVersion.ToString()").Trim()})");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()} at start, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine();

        var commsInvite = new List<Sample>();
        var baseline = new List<Sample>();
        var formatWarmed = new List<Sample>();
        for (var i = 0; i < samples; i++)
        {
            // Alternate, so that machine noise falls on all alike.
            commsInvite.Add(Measure(pwsh, modulePath, "CommsInvite", warmFormatting: false));
            baseline.Add(Measure(pwsh, modulePath, "OneFunction", warmFormatting: false));
            formatWarmed.Add(Measure(pwsh, modulePath, "CommsInvite", warmFormatting: true));
        }

        var import = Median(commsInvite.Select(s => s.ImportMs));
        var baselineImport = Median(baseline.Select(s => s.ImportMs));
        var moduleFolder = Path.GetDirectoryName(manifest)!;
        var files = Directory.GetFiles(moduleFolder, "*", SearchOption.AllDirectories);
        var megabytes = files.Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;

        Console.WriteLine(F($"First Import-Module by name in a fresh pwsh, after a one-function module warmed the engine (median of {samples}):"));
        Console.WriteLine(F($"  CommsInvite              {import,8:F1} ms   samples {Join(commsInvite.Select(s => s.ImportMs))}"));
        Console.WriteLine(F($"  one-function module      {baselineImport,8:F1} ms   samples {Join(baseline.Select(s => s.ImportMs))}"));
        Console.WriteLine(F($"  ratio CommsInvite/one-function {import / baselineImport:F2}"));
        Console.WriteLine(F($"  warm-up import (the first module of the process): {Median(commsInvite.Select(s => s.WarmMs)):F1} ms"));
        var warmed = Median(formatWarmed.Select(s => s.ImportMs));
        Console.WriteLine(F($"  CommsInvite when the warm-up also formatted output (Get-Date | Out-String), so PowerShell's format"));
        Console.WriteLine(F($"  tables were built before: {warmed,8:F1} ms   samples {Join(formatWarmed.Select(s => s.ImportMs))}   ratio to one-function {warmed / baselineImport:F2}"));
        Console.WriteLine(F($"  assemblies the import loaded: {commsInvite[0].Loaded} ({string.Join(", ", commsInvite[0].Assemblies)})"));
        Console.WriteLine(F($"Module on disk: {megabytes:F2} MB in {files.Length} files"));
        Console.WriteLine(F($"Load average at the end: {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine(F($"Target: first import under {ImportTargetMs} ms  {(import < ImportTargetMs ? "met" : "not met")} ({import:F1} ms)"));
        Console.WriteLine(F($"Target: module under {SizeTargetMb} MB         {(megabytes < SizeTargetMb ? "met" : "not met")} ({megabytes:F2} MB)"));
        return 0;
    }

    private sealed record Sample(double WarmMs, double ImportMs, int Loaded, string[] Assemblies);

    private static Sample Measure(string pwsh, string modulePath, string module, bool warmFormatting)
    {
        var warmUp = warmFormatting ? "Import-Module Warm -ErrorAction Stop; $null = Get-Date | Out-String" : "Import-Module Warm -ErrorAction Stop";
        // One line of JSON from the child: the warm-up import, the measured import, and the CommsInvite assemblies loaded.
        var script = $$"""
            $clock = [System.Diagnostics.Stopwatch]::StartNew(); {{warmUp}}; $warm = $clock.Elapsed.TotalMilliseconds
            $clock.Restart(); Import-Module {{module}} -ErrorAction Stop; $import = $clock.Elapsed.TotalMilliseconds
            $loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'CommsInvite*' } | ForEach-Object { $_.GetName().Name })
            @{ warm = $warm; import = $import; loaded = $loaded } | ConvertTo-Json -Compress
            """;
        var line = Run(pwsh, modulePath, script).Trim().Split('\n').Last();
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var loaded = root.GetProperty("loaded").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return new Sample(root.GetProperty("warm").GetDouble(), root.GetProperty("import").GetDouble(), loaded.Length, loaded);
    }

    private static string Run(string pwsh, string modulePath, string script)
    {
        var start = new ProcessStartInfo(pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-NoProfile", "-NonInteractive", "-Command", script })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PSModulePath"] = modulePath;
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        start.Environment["NO_COLOR"] = "1";
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh failed with exit code {child.ExitCode}: {error.Result}");
        }

        return output;
    }

    // Two script modules with one function each: Warm (imported first in every sample) and OneFunction (the baseline).
    private static string WriteBaselineModules()
    {
        var folder = Path.Combine(Path.GetTempPath(), "CommsInvite.ImportBenchmark.Modules");
        foreach (var name in new[] { "Warm", "OneFunction" })
        {
            var moduleFolder = Path.Combine(folder, name);
            Directory.CreateDirectory(moduleFolder);
            File.WriteAllText(Path.Combine(moduleFolder, name + ".psm1"), $"function Get-{name} {{ '{name}' }}\n");
            File.WriteAllText(
                Path.Combine(moduleFolder, name + ".psd1"),
                $"@{{ RootModule = '{name}.psm1'; ModuleVersion = '1.0.0'; GUID = '{Guid.NewGuid()}'; FunctionsToExport = @('Get-{name}'); CmdletsToExport = @(); AliasesToExport = @(); VariablesToExport = @() }}\n");
        }

        return folder;
    }

    // The pinned PowerShell tool's own pwsh: `dotnet pwsh` from the repository root tells where its $PSHOME is.
    private static string FindPwsh(string repoRoot)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = repoRoot };
        foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var home = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        var pwsh = Path.Combine(home, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        return process.ExitCode == 0 && File.Exists(pwsh)
            ? pwsh
            : throw new InvalidOperationException("Cannot find the pinned pwsh: run `dotnet tool restore` in the repository first.");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)));

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

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

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommsInvite.psd1")) && Directory.Exists(Path.Combine(dir.FullName, "module")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CommsInvite.psd1) above " + AppContext.BaseDirectory);
    }

    private static string FindBuiltManifest(string repoRoot)
    {
        var version = Regex.Match(File.ReadAllText(Path.Combine(repoRoot, "CommsInvite.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        var built = Path.Combine(repoRoot, "out", "CommsInvite", version, "CommsInvite.psd1");
        return File.Exists(built) ? built : throw new InvalidOperationException($"{built} is missing: build src/CommsInvite first.");
    }
}
