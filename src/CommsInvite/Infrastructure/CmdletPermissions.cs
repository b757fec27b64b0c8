using System.Linq;
using System.Management.Automation;
using CommsInvite.Core;
using CommsInvite.Core.Auth;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>Turns the core's permission check (<see cref="CommandPermissions"/>) into the refusal a cmdlet throws.</summary>
internal static class CmdletPermissions
{
    /// <summary>Null when the connection may run the command; else the refusal (terminating: the command cannot go on).</summary>
    public static ErrorRecord? Check(string commandName, GraphContext context)
    {
        var refusal = CommandPermissions.Check(commandName, context);
        if (refusal is null)
        {
            return null;
        }

        if (refusal.Kind == PermissionRefusalKind.ApplicationOnly)
        {
            var record = ErrorRecords.Create(
                CommandErrorIds.Connection.ApplicationPermissionRequired,
                ErrorCategory.InvalidOperation,
                $"{commandName} needs an application permission ({string.Join(" or ", refusal.Needed)}); Graph's calling APIs do not accept a signed-in user. The connection '{context.Name}' is {context.Account} ({context.AuthType}). Connect the bot as an application with a certificate, e.g. Connect-CsGraph -Name Bot -TenantId <tenant> -ClientId <bot app> -CertificateThumbprint <thumbprint>, and pass -Connection Bot.",
                commandName);
            record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = "Connect-CsGraph -Name Bot ... -CertificateThumbprint <thumbprint>; then use -Connection Bot." };
            return record;
        }

        var scope = refusal.Kind == PermissionRefusalKind.MissingScope;
        var kind = scope ? "delegated permission (scp)" : "application role (roles)";
        var fix = scope
            ? $"Connect-CsGraph -Name {context.Name} ... -Scopes {refusal.Needed[0]}."
            : $"Grant the application {refusal.Needed[0]} (API permissions, admin consent), then Connect-CsGraph again.";
        var held = refusal.Held.Count == 0 ? "none" : string.Join(", ", refusal.Held);
        var missing = ErrorRecords.Create(
            CommandErrorIds.Connection.PermissionMissing,
            ErrorCategory.PermissionDenied,
            $"{commandName} needs the {kind} {string.Join(" or ", refusal.Needed)}, and the token of connection '{context.Name}' has none of them (it holds: {held}).",
            refusal.Needed.ToArray());
        missing.ErrorDetails = new ErrorDetails(missing.Exception.Message) { RecommendedAction = fix };
        return missing;
    }
}
