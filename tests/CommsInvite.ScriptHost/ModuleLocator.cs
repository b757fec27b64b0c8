namespace CommsInvite.ScriptHost;

/// <summary>Finds out/CommsInvite/&lt;version&gt;/CommsInvite.psd1 from the repository this program was built in.</summary>
internal static class ModuleLocator
{
    public static string FindBuiltManifest()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommsInvite.sln")))
            {
                string outRoot = Path.Combine(dir.FullName, "out", "CommsInvite");
                string? versionDir = Directory.Exists(outRoot)
                    ? Directory.GetDirectories(outRoot).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
                    : null;
                if (versionDir is null)
                {
                    throw new InvalidOperationException($"The module is not built: {outRoot} is missing. Run: dotnet build CommsInvite.sln");
                }

                return Path.Combine(versionDir, "CommsInvite.psd1");
            }
        }

        throw new InvalidOperationException("CommsInvite.sln not found above " + AppContext.BaseDirectory);
    }
}
