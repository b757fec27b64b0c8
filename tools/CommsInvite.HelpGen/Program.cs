using System.Text.RegularExpressions;
using CommsInvite.HelpGen;

// Usage: dotnet run --project tools/CommsInvite.HelpGen [-- [-check] [-repo PATH] [-module PATH/CommsInvite.psd1]]
// Writes module/en-US/CommsInvite.dll-Help.xml and about_CommsInvite.help.txt from module/help/*.md, using the
// built module (out/CommsInvite/<ModuleVersion>, from `dotnet build src/CommsInvite`) for syntax and types.
// -check writes nothing and exits 1 when the committed files differ from what would be generated.
var check = false;
string? repoRoot = null;
string? manifest = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i].ToLowerInvariant())
    {
        case "-check" or "--check": check = true; break;
        case "-repo" or "--repo" when i + 1 < args.Length: repoRoot = Path.GetFullPath(args[++i]); break;
        case "-module" or "--module" when i + 1 < args.Length: manifest = Path.GetFullPath(args[++i]); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'. usage: CommsInvite.HelpGen [-check] [-repo PATH] [-module MANIFEST]");
            return 2;
    }
}

repoRoot ??= FindRepoRoot(Directory.GetCurrentDirectory()) ?? FindRepoRoot(AppContext.BaseDirectory);
if (repoRoot is null)
{
    Console.Error.WriteLine("Cannot find the repository root (CommsInvite.psd1 beside module/); pass -repo PATH.");
    return 2;
}

if (manifest is null)
{
    var version = Regex.Match(File.ReadAllText(Path.Combine(repoRoot, "CommsInvite.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
    manifest = Path.Combine(repoRoot, "out", "CommsInvite", version, "CommsInvite.psd1");
}

if (!File.Exists(manifest))
{
    Console.Error.WriteLine($"{manifest} is missing: run `dotnet build src/CommsInvite/CommsInvite.csproj` first.");
    return 2;
}

var help = HelpGenerator.Generate(repoRoot, manifest);
foreach (var problem in help.Problems)
{
    Console.Error.WriteLine("help: " + problem);
}

var outputFolder = HelpGenerator.OutputFolder(repoRoot);
var files = new[]
{
    (Path: Path.Combine(outputFolder, HelpGenerator.MamlFileName), Text: help.MamlXml),
    (Path: Path.Combine(outputFolder, HelpGenerator.AboutFileName), Text: help.AboutText),
};

if (check)
{
    var stale = files.Where(f => !File.Exists(f.Path) || Normalize(File.ReadAllText(f.Path)) != f.Text).Select(f => f.Path).ToList();
    foreach (var path in stale)
    {
        Console.Error.WriteLine($"help: {path} is stale: run `dotnet run --project tools/CommsInvite.HelpGen` and commit it.");
    }

    return stale.Count == 0 && help.Problems.Count == 0 ? 0 : 1;
}

Directory.CreateDirectory(outputFolder);
foreach (var (path, text) in files)
{
    File.WriteAllText(path, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    Console.WriteLine($"wrote {Path.GetRelativePath(repoRoot, path)}");
}

Console.WriteLine(help.Problems.Count == 0 ? "help is complete." : $"{help.Problems.Count} problem(s): the help tests will fail until they are fixed.");
Console.WriteLine("Rebuild the module (dotnet build src/CommsInvite/CommsInvite.csproj) to copy the help into out/CommsInvite.");
return help.Problems.Count == 0 ? 0 : 1;

static string Normalize(string text) => text.Replace("\r\n", "\n");

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
