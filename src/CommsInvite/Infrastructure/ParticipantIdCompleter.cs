using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// -ParticipantId: the roster of the call named by -CallId (read once per Tab press, bounded to a few seconds so Tab
/// never hangs), the application itself left out; the tooltip names who each entry is.
/// </summary>
internal sealed class ParticipantIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = SessionStore.Get(Runspace.DefaultRunspace)?.Connection;
        var callId = fakeBoundParameters?["CallId"] as string;
        if (connection is null || !InputRules.IsGuid(callId))
        {
            return Array.Empty<CompletionResult>();
        }

        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        try
        {
            // Completion is synchronous by design; read on the thread pool with a short bound.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var roster = Task.Run(() => connection.Calls.ListParticipantsAsync(callId!, cancellationToken: timeout.Token), timeout.Token).GetAwaiter().GetResult();
            return roster
                .Skip(1)
                .Where(p => p.Id is not null && p.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(p => new CompletionResult("'" + p.Id + "'", p.Id + " " + p, CompletionResultType.ParameterValue, p.ToString()))
                .ToList();
        }
        catch (Exception ex) when (ex is CommsInviteException or OperationCanceledException or ObjectDisposedException)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}
