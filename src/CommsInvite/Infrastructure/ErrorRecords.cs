using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using CommsInvite.Core;
using CommsInvite.Core.Calls;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>Turns the core's exceptions into ErrorRecords with a stable id, the right category and the target.</summary>
internal static class ErrorRecords
{
    /// <summary>FailureCategory and ErrorCategory share their names; the core stays free of PowerShell types.</summary>
    public static ErrorCategory MapCategory(FailureCategory category) =>
        Enum.TryParse(category.ToString(), ignoreCase: false, out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;

    public static ErrorRecord From(CommsInviteException exception)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, MapCategory(exception.Category), exception.TargetObject);
        var details = Describe(exception);
        if (!string.Equals(details, exception.Message, StringComparison.Ordinal))
        {
            record.ErrorDetails = new ErrorDetails(details);
        }

        if (exception is CommsValidationException validation)
        {
            record.ErrorDetails ??= new ErrorDetails(exception.Message);
            record.ErrorDetails.RecommendedAction = $"Correct the value of -{validation.ParameterName} and run the command again.";
        }
        else if (exception.ErrorId == CommandErrorIds.Connection.NotConnected)
        {
            record.ErrorDetails ??= new ErrorDetails(exception.Message);
            record.ErrorDetails.RecommendedAction = "Run Connect-CsGraph first.";
        }

        Recommend(record, ServiceRefusals.RecommendedAction(exception));
        return record;
    }

    /// <summary>Puts the likely cause and fix of a service refusal (Core's ServiceRefusals) on the record, when there is one.</summary>
    public static void Recommend(ErrorRecord record, string? action)
    {
        if (action is null) return;
        record.ErrorDetails ??= new ErrorDetails(record.Exception.Message);
        record.ErrorDetails.RecommendedAction = action;
    }

    /// <summary>An error the cmdlets raise themselves (not from the core).</summary>
    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        new(new CommsInviteException(errorId, ParseFailure(category), message, target, inner), errorId, category, target);

    public static ErrorRecord NotConnected(string commandName) =>
        From(new CommsInviteException(
            CommandErrorIds.Connection.NotConnected,
            FailureCategory.InvalidOperation,
            $"{commandName} needs a connection to Microsoft Graph, and this session has none. Run Connect-CsGraph first.",
            commandName));

    /// <summary>The message plus everything support needs to trace a Graph failure (never a token or a secret).</summary>
    public static string Describe(CommsInviteException exception)
    {
        var facts = new List<string>();
        switch (exception)
        {
            case GraphServiceException graph:
                if (graph.StatusCode is { } status)
                {
                    facts.Add(string.Format(CultureInfo.InvariantCulture, "HTTP {0}", (int)status));
                }

                AddFact(facts, "code", graph.GraphCode);
                AddFact(facts, "request-id", graph.RequestId);
                AddFact(facts, "client-request-id", graph.ClientRequestId);
                AddFact(facts, "date", graph.Date?.ToString("u", CultureInfo.InvariantCulture));
                if (graph.RetryAfter is { } retryAfter)
                {
                    facts.Add(string.Format(CultureInfo.InvariantCulture, "retry-after {0:0.#}s", retryAfter.TotalSeconds));
                }

                break;
            case InviteFailedException failed when failed.ResultInfo is { } result:
                facts.Add(string.Format(CultureInfo.InvariantCulture, "code {0}", result.Code));
                facts.Add(string.Format(CultureInfo.InvariantCulture, "subcode {0}", result.Subcode));
                if (!string.IsNullOrEmpty(result.Message) && exception.Message.IndexOf(result.Message, StringComparison.Ordinal) < 0)
                {
                    facts.Add("message: " + result.Message);
                }

                break;
        }

        // Leave out what the core already put into its message.
        facts.RemoveAll(fact => exception.Message.IndexOf(fact, StringComparison.OrdinalIgnoreCase) >= 0);
        return facts.Count == 0 ? exception.Message : exception.Message + " (" + string.Join(", ", facts) + ")";
    }

    private static void AddFact(List<string> facts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            facts.Add(name + " " + value);
        }
    }

    private static FailureCategory ParseFailure(ErrorCategory category) =>
        Enum.TryParse(category.ToString(), ignoreCase: false, out FailureCategory failure) ? failure : FailureCategory.InvalidOperation;
}
