using System;
using System.Collections.Generic;
using System.Linq;

namespace CommsInvite.Core.Auth;

/// <summary>Why a connection may not run a command.</summary>
internal enum PermissionRefusalKind
{
    /// <summary>A signed-in user on an application-only API (the calling APIs).</summary>
    ApplicationOnly,

    /// <summary>The token holds none of the application roles (roles claim) the command needs.</summary>
    MissingRole,

    /// <summary>The token holds none of the delegated permissions (scp claim) the command needs.</summary>
    MissingScope,
}

/// <summary>A refusal: its kind and what would have been enough (any one of <see cref="Needed"/>).</summary>
internal sealed class PermissionRefusal
{
    public PermissionRefusal(PermissionRefusalKind kind, IReadOnlyList<string> needed, IReadOnlyList<string> held)
    {
        Kind = kind;
        Needed = needed;
        Held = held;
    }

    public PermissionRefusalKind Kind { get; }

    public IReadOnlyList<string> Needed { get; }

    public IReadOnlyList<string> Held { get; }
}

/// <summary>
/// What each Graph command needs from its connection's token, from Graph's permission pages: the application roles
/// (roles claim, any one of them) and, where Graph supports a signed-in user, the delegated permissions (scp claim,
/// any one). Checked before any request, so a wrong connection fails at once with what is missing, not with a 403.
/// Directory roles are left to Graph. docs/authentication.md carries the same table for users.
/// </summary>
internal static class CommandPermissions
{
    private static readonly string[] AnyCallsRole = { "Calls.Initiate.All", "Calls.InitiateGroupCall.All", "Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All" };
    private static readonly Requirement Calls = new(AnyCallsRole, null);
    private static readonly Requirement License = new(
        new[] { "LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All" },
        new[] { "LicenseAssignment.ReadWrite.All", "Directory.ReadWrite.All" });
    private static readonly Requirement ReadNumbers = new(
        new[] { "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All" },
        new[] { "TeamsTelephoneNumber.Read.All", "TeamsTelephoneNumber.ReadWrite.All" });
    private static readonly Requirement WriteNumbers = new(new[] { "TeamsTelephoneNumber.ReadWrite.All" }, new[] { "TeamsTelephoneNumber.ReadWrite.All" });

    private static readonly Dictionary<string, Requirement> ByCommand = new(StringComparer.OrdinalIgnoreCase)
    {
        ["New-CsGraphCall"] = Calls,
        ["Invoke-CsGraphParticipantInvite"] = new(new[] { "Calls.InitiateGroupCall.All" }, null),
        ["Wait-CsGraphInviteOperation"] = Calls,
        ["Get-CsGraphCall"] = Calls,
        ["Get-CsGraphCallParticipant"] = Calls,
        ["Remove-CsGraphCall"] = Calls,
        ["Remove-CsGraphCallParticipant"] = Calls,
        ["Set-CsGraphUserLicense"] = License,
        ["Remove-CsGraphUserLicense"] = License,
        ["Get-CsPhoneNumberAssignment"] = ReadNumbers,
        ["Set-CsPhoneNumberAssignment"] = WriteNumbers,
        ["Remove-CsPhoneNumberAssignment"] = WriteNumbers,
        ["Set-CsOnlineVoiceApplicationInstance"] = WriteNumbers,
    };

    /// <summary>Null when the connection may run the command (or the command is not in the table); else why not.</summary>
    public static PermissionRefusal? Check(string commandName, GraphContext context)
    {
        if (!ByCommand.TryGetValue(commandName, out var requirement))
        {
            return null;
        }

        if (context.IsDelegated)
        {
            if (requirement.Scopes is null)
            {
                return new PermissionRefusal(PermissionRefusalKind.ApplicationOnly, requirement.Roles, context.Scopes);
            }

            return Holds(context.Scopes, requirement.Scopes) ? null : new PermissionRefusal(PermissionRefusalKind.MissingScope, requirement.Scopes, context.Scopes);
        }

        return Holds(context.Roles, requirement.Roles) ? null : new PermissionRefusal(PermissionRefusalKind.MissingRole, requirement.Roles, context.Roles);
    }

    private static bool Holds(IReadOnlyList<string> held, IReadOnlyList<string> anyOf) =>
        anyOf.Any(n => held.Contains(n, StringComparer.OrdinalIgnoreCase));

    private sealed class Requirement
    {
        public Requirement(IReadOnlyList<string> roles, IReadOnlyList<string>? scopes)
        {
            Roles = roles;
            Scopes = scopes;
        }

        public IReadOnlyList<string> Roles { get; }

        /// <summary>Null: application-only (no signed-in user may call it).</summary>
        public IReadOnlyList<string>? Scopes { get; }
    }
}
