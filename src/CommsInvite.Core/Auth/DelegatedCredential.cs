using System;
using System.Collections.Generic;
using System.Linq;

namespace CommsInvite.Core.Auth;

/// <summary>How a user signs in: a code entered on another device, or the system browser on this one.</summary>
internal enum UserSignInKind
{
    DeviceCode,
    Interactive,
}

/// <summary>
/// A user (an admin) signing in as themselves through the tenant's public client: delegated permissions (scp), no
/// application secret. <see cref="Scopes"/> are Graph permission names; the defaults are the least the provisioning
/// cmdlets need.
/// </summary>
internal sealed class DelegatedCredential : GraphCredential
{
    /// <summary>
    /// What the provisioning cmdlets need, and no more: assignLicense (LicenseAssignment.ReadWrite.All, which also
    /// reads subscribedSkus), numberAssignments and its actions (TeamsTelephoneNumber.ReadWrite.All), and reading an
    /// account and setting its usage location (User.ReadWrite.All).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultScopes = new[]
    {
        "LicenseAssignment.ReadWrite.All",
        "TeamsTelephoneNumber.ReadWrite.All",
        "User.ReadWrite.All",
    };

    public DelegatedCredential(UserSignInKind kind, IEnumerable<string>? additionalScopes = null, Action<string>? deviceCodePrompt = null)
    {
        Kind = kind;
        var scopes = new List<string>(DefaultScopes);
        foreach (var scope in additionalScopes ?? Array.Empty<string>())
        {
            var trimmed = scope?.Trim() ?? string.Empty;
            if (trimmed.Length == 0 || trimmed.Any(char.IsWhiteSpace))
            {
                throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Scopes", $"'{scope}' is not a permission name (such as TeamsUserConfiguration.Read.All).", scope);
            }

            if (!scopes.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
            {
                scopes.Add(trimmed);
            }
        }

        Scopes = scopes;
        DeviceCodePrompt = deviceCodePrompt;
    }

    public UserSignInKind Kind { get; }

    /// <summary>Graph permission names (or full scope URIs) to ask consent for.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Shows the device-code message to the user (the host, never the output).</summary>
    public Action<string>? DeviceCodePrompt { get; }

    /// <summary>
    /// Keep the sign-in in the platform's secure store (DPAPI, Keychain, libsecret) so a later session signs in
    /// silently; where that store is missing the cache stays in memory, with a warning.
    /// </summary>
    public bool PersistTokenCache { get; init; }

    public override string AuthType => Kind.ToString();

    /// <summary>The scopes as MSAL sends them: each qualified by the cloud's Graph resource.</summary>
    public string[] QualifiedScopes(string graphResource) =>
        Scopes.Select(s => s.IndexOf('/') >= 0 ? s : graphResource.TrimEnd('/') + "/" + s).ToArray();

    public override string ToString() => AuthType;
}
