using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;

namespace CommsInvite.Commands;

/// <summary>-NumberType / -PhoneNumberType: CallingPlan, DirectRouting, OperatorConnect.</summary>
internal sealed class NumberTypeCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => ProvisioningInput.NumberTypes;
}

/// <summary>-PstnAssignmentStatus: Unassigned, UserAssigned, ...</summary>
internal sealed class AssignmentStatusCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => ProvisioningInput.AssignmentStatuses;
}

/// <summary>
/// -SkuPartNumber: the tenant's subscriptions (GET /subscribedSkus, fetched once per connection) when connected,
/// else the part numbers a PSTN bot needs.
/// </summary>
internal sealed class SkuPartNumberCompleter : IArgumentCompleter
{
    private static readonly string[] WellKnown = { "PHONESYSTEM_VIRTUALUSER", "MCOPSTN1", "MCOPSTN2", "MCOEV" };
    private static readonly ConditionalWeakTable<GraphConnection, IReadOnlyList<string>> Cache = new();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return PartNumbers()
            .Where(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p))
            .ToList();
    }

    private static IEnumerable<string> PartNumbers()
    {
        var connection = SessionStore.Get(Runspace.DefaultRunspace)?.Connection;
        if (connection is null)
        {
            return WellKnown;
        }

        if (Cache.TryGetValue(connection, out var cached))
        {
            return cached;
        }

        try
        {
            // Completion is synchronous by design; fetch on the thread pool with a short bound so Tab never hangs.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var fetch = Task.Run(() => connection.Licenses.GetSubscribedSkusAsync(timeout.Token), timeout.Token);
            var skus = fetch.GetAwaiter().GetResult();
            IReadOnlyList<string> names = skus.Select(s => s.SkuPartNumber).Where(n => !string.IsNullOrEmpty(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            return Cache.GetValue(connection, _ => names);
        }
        catch (Exception ex) when (ex is CommsInviteException or OperationCanceledException or ObjectDisposedException)
        {
            return WellKnown;
        }
    }
}
