using System.Management.Automation;
using System.Runtime.Loader;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

public sealed class ModuleImportTests
{
    [Fact]
    public void Import_ExportsExactlyTheManifestCmdlets()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("(Get-Module CommsInvite).ExportedCmdlets.Keys").ThrowOnError();

        var exported = result.Output.Select(o => o.BaseObject.ToString()!).OrderBy(n => n).ToList();
        Assert.Equal(ModuleLayout.ManifestCmdlets.OrderBy(n => n).ToList(), exported);
        Assert.NotEmpty(exported);
    }

    [Fact]
    public void Import_Force_TwiceInOneSession_KeepsEveryCmdlet()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        session.ImportModule(force: true);
        session.ImportModule(force: true);

        var result = session.Run("(Get-Command -Module CommsInvite).Name").ThrowOnError();

        Assert.Equal(
            ModuleLayout.ManifestCmdlets.OrderBy(n => n).ToList(),
            result.Output.Select(o => o.BaseObject.ToString()!).OrderBy(n => n).ToList());

        // And they still run.
        var participant = session.Run("New-CsGraphInvitationParticipant -PhoneNumber +12345678901").ThrowOnError();
        Assert.Equal("Phone:+12345678901", Assert.Single(participant.Output).ToString());
    }

    [Fact]
    public void RemoveModule_ThenImportAgain_Works()
    {
        using var session = new PowerShellSession();
        session.ImportModule();
        session.Run("Remove-Module CommsInvite -ErrorAction Stop").ThrowOnError();
        Assert.Empty(session.Run("Get-Command -Module CommsInvite").Output);

        session.ImportModule();
        var result = session.Run("Get-Command Get-CsGraphContext -ErrorAction Stop").ThrowOnError();
        Assert.Single(result.Output);
    }

    [Fact]
    public void TestModuleManifest_PassesOnTheBuiltModule()
    {
        using var session = new PowerShellSession();

        var result = session.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", ModuleLayout.BuiltManifestPath).ThrowOnError();

        var info = Assert.IsType<PSModuleInfo>(Assert.Single(result.Output).BaseObject);
        Assert.Equal(ModuleLayout.ModuleVersion, info.Version.ToString(3));
        Assert.Contains("Desktop", info.CompatiblePSEditions);
        Assert.Contains("Core", info.CompatiblePSEditions);
    }

    [Fact]
    public void CmdletAssembly_LoadsIntoThePrivateContext_NotTheDefaultOne()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("(Get-Command Get-CsGraphContext).ImplementingType.Assembly").ThrowOnError();

        var assembly = Assert.IsAssignableFrom<System.Reflection.Assembly>(Assert.Single(result.Output).BaseObject);
        var context = AssemblyLoadContext.GetLoadContext(assembly);
        Assert.NotNull(context);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.StartsWith("CommsInvite", context!.Name);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "CommsInvite");
    }

    [Fact]
    public void Manifest_ListsNoDependencyInNestedModulesOrRequiredAssemblies()
    {
        using var session = new PowerShellSession();
        var result = session.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", ModuleLayout.BuiltManifestPath).ThrowOnError();
        var info = (PSModuleInfo)result.Output.Single().BaseObject;

        Assert.Empty(info.RequiredAssemblies);
        Assert.Empty(info.NestedModules);
        Assert.Empty(info.RequiredModules);
        Assert.Equal("CommsInvite.psm1", Path.GetFileName(info.RootModule));

        // Whatever these keys name, PowerShell loads itself, into the default context, where the first module to load MSAL
        // or IdentityModel wins. None of them may name a bin/ assembly (the psm1 hands them to the private context instead).
        var manifestText = File.ReadAllText(ModuleLayout.BuiltManifestPath);
        var loadingKeys = System.Text.RegularExpressions.Regex.Matches(
                manifestText,
                @"(?m)^\s*(?:RootModule|ModuleToProcess|NestedModules|RequiredAssemblies|RequiredModules|ScriptsToProcess|TypesToProcess|FormatsToProcess)\s*=\s*(?:@\([^)]*\)|[^\r\n]*)")
            .Select(m => m.Value).ToList();
        Assert.Contains(loadingKeys, k => k.TrimStart().StartsWith("RootModule", StringComparison.Ordinal));
        var binAssemblies = Directory.GetFiles(Path.Combine(ModuleLayout.ModuleFolder, "bin"), "*.dll", SearchOption.AllDirectories)
            .Select(f => Path.GetFileNameWithoutExtension(f)).Distinct().ToList();
        Assert.NotEmpty(binAssemblies);
        Assert.DoesNotContain(loadingKeys, k => k.Contains(".dll", StringComparison.OrdinalIgnoreCase)
            || binAssemblies.Any(name => k.Contains("'" + name + "'", StringComparison.OrdinalIgnoreCase) || k.Contains("\"" + name + "\"", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void ModuleFolder_HoldsBinariesButNotSystemManagementAutomation()
    {
        var bin = Path.Combine(ModuleLayout.ModuleFolder, "bin");
        Assert.True(File.Exists(Path.Combine(bin, "CommsInvite.dll")));
        Assert.True(File.Exists(Path.Combine(bin, "CommsInvite.Core.dll")));
        Assert.True(File.Exists(Path.Combine(bin, "Microsoft.Identity.Client.dll")));
        Assert.True(File.Exists(Path.Combine(bin, "loader", "net8.0", "CommsInvite.Loader.dll")));
        Assert.True(File.Exists(Path.Combine(bin, "loader", "netstandard2.0", "CommsInvite.Loader.dll")));
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleFolder, "CommsInvite.psm1")));
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleFolder, "CommsInvite.Format.ps1xml")));
        Assert.False(File.Exists(Path.Combine(bin, "System.Management.Automation.dll")));
    }
}
