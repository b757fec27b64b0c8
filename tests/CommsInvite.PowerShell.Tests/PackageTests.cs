using System.IO.Compression;
using System.Management.Automation;
using System.Xml.Linq;
using CommsInvite.Packaging;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>Packs the built module once into a temporary folder; the tests read that one package.</summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Folder = Directory.CreateTempSubdirectory("CommsInvite.PackageTests.").FullName;
        PackagePath = ModulePackager.Create(ModuleLayout.ModuleFolder, Folder);
    }

    public string Folder { get; }

    public string PackagePath { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A module imported from the extracted package may still hold its DLLs open on Windows.
        }
    }
}

public sealed class PackageTests : IClassFixture<PackageFixture>
{
    private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";
    private readonly PackageFixture _package;

    public PackageTests(PackageFixture package) => _package = package;

    [Fact]
    public void Package_IsNamedAfterTheManifest_IdAndVersion()
    {
        Assert.Equal($"CommsInvite.{ModuleLayout.ModuleVersion}.nupkg", Path.GetFileName(_package.PackagePath));
    }

    [Fact]
    public void FileList_HasTheModuleFiles_AndNoMarkdownOrPdb()
    {
        using var zip = ZipFile.OpenRead(_package.PackagePath);
        var names = zip.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("CommsInvite.nuspec", names);
        Assert.Contains("CommsInvite.psd1", names);
        Assert.Contains("CommsInvite.psm1", names);
        Assert.Contains("CommsInvite.Format.ps1xml", names);
        Assert.Contains("en-US/CommsInvite.dll-Help.xml", names);
        Assert.Contains("en-US/about_CommsInvite.help.txt", names);
        Assert.Contains("bin/CommsInvite.dll", names);
        Assert.Contains("bin/CommsInvite.Core.dll", names);
        Assert.Contains("bin/Microsoft.Identity.Client.dll", names);
        Assert.Contains("bin/loader/net8.0/CommsInvite.Loader.dll", names);
        Assert.Contains("bin/loader/netstandard2.0/CommsInvite.Loader.dll", names);
        Assert.Contains("[Content_Types].xml", names);
        Assert.Contains("_rels/.rels", names);
        Assert.DoesNotContain(names, n => n.EndsWith(".md", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.StartsWith("help/", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(names, n => n.EndsWith("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase));

        // Every file of the built module folder is in the package, byte for byte.
        foreach (var file in ModulePackager.PackageFiles(ModuleLayout.ModuleFolder))
        {
            var entry = zip.GetEntry(file);
            Assert.True(entry is not null, $"{file} is missing from the package");
            Assert.Equal(new FileInfo(Path.Combine(ModuleLayout.ModuleFolder, file)).Length, entry!.Length);
        }
    }

    [Fact]
    public void Nuspec_MatchesTheManifest()
    {
        using var session = new PowerShellSession();
        var manifest = Assert.IsType<PSModuleInfo>(Assert.Single(
            session.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", ModuleLayout.BuiltManifestPath).ThrowOnError().Output).BaseObject);

        using var zip = ZipFile.OpenRead(_package.PackagePath);
        using var stream = zip.GetEntry("CommsInvite.nuspec")!.Open();
        var metadata = XDocument.Load(stream).Root!.Element(Nuspec + "metadata")!;
        string Field(string name) => metadata.Element(Nuspec + name)?.Value ?? throw new Xunit.Sdk.XunitException($"nuspec has no <{name}>");

        Assert.Equal("CommsInvite", Field("id"));
        Assert.Equal(manifest.Version.ToString(), Field("version"));
        Assert.Equal(manifest.Author, Field("authors"));
        Assert.Equal(manifest.Description, Field("description"));
        Assert.Equal(manifest.ProjectUri!.AbsoluteUri, Field("projectUrl"));
        Assert.Equal(manifest.LicenseUri!.AbsoluteUri, Field("licenseUrl"));
        Assert.Equal(manifest.ReleaseNotes, Field("releaseNotes"));
        Assert.Equal(manifest.Copyright, Field("copyright"));

        var tags = Field("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("PSModule", tags);
        Assert.All(manifest.Tags, tag => Assert.Contains(tag, tags));
        Assert.All(ModuleLayout.ManifestCmdlets, cmdlet => Assert.Contains("PSCmdlet_" + cmdlet, tags));
    }

    [Fact]
    public void NuGetsOwnReader_ReadsThePackage()
    {
        // PSResourceGet and PowerShellGet read packages with NuGet.Packaging; the .NET SDK running these tests ships it.
        var sdkFolder = NuGetFromSdk.Folder();
        var context = new NuGetFromSdk(sdkFolder);
        var assembly = context.LoadFromAssemblyPath(Path.Combine(sdkFolder, "NuGet.Packaging.dll"));
        var readerType = assembly.GetType("NuGet.Packaging.PackageArchiveReader", throwOnError: true)!;
        // PackageArchiveReader(string filePath, <optional framework providers>): pass nulls for the optional ones.
        var constructor = readerType.GetConstructors()
            .Where(c => c.GetParameters() is { Length: > 0 } p && p[0].ParameterType == typeof(string) && p.Skip(1).All(x => x.IsOptional))
            .OrderBy(c => c.GetParameters().Length)
            .First();
        var arguments = new object?[constructor.GetParameters().Length];
        arguments[0] = _package.PackagePath;
        var reader = (IDisposable)constructor.Invoke(arguments);
        try
        {
            var nuspec = readerType.GetProperty("NuspecReader")!.GetValue(reader)!;
            string Call(string method) => nuspec.GetType().GetMethod(method, Type.EmptyTypes)!.Invoke(nuspec, null)!.ToString()!;
            Assert.Equal("CommsInvite", Call("GetId"));
            Assert.Equal(ModuleLayout.ModuleVersion, Call("GetVersion"));
            var files = ((IEnumerable<string>)readerType.GetMethod("GetFiles", Type.EmptyTypes)!.Invoke(reader, null)!).ToList();
            Assert.Contains("bin/CommsInvite.dll", files);
            Assert.Contains("en-US/CommsInvite.dll-Help.xml", files);
        }
        finally
        {
            reader.Dispose();
            context.Unload();
        }
    }

    [Fact]
    public void Manifest_HasWhatTheGalleryRequires()
    {
        using var session = new PowerShellSession();
        var info = Assert.IsType<PSModuleInfo>(Assert.Single(
            session.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", ModuleLayout.BuiltManifestPath).ThrowOnError().Output).BaseObject);

        Assert.NotEqual(Guid.Empty, info.Guid);
        Assert.False(string.IsNullOrWhiteSpace(info.Author));
        Assert.False(string.IsNullOrWhiteSpace(info.Description));
        Assert.Equal(new Version(5, 1), info.PowerShellVersion);
        Assert.Equal(new[] { "Core", "Desktop" }, info.CompatiblePSEditions.OrderBy(e => e).ToArray());
        Assert.NotEmpty(info.Tags);
        Assert.DoesNotContain(info.Tags, t => t.Contains(' '));
        Assert.NotNull(info.ProjectUri);
        Assert.NotNull(info.LicenseUri);
        Assert.False(string.IsNullOrWhiteSpace(info.ReleaseNotes));

        // Explicit lists, no wildcards: the gallery and command discovery read them without loading the module.
        var text = File.ReadAllText(ModuleLayout.SourceManifestPath);
        Assert.DoesNotContain("'*'", text);
        Assert.Equal(ModuleLayout.ManifestCmdlets.OrderBy(c => c), info.ExportedCmdlets.Keys.OrderBy(c => c));
    }

    [Fact]
    public async Task ExtractedPackage_ImportsAndHasHelp_AsInstallPSResourceLeavesIt()
    {
        // Install-PSResource from a folder repository unpacks the .nupkg to <modules>/CommsInvite/<version>/.
        var modules = Path.Combine(_package.Folder, "Modules");
        var target = Path.Combine(modules, "CommsInvite", ModuleLayout.ModuleVersion);
        ZipFile.ExtractToDirectory(_package.PackagePath, target);
        foreach (var packagingPart in new[] { "[Content_Types].xml", "_rels", "package" })
        {
            var path = Path.Combine(target, packagingPart);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            if (File.Exists(path)) File.Delete(path);
        }

        // In a child process: the engine caches cmdlet metadata by type name, so one process that loads two copies of
        // the module (out/ and this one) confuses them. A user's session loads one.
        var tool = Path.Combine(AppContext.BaseDirectory, "CommsInvite.Packaging.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        start.ArgumentList.Add("-import-check");
        start.ArgumentList.Add(modules);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        var errors = await stderr;
        Assert.True(process.ExitCode == 0, $"import check failed ({process.ExitCode}): {errors}\n{output}");

        var values = output.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, values.Length);
        Assert.Equal(Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(values[0]!).TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(ModuleLayout.ManifestCmdlets.Count.ToString(), values[1]);
        Assert.StartsWith("Invites users", values[2]);
        Assert.Equal("phone", values[3], ignoreCase: true);
    }
}

/// <summary>Loads the NuGet client assemblies of the .NET SDK that runs the tests, apart from the test's own.</summary>
internal sealed class NuGetFromSdk : System.Runtime.Loader.AssemblyLoadContext
{
    private readonly string _folder;

    public NuGetFromSdk(string folder)
        : base("NuGetFromSdk", isCollectible: true) => _folder = folder;

    /// <summary>&lt;dotnet root&gt;/sdk/&lt;newest&gt;/ holding NuGet.Packaging.dll.</summary>
    public static string Folder()
    {
        var roots = new[]
        {
            Environment.GetEnvironmentVariable("DOTNET_ROOT"),
            Path.GetDirectoryName(Environment.ProcessPath),
            Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
        };
        var folder = roots.Where(r => !string.IsNullOrEmpty(r) && Directory.Exists(Path.Combine(r!, "sdk")))
            .SelectMany(r => Directory.EnumerateDirectories(Path.Combine(r!, "sdk")))
            .Where(d => File.Exists(Path.Combine(d, "NuGet.Packaging.dll")))
            .OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version(0, 0))
            .FirstOrDefault();
        return folder ?? throw new Xunit.Sdk.XunitException("No .NET SDK folder with NuGet.Packaging.dll found beside the running dotnet.");
    }

    protected override System.Reflection.Assembly? Load(System.Reflection.AssemblyName assemblyName)
    {
        var path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
