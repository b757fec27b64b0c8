#if NET8_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace CommsInvite.Loader;

/// <summary>
/// PowerShell 7: a private load context for the cmdlet assembly and its dependencies (MSAL, Graph.Core,
/// IdentityModel, ...). Other modules ship their own, different versions of the same libraries; whichever
/// loads first into the default context wins there, so ours never go there.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    // One context per module folder for the life of the process: an assembly cannot be unloaded from a
    // non-collectible context, so Import-Module -Force hands back the same one instead of loading twice.
    private static readonly ConcurrentDictionary<string, ModuleLoadContext> ContextsByFolder =
        new(StringComparer.Ordinal);

    // These families are exactly what other Graph/Teams/Az modules ship in other versions. They stay private
    // even when a host happens to list them among its trusted assemblies (a test host, a custom app).
    private static readonly string[] AlwaysPrivatePrefixes =
    {
        "Microsoft.Identity.",
        "Microsoft.IdentityModel.",
        "Microsoft.Graph.",
        "Microsoft.Kiota.",
        "Azure.",
        "Std.UriTemplate",
        "System.IdentityModel.",
        "CommsInvite.",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, string>> TrustedPlatformAssemblies =
        new(ReadTrustedPlatformAssemblies);

    private readonly string _binFolder;
    private readonly ConcurrentDictionary<string, Version?> _trustedVersions = new(StringComparer.OrdinalIgnoreCase);

    private ModuleLoadContext(string binFolder)
        : base($"CommsInvite ({binFolder})", isCollectible: false)
    {
        _binFolder = binFolder;
        ModuleAssembly = LoadFromAssemblyPath(Path.Combine(binFolder, "CommsInvite.dll"));
    }

    /// <summary>The cmdlet assembly, loaded in this context, to hand to Import-Module -Assembly.</summary>
    public Assembly ModuleAssembly { get; }

    /// <summary>Returns the cmdlet assembly of the module whose binaries are in <paramref name="binFolder"/>.</summary>
    public static Assembly Initialize(string binFolder)
    {
        if (string.IsNullOrEmpty(binFolder))
        {
            throw new ArgumentException("The module's bin folder is required.", nameof(binFolder));
        }

        string fullPath = Path.GetFullPath(binFolder);
        return ContextsByFolder.GetOrAdd(fullPath, static path => new ModuleLoadContext(path)).ModuleAssembly;
    }

    /// <summary>True when <paramref name="assembly"/> was loaded by a CommsInvite load context.</summary>
    public static bool IsModuleAssembly(Assembly assembly) => GetLoadContext(assembly) is ModuleLoadContext;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? name = assemblyName.Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        // The host's engine: cmdlets must bind to the very types the running PowerShell uses.
        if (string.Equals(name, "System.Management.Automation", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string candidate = Path.Combine(_binFolder, name + ".dll");
        bool inBin = File.Exists(candidate);

        if (!IsAlwaysPrivate(name) && IsSatisfiedByTrustedPlatform(name, assemblyName.Version))
        {
            // Framework assembly (System.Text.Json, System.Memory, ...) at least as new as we need: share it.
            return null;
        }

        return inBin ? LoadFromAssemblyPath(candidate) : null;
    }

    private static bool IsAlwaysPrivate(string name)
    {
        foreach (string prefix in AlwaysPrivatePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSatisfiedByTrustedPlatform(string name, Version? requested)
    {
        if (!TrustedPlatformAssemblies.Value.TryGetValue(name, out string? path))
        {
            return false;
        }

        Version? available = _trustedVersions.GetOrAdd(name, _ => ReadVersion(path));
        return available is not null && (requested is null || available >= requested);
    }

    private static Version? ReadVersion(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Version;
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IReadOnlyDictionary<string, string> ReadTrustedPlatformAssemblies()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                byName.TryAdd(Path.GetFileNameWithoutExtension(path), path);
            }
        }

        return byName;
    }
}
#endif
