using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using CommsInvite.Commands.Infrastructure;

namespace CommsInvite.Commands;

/// <summary>
/// MicrosoftTeams parameters a cmdlet accepts (so scripts bind) but cannot carry out on the backend in use. Each is
/// refused before any request with ParameterNotSupported, category NotImplemented: the parameter is valid, the
/// feature is not implemented here, which is what NotImplemented says (InvalidOperation would blame the caller's
/// state).
/// </summary>
internal static class UnsupportedParameters
{
    /// <summary>Stops the cmdlet when any of <paramref name="unsupported"/> was bound; <paramref name="why"/> is added to the message.</summary>
    public static void Refuse(PSCmdlet cmdlet, IEnumerable<string> unsupported, string why, string? instead = null)
    {
        var bound = unsupported.FirstOrDefault(cmdlet.MyInvocation.BoundParameters.ContainsKey);
        if (bound is null)
        {
            return;
        }

        var command = cmdlet.MyInvocation.MyCommand.Name;
        var message = $"{command} -{bound} is not supported: {why}" + (instead is null ? string.Empty : $" {instead}") + " Nothing was sent.";
        var record = ErrorRecords.Create(CommandErrorIds.MicrosoftTeams.ParameterNotSupported, ErrorCategory.NotImplemented, message, bound);
        record.ErrorDetails = new ErrorDetails(message)
        {
            RecommendedAction = instead ?? $"Leave out -{bound}, or run MicrosoftTeams\\{command} with it (Connect-MicrosoftTeams first).",
        };
        cmdlet.ThrowTerminatingError(record);
    }
}
