using System;
using System.Text.RegularExpressions;

namespace CommsInvite.Core.Calls;

/// <summary>
/// Reads the service's diagnostic code out of a resultInfo message. Teams ends the human-readable reason of a failed
/// operation with one, for example "... Underlying reason: Could not find the PSTN content for the sponsor of this PSTN
/// leg.. DiagCode: 412#10073"; support cases and Microsoft's troubleshooting pages are keyed on it.
/// </summary>
internal static class DiagnosticCodes
{
    // "DiagCode" then an optional ':' or '=', then two or more numbers joined by '#', spaces allowed anywhere between
    // the parts. Each number is bounded so hostile text cannot make the match expensive, and the match itself has a
    // time limit.
    private static readonly Regex Pattern = new(
        @"diag\s*code\s*[:=]?\s*(?<first>\d{1,12})(?<rest>(?:\s*#\s*\d{1,12}){1,4})",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
        TimeSpan.FromMilliseconds(100));

    /// <summary>The longest message searched: resultInfo messages are a sentence or two; anything longer is cut.</summary>
    internal const int MaxMessageLength = 4096;

    /// <summary>
    /// The first diagnostic code in <paramref name="message"/> as "code#detail" with no spaces ("412#10073"), or null
    /// when the message has none (or is null). Never throws.
    /// </summary>
    public static string? Parse(string? message)
    {
        if (string.IsNullOrEmpty(message) || message!.IndexOf("code", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return null;
        }

        var text = message.Length > MaxMessageLength ? message.Substring(0, MaxMessageLength) : message;
        Match match;
        try
        {
            match = Pattern.Match(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }

        if (!match.Success)
        {
            return null;
        }

        var rest = match.Groups["rest"].Value;
        var compact = new System.Text.StringBuilder(match.Groups["first"].Length + rest.Length);
        compact.Append(match.Groups["first"].Value);
        foreach (var c in rest)
        {
            if (c == '#' || (c >= '0' && c <= '9'))
            {
                compact.Append(c);
            }
        }

        return compact.ToString();
    }
}
