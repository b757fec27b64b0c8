using System;
using System.Text.RegularExpressions;

namespace CommsInvite.Core.Validation;

/// <summary>The single-value rules shared by every cmdlet parameter and request: each throws CommsValidationException.</summary>
internal static class InputRules
{
    /// <summary>E.164 as Graph documents it for phone identities.</summary>
    public const string E164Pattern = @"^\+[1-9]\d{6,14}$";

    public const int MaxClientContextLength = 256;

    public const int MaxParticipantsPerInvite = 5;

    private static readonly Regex E164 = new(E164Pattern, RegexOptions.CultureInvariant);

    public static bool IsE164(string? value) => value is not null && E164.IsMatch(value);

    public static bool IsGuid(string? value) => value is not null && Guid.TryParseExact(value.Trim(), "D", out _);

    /// <summary>Returns the phone number as E.164; rejects anything else (no silent reformatting).</summary>
    public static string RequirePhoneNumber(string? value, string parameterName)
    {
        var trimmed = value?.Trim();
        if (!IsE164(trimmed))
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidPhoneNumber,
                parameterName,
                $"'{value}' is not an E.164 phone number: expected '+' then 7 to 15 digits with no spaces, e.g. +12345678901.",
                value);
        }

        return trimmed!;
    }

    public static string RequireGuid(string? value, string parameterName)
    {
        if (!IsGuid(value))
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidGuid,
                parameterName,
                $"'{value}' is not a GUID (expected the form 00000000-0000-0000-0000-000000000000).",
                value);
        }

        return value!.Trim();
    }

    /// <summary>
    /// Call ids are GUID-like (Graph issues "xxxxxxxx-xxxx-..." ids): reject empty, whitespace, path separators and
    /// anything outside [A-Za-z0-9-], so an id never changes the URL it is put into.
    /// </summary>
    public static string RequireCallId(string? value, string parameterName = "CallId")
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidCallId, parameterName, "The call id is empty.", value);
        }

        if (trimmed!.Length > 128 || !IsIdText(trimmed))
        {
            throw new CommsValidationException(
                ErrorIds.Input.InvalidCallId,
                parameterName,
                $"'{value}' is not a call id: expected a GUID-like id of letters, digits and hyphens.",
                value);
        }

        return trimmed;
    }

    /// <summary>Operation ids, object ids and similar path segments: letters, digits, hyphens.</summary>
    public static string RequireIdSegment(string? value, string parameterName, string errorId = ErrorIds.Input.InvalidArgument)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed!.Length > 128 || !IsIdText(trimmed))
        {
            throw new CommsValidationException(errorId, parameterName, $"'{value}' is not a valid id for {parameterName}.", value);
        }

        return trimmed;
    }

    public static string RequireClientContext(string? value, string parameterName = "ClientContext")
    {
        if (value is null || value.Length == 0)
        {
            return Guid.NewGuid().ToString();
        }

        if (value.Length > MaxClientContextLength)
        {
            throw new CommsValidationException(
                ErrorIds.Input.ClientContextTooLong,
                parameterName,
                $"The client context is {value.Length} characters long; Graph accepts at most {MaxClientContextLength}.",
                value.Length);
        }

        return value;
    }

    public static string RequireNonEmpty(string? value, string parameterName, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, parameterName, $"{parameterName} is empty.", value);
        }

        if (value!.Length > maxLength)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, parameterName, $"{parameterName} is {value.Length} characters long; at most {maxLength} are allowed.", value.Length);
        }

        return value;
    }

    /// <summary>user@domain, as Teams resource accounts use.</summary>
    public static string RequireUserPrincipalName(string? value, string parameterName = "UserPrincipalName")
    {
        var trimmed = value?.Trim();
        var at = trimmed?.IndexOf('@') ?? -1;
        if (string.IsNullOrEmpty(trimmed) || trimmed!.Length > 113 || at <= 0 || at != trimmed.LastIndexOf('@')
            || at == trimmed.Length - 1 || trimmed.IndexOfAny(new[] { ' ', '/', '\\', '?', '#', '%' }) >= 0
            || Uri.CheckHostName(trimmed.Substring(at + 1)) != UriHostNameType.Dns)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, parameterName, $"'{value}' is not a user principal name (user@domain).", value);
        }

        return trimmed;
    }

    /// <summary>A callback address: https, or http only for loopback hosts (local reverse proxies, test listeners).</summary>
    public static Uri RequireCallbackUri(string? value, string parameterName = "CallbackUri") => RequireHttpsUri(value, parameterName);

    /// <summary>
    /// An absolute https address, or http only for loopback hosts: callbacks, token issuers, key addresses. Anything
    /// reached or trusted over plain HTTP from another machine could be swapped on the way.
    /// </summary>
    public static Uri RequireHttpsUri(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value!.Trim(), UriKind.Absolute, out var uri))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidUri, parameterName, $"'{value}' is not an absolute URI.", value);
        }

        return RequireHttpsScheme(uri, value, parameterName);
    }

    /// <inheritdoc cref="RequireHttpsUri(string?, string)"/>
    public static Uri RequireHttpsUri(Uri? value, string parameterName)
    {
        // PowerShell turns a relative string into a relative Uri, which has no scheme to check.
        if (value is null || !value.IsAbsoluteUri)
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidUri, parameterName, $"'{value}' is not an absolute URI.", value);
        }

        return RequireHttpsScheme(value, value, parameterName);
    }

    private static Uri RequireHttpsScheme(Uri uri, object? given, string parameterName)
    {
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            return uri;
        }

        throw new CommsValidationException(ErrorIds.Input.InvalidUri, parameterName, $"'{given}' must use https:// (http:// is accepted only for loopback hosts).", given);
    }

    private static bool IsIdText(string value)
    {
        foreach (var c in value)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
