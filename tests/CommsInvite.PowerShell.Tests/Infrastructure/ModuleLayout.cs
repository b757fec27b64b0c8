using System.Text.RegularExpressions;

namespace CommsInvite.PowerShell.Tests.Infrastructure;

/// <summary>Where the repository and the built module are, found from the test's own location.</summary>
public static class ModuleLayout
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    public static string RepoRoot => Root.Value;

    public static string SourceManifestPath => Path.Combine(RepoRoot, "CommsInvite.psd1");

    /// <summary>ModuleVersion from the root manifest, the same value Directory.Build.props reads.</summary>
    public static string ModuleVersion
    {
        get
        {
            var match = Regex.Match(File.ReadAllText(SourceManifestPath), @"ModuleVersion\s*=\s*'([0-9.]+)'");
            if (!match.Success) throw new InvalidOperationException("CommsInvite.psd1 has no ModuleVersion.");
            return match.Groups[1].Value;
        }
    }

    public static string ModuleFolder => Path.Combine(RepoRoot, "out", "CommsInvite", ModuleVersion);

    public static string BuiltManifestPath
    {
        get
        {
            var path = Path.Combine(ModuleFolder, "CommsInvite.psd1");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The module is not built: {path} is missing. Run `dotnet build src/CommsInvite`.");
            }

            return path;
        }
    }

    /// <summary>CmdletsToExport as written in the manifest.</summary>
    public static IReadOnlyList<string> ManifestCmdlets
    {
        get
        {
            var text = File.ReadAllText(SourceManifestPath);
            var block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
            return Regex.Matches(block.Groups["list"].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();
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
}
