using System.Text.RegularExpressions;
using CommsInvite.Packaging;

// Usage: CommsInvite.Packaging [-module out/CommsInvite/<ver>] [-output out/packages]
// Packs the built module folder into <output>/CommsInvite.<ver>.nupkg for a PowerShell Gallery or a local folder
// repository. `dotnet build tools/CommsInvite.Packaging -t:PackModule` builds the module first, then runs this.
//        CommsInvite.Packaging -import-check MODULES_FOLDER
// Imports CommsInvite by name from MODULES_FOLDER (put first on PSModulePath), as a user would after
// Install-PSResource, in this fresh process, and prints ModuleBase, the exported cmdlet count and a help synopsis.
// The package tests run it as a child process: one process must not load two copies of the module.
if (args.Length == 2 && args[0].Equals("-import-check", StringComparison.OrdinalIgnoreCase))
{
    return ImportCheck.Run(Path.GetFullPath(args[1]));
}

string? moduleFolder = null;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i].ToLowerInvariant())
    {
        case "-module" or "--module" when i + 1 < args.Length: moduleFolder = Path.GetFullPath(args[++i]); break;
        case "-output" or "--output" when i + 1 < args.Length: output = Path.GetFullPath(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'. usage: CommsInvite.Packaging [-module FOLDER] [-output FOLDER]");
            return 2;
    }
}

if (moduleFolder is null || output is null)
{
    var root = FindRepoRoot(Directory.GetCurrentDirectory()) ?? FindRepoRoot(AppContext.BaseDirectory);
    if (root is null)
    {
        Console.Error.WriteLine("Cannot find the repository root; pass -module and -output.");
        return 2;
    }

    var version = Regex.Match(File.ReadAllText(Path.Combine(root, "CommsInvite.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
    moduleFolder ??= Path.Combine(root, "out", "CommsInvite", version);
    output ??= Path.Combine(root, "out", "packages");
}

if (!Directory.Exists(moduleFolder))
{
    Console.Error.WriteLine($"{moduleFolder} is missing: run `dotnet build src/CommsInvite/CommsInvite.csproj` first.");
    return 2;
}

try
{
    var package = ModulePackager.Create(moduleFolder, output);
    Console.WriteLine($"CommsInvite package -> {package}");
    return 0;
}
catch (Exception ex) when (ex is InvalidOperationException or System.Management.Automation.RuntimeException or IOException)
{
    Console.Error.WriteLine("packaging failed: " + ex.Message);
    return 1;
}

static string? FindRepoRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CommsInvite.psd1")) && Directory.Exists(Path.Combine(dir.FullName, "module")))
        {
            return dir.FullName;
        }
    }

    return null;
}
