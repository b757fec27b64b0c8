using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// What each Graph cmdlet needs from its connection's token, from Graph's permission pages: the application roles
/// (roles claim, any one of them) and, where Graph supports a signed-in user, the delegated permissions (scp claim,
/// any one). Checked before any request, so a wrong connection fails at once with what is missing, not with a 403.
/// docs/authentication.md carries the same table for users.
/// </summary>
internal static class CmdletPermissions
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

    /// <summary>Null when the connection may run the command; else the refusal (terminating: the command cannot go on).</summary>
    public static ErrorRecord? Check(string commandName, GraphContext context)
    {
        if (!ByCommand.TryGetValue(commandName, out var requirement))
        {
            return null;
        }

        if (context.IsDelegated)
        {
            if (requirement.Scopes is null)
            {
                var record = ErrorRecords.Create(
                    ErrorIds.ApplicationPermissionRequired,
                    ErrorCategory.InvalidOperation,
                    $"{commandName} needs an application permission ({string.Join(" or ", requirement.Roles)}); Graph's calling APIs do not accept a signed-in user. The connection '{context.Name}' is {context.Account} ({context.AuthType}). Connect the bot as an application with a certificate, e.g. Connect-CsGraph -Name Bot -TenantId <tenant> -ClientId <bot app> -CertificateThumbprint <thumbprint>, and pass -Connection Bot.",
                    commandName);
                record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = "Connect-CsGraph -Name Bot ... -CertificateThumbprint <thumbprint>; then use -Connection Bot." };
                return record;
            }

            return requirement.Scopes.Any(s => context.Scopes.Contains(s, StringComparer.OrdinalIgnoreCase))
                ? null
                : Missing(commandName, context, "delegated permission (scp)", requirement.Scopes, context.Scopes, $"Connect-CsGraph -Name {context.Name} ... -Scopes {requirement.Scopes[0]}");
        }

        return requirement.Roles.Any(r => context.Roles.Contains(r, StringComparer.OrdinalIgnoreCase))
            ? null
            : Missing(commandName, context, "application role (roles)", requirement.Roles, context.Roles, $"grant the application {requirement.Roles[0]} (API permissions, admin consent), then Connect-CsGraph again");
    }

    private static ErrorRecord Missing(string commandName, GraphContext context, string kind, IReadOnlyList<string> needed, IReadOnlyList<string> held, string fix)
    {
        var heldText = held.Count == 0 ? "none" : string.Join(", ", held);
        var record = ErrorRecords.Create(
            ErrorIds.PermissionMissing,
            ErrorCategory.PermissionDenied,
            $"{commandName} needs the {kind} {string.Join(" or ", needed)}, and the token of connection '{context.Name}' has none of them (it holds: {heldText}).",
            needed.ToArray());
        record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = char.ToUpperInvariant(fix[0]) + fix.Substring(1) + "." };
        return record;
    }

    private sealed class Requirement
    {
        public Requirement(IReadOnlyList<string> roles, IReadOnlyList<string>? scopes)
        {
            Roles = roles;
            Scopes = scopes;
        }

        /// <summary>Application roles, any one of which is enough.</summary>
        public IReadOnlyList<string> Roles { get; }

        /// <summary>Delegated permissions, any one of which is enough; null: application-only (no user may call it).</summary>
        public IReadOnlyList<string>? Scopes { get; }
    }
}
