using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using CommsInvite.Core.Notifications;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

namespace CommsInvite.Core.Auth;

/// <summary>
/// Keeps a public client's token cache in the platform's secure store through Microsoft.Identity.Client.Extensions.Msal:
/// DPAPI on Windows, the Keychain on macOS, libsecret (the keyring over D-Bus) on Linux. The store is tried once before
/// it is used (a write, a read and a delete); where it is missing or refuses, the cache stays in memory for this
/// connection. There is no plaintext fallback: the library's unprotected-file option is never used.
/// </summary>
internal static class PersistentTokenCache
{
    private const string CacheFileName = "commsinvite.msalcache";
    private const string KeyringSchema = "com.commsinvite.tokencache";
    private const string KeyringLabel = "CommsInvite token cache (Microsoft Graph sign-ins)";
    private const string KeychainService = "CommsInvite.TokenCache";
    private const string KeychainAccount = "MSALCache";

    /// <summary>Where the cache lives: under the user's profile, or COMMSINVITE_TOKEN_CACHE_DIRECTORY when set.</summary>
    internal static string Directory =>
        System.Environment.GetEnvironmentVariable("COMMSINVITE_TOKEN_CACHE_DIRECTORY") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(MsalCacheHelper.UserRootDirectory, ".commsinvite");

    /// <summary>True when <paramref name="cache"/> is now kept in the platform store; false (with a warning) when it stays in memory.</summary>
    public static async Task<bool> TryAttachAsync(ITokenCache cache, ILogSink log)
    {
        try
        {
            var properties = new StorageCreationPropertiesBuilder(CacheFileName, Directory)
                .WithLinuxKeyring(
                    KeyringSchema,
                    MsalCacheHelper.LinuxKeyRingDefaultCollection,
                    KeyringLabel,
                    new KeyValuePair<string, string>("Product", "CommsInvite"),
                    new KeyValuePair<string, string>("Version", "1"))
                .WithMacKeyChain(KeychainService, KeychainAccount)
                .Build();
            var helper = await MsalCacheHelper.CreateAsync(properties).ConfigureAwait(false);
            helper.VerifyPersistence();
            helper.RegisterCache(cache);
            log.Verbose($"The token cache is kept in the platform's secure store ({Describe()}).");
            return true;
        }
        catch (Exception ex) when (ex is MsalCachePersistenceException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or PlatformNotSupportedException or IOException or UnauthorizedAccessException)
        {
            log.Warning($"-PersistTokenCache: the platform's secure store ({Describe()}) is not available here ({ex.GetType().Name}: {SafeText.FirstLine(ex.Message)}{(ex.InnerException is { } inner ? " " + SafeText.FirstLine(inner.Message) : string.Empty)}). The token cache stays in memory for this connection and nothing is written to disk; sign in again in a new session.");
            return false;
        }
    }

    private static string Describe() =>
        SharedUtilities.IsWindowsPlatform() ? "DPAPI" : SharedUtilities.IsMacPlatform() ? "the macOS Keychain" : "libsecret, the keyring over D-Bus";
}
