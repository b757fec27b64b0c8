using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using CommsInvite.Core;
using CommsInvite.Core.Calls;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>Completes from a fixed list, case-insensitively, quoting when needed.</summary>
internal abstract class FixedListCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Values { get; }

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var value in Values)
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(CompletionText(value), value, CompletionResultType.ParameterValue, value);
            }
        }
    }

    /// <summary>The value as it can be typed: single-quoted (quotes doubled) when PowerShell would otherwise split or expand it.</summary>
    internal static string CompletionText(string value) =>
        value.IndexOfAny(new[] { ' ', '.', '-', '\'', '$' }) >= 0 ? "'" + value.Replace("'", "''") + "'" : value;
}

/// <summary>-Environment: Global, USGov, USGovDoD, China, Emulator.</summary>
internal sealed class EnvironmentCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => Enum.GetNames(typeof(CloudEnvironment));
}

/// <summary>-ApiVersion: v1.0, beta.</summary>
internal sealed class ApiVersionCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => new[] { GraphApiVersion.V1, GraphApiVersion.Beta };
}

/// <summary>-CallId: the calls this session created or read, newest first.</summary>
internal sealed class CallIdCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values =>
        SessionStore.Get(Runspace.DefaultRunspace)?.RecentCallIds ?? (IEnumerable<string>)Array.Empty<string>();
}

/// <summary>Parses -Environment text (completed by <see cref="EnvironmentCompleter"/>) with a stable error.</summary>
internal static class EnvironmentNames
{
    public static CloudEnvironment Parse(string? value)
    {
        if (value is not null && Enum.TryParse(value.Trim(), ignoreCase: true, out CloudEnvironment environment)
            && Enum.IsDefined(typeof(CloudEnvironment), environment) && !int.TryParse(value, out _))
        {
            return environment;
        }

        throw new CommsValidationException(
            ErrorIds.Input.InvalidArgument,
            "Environment",
            $"'{value}' is not a cloud environment: use {string.Join(", ", Enum.GetNames(typeof(CloudEnvironment)))}.",
            value);
    }
}
