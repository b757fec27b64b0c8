#if !NET8_0_OR_GREATER
using System;
using System.IO;
using System.Reflection;

namespace CommsInvite.Loader
{
    /// <summary>
    /// Windows PowerShell 5.1 has no load contexts. The next best thing: an AssemblyResolve handler that
    /// answers only when one of this module's own assemblies asks, so it never hands our MSAL to another
    /// module that asked for its own.
    /// </summary>
    public static class ModuleAssemblyResolver
    {
        private static readonly object Gate = new object();
        private static string? _binFolder;
        private static bool _registered;

        /// <summary>Loads the cmdlet assembly from <paramref name="binFolder"/> and starts answering for it.</summary>
        public static Assembly Register(string binFolder)
        {
            if (string.IsNullOrEmpty(binFolder))
            {
                throw new ArgumentException("The module's bin folder is required.", nameof(binFolder));
            }

            lock (Gate)
            {
                _binFolder = Path.GetFullPath(binFolder);
                if (!_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                    _registered = true;
                }

                return Assembly.LoadFrom(Path.Combine(_binFolder, "CommsInvite.dll"));
            }
        }

        /// <summary>Stops answering (Remove-Module). Assemblies already loaded stay loaded.</summary>
        public static void Unregister()
        {
            lock (Gate)
            {
                if (_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
                    _registered = false;
                }
            }
        }

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            string? binFolder = _binFolder;
            Assembly? requester = args.RequestingAssembly;
            if (binFolder is null || requester is null || requester.IsDynamic || !IsInFolder(requester.Location, binFolder))
            {
                return null;
            }

            string? name = new AssemblyName(args.Name).Name;
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            string candidate = Path.Combine(binFolder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }

        private static bool IsInFolder(string? path, string folder)
        {
            if (string.IsNullOrEmpty(path))
            {
                return false;
            }

            string directory = Path.GetDirectoryName(path) ?? string.Empty;
            return string.Equals(
                directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
                folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar),
                StringComparison.OrdinalIgnoreCase);
        }
    }
}
#endif
