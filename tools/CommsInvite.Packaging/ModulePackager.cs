using System.Collections;
using System.IO.Compression;
using System.Management.Automation;
using System.Security;
using System.Text;
using SMA = System.Management.Automation;

namespace CommsInvite.Packaging;

/// <summary>The gallery metadata of a module, read from its manifest by the engine.</summary>
public sealed class ModulePackageMetadata
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public required string Authors { get; init; }
    public required string Owners { get; init; }
    public required string Description { get; init; }
    public required string Copyright { get; init; }
    public required string ProjectUrl { get; init; }
    public required string LicenseUrl { get; init; }
    public required string ReleaseNotes { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>
    /// The manifest's Tags plus the tags PowerShellGet/PSResourceGet add when publishing (PSModule, PSCmdlet_X,
    /// PSCommand_X, PSIncludes_Cmdlet), so Find-PSResource -CommandName finds the cmdlets.
    /// </summary>
    public required IReadOnlyList<string> Cmdlets { get; init; }

    public IEnumerable<string> AllTags()
    {
        var tags = new List<string> { "PSModule" };
        tags.AddRange(Tags);
        if (Cmdlets.Count > 0)
        {
            tags.Add("PSIncludes_Cmdlet");
        }

        foreach (var cmdlet in Cmdlets)
        {
            tags.Add("PSCmdlet_" + cmdlet);
            tags.Add("PSCommand_" + cmdlet);
        }

        return tags.Distinct(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// Builds a PowerShell Gallery .nupkg from a built module folder, without pwsh, PowerShellGet or nuget.exe: the
/// nuspec and OPC parts NuGet readers expect, and the module's files at the package root (where
/// Install-PSResource/Install-Module take them from).
/// </summary>
public static class ModulePackager
{
    private static readonly string[] ExcludedExtensions = { ".md", ".pdb", ".nupkg" };

    /// <summary>Files of the module folder that go into the package, as forward-slash paths relative to it.</summary>
    public static IReadOnlyList<string> PackageFiles(string moduleFolder) =>
        Directory.EnumerateFiles(moduleFolder, "*", SearchOption.AllDirectories)
            .Where(f => !ExcludedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(moduleFolder, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads the manifest with Test-ModuleManifest in a real engine: what the gallery will see.</summary>
    public static ModulePackageMetadata ReadMetadata(string manifestPath)
    {
        using var runspace = EngineRunspace.Open();
        using var ps = SMA.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddCommand("Test-ModuleManifest").AddParameter("Path", manifestPath).AddParameter("ErrorAction", "Stop");
        var info = ps.Invoke().Select(o => o.BaseObject).OfType<PSModuleInfo>().SingleOrDefault()
            ?? throw new InvalidOperationException($"Test-ModuleManifest returned nothing for {manifestPath}.");

        var psData = (info.PrivateData as Hashtable)?["PSData"] as Hashtable ?? new Hashtable();
        string Required(string? value, string field) =>
            string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"The manifest has no {field}; the gallery requires it.") : value!;

        return new ModulePackageMetadata
        {
            Id = info.Name,
            Version = info.Version.ToString(),
            Authors = Required(info.Author, "Author"),
            Owners = string.IsNullOrWhiteSpace(info.CompanyName) ? info.Author : info.CompanyName,
            Description = Required(info.Description, "Description"),
            Copyright = info.Copyright ?? string.Empty,
            ProjectUrl = Required(info.ProjectUri?.AbsoluteUri, "PrivateData.PSData.ProjectUri"),
            LicenseUrl = Required(info.LicenseUri?.AbsoluteUri, "PrivateData.PSData.LicenseUri"),
            ReleaseNotes = Required(psData["ReleaseNotes"] as string ?? info.ReleaseNotes, "PrivateData.PSData.ReleaseNotes"),
            Tags = info.Tags.Where(t => !string.IsNullOrWhiteSpace(t)).ToList(),
            Cmdlets = info.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList(),
        };
    }

    public static string Nuspec(ModulePackageMetadata metadata)
    {
        static string X(string value) => SecurityElement.Escape(value) ?? string.Empty;
        var text = new StringBuilder();
        text.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        text.Append("<package xmlns=\"http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd\">\n");
        text.Append("  <metadata>\n");
        text.Append("    <id>").Append(X(metadata.Id)).Append("</id>\n");
        text.Append("    <version>").Append(X(metadata.Version)).Append("</version>\n");
        text.Append("    <authors>").Append(X(metadata.Authors)).Append("</authors>\n");
        text.Append("    <owners>").Append(X(metadata.Owners)).Append("</owners>\n");
        text.Append("    <requireLicenseAcceptance>false</requireLicenseAcceptance>\n");
        text.Append("    <licenseUrl>").Append(X(metadata.LicenseUrl)).Append("</licenseUrl>\n");
        text.Append("    <projectUrl>").Append(X(metadata.ProjectUrl)).Append("</projectUrl>\n");
        text.Append("    <description>").Append(X(metadata.Description)).Append("</description>\n");
        text.Append("    <releaseNotes>").Append(X(metadata.ReleaseNotes)).Append("</releaseNotes>\n");
        text.Append("    <copyright>").Append(X(metadata.Copyright)).Append("</copyright>\n");
        text.Append("    <tags>").Append(X(string.Join(" ", metadata.AllTags()))).Append("</tags>\n");
        text.Append("  </metadata>\n");
        text.Append("</package>\n");
        return text.ToString();
    }

    /// <summary>Writes &lt;outputFolder&gt;/&lt;Id&gt;.&lt;Version&gt;.nupkg and returns its path.</summary>
    public static string Create(string moduleFolder, string outputFolder)
    {
        moduleFolder = Path.GetFullPath(moduleFolder);
        var manifest = Directory.EnumerateFiles(moduleFolder, "*.psd1", SearchOption.TopDirectoryOnly).SingleOrDefault()
            ?? throw new InvalidOperationException($"{moduleFolder} holds no module manifest (*.psd1): build the module first.");
        var metadata = ReadMetadata(manifest);
        var files = PackageFiles(moduleFolder);

        Directory.CreateDirectory(outputFolder);
        var packagePath = Path.Combine(outputFolder, $"{metadata.Id}.{metadata.Version}.nupkg");
        var temporary = packagePath + ".tmp";
        using (var stream = File.Create(temporary))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            var coreProperties = $"package/services/metadata/core-properties/{Guid.NewGuid():N}.psmdcp";
            AddText(zip, "_rels/.rels", Relationships(metadata.Id + ".nuspec", coreProperties));
            AddText(zip, metadata.Id + ".nuspec", Nuspec(metadata));
            foreach (var file in files)
            {
                var entry = zip.CreateEntry(file, CompressionLevel.Optimal);
                using var target = entry.Open();
                using var source = File.OpenRead(Path.Combine(moduleFolder, file));
                source.CopyTo(target);
            }

            AddText(zip, coreProperties, CoreProperties(metadata));
            AddText(zip, "[Content_Types].xml", ContentTypes(files));
        }

        File.Move(temporary, packagePath, overwrite: true);
        return packagePath;
    }

    private static void AddText(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write(text);
    }

    private static string Relationships(string nuspec, string coreProperties) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n" +
        $"  <Relationship Type=\"http://schemas.microsoft.com/packaging/2010/07/manifest\" Target=\"/{nuspec}\" Id=\"R{Hash(nuspec)}\" />\n" +
        $"  <Relationship Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"/{coreProperties}\" Id=\"R{Hash(coreProperties)}\" />\n" +
        "</Relationships>\n";

    private static string CoreProperties(ModulePackageMetadata metadata)
    {
        static string X(string value) => SecurityElement.Escape(value) ?? string.Empty;
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" +
            "<coreProperties xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" " +
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\">\n" +
            $"  <dc:creator>{X(metadata.Authors)}</dc:creator>\n" +
            $"  <dc:description>{X(metadata.Description)}</dc:description>\n" +
            $"  <dc:identifier>{X(metadata.Id)}</dc:identifier>\n" +
            $"  <version>{X(metadata.Version)}</version>\n" +
            $"  <keywords>{X(string.Join(" ", metadata.AllTags()))}</keywords>\n" +
            "  <lastModifiedBy>CommsInvite.Packaging</lastModifiedBy>\n" +
            "</coreProperties>\n";
    }

    private static string ContentTypes(IReadOnlyList<string> files)
    {
        var text = new StringBuilder();
        text.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        text.Append("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\n");
        text.Append("  <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\" />\n");
        text.Append("  <Default Extension=\"nuspec\" ContentType=\"application/octet\" />\n");
        text.Append("  <Default Extension=\"psmdcp\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\" />\n");
        var extensions = files.Select(f => Path.GetExtension(f).TrimStart('.'))
            .Where(e => e.Length > 0 && e is not "rels" and not "nuspec" and not "psmdcp")
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(e => e, StringComparer.OrdinalIgnoreCase);
        foreach (var extension in extensions)
        {
            text.Append("  <Default Extension=\"").Append(SecurityElement.Escape(extension)).Append("\" ContentType=\"application/octet\" />\n");
        }

        // A part without an extension (LICENSE) needs its own content type, or NuGet readers reject the package.
        foreach (var file in files.Where(f => Path.GetExtension(f).Length == 0))
        {
            text.Append("  <Override PartName=\"/").Append(SecurityElement.Escape(file)).Append("\" ContentType=\"application/octet\" />\n");
        }

        text.Append("</Types>\n");
        return text.ToString();
    }

    private static string Hash(string value)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value));
        return Convert.ToHexString(bytes, 0, 8);
    }
}
