using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>Input checks made before anything is sent, each with its own stable error id.</summary>
internal static class ProvisioningInput
{
    public static string RequireUserPrincipalName(string? value, string parameterName = "UserPrincipalName")
    {
        try
        {
            return InputRules.RequireUserPrincipalName(value, parameterName);
        }
        catch (CommsValidationException ex)
        {
            throw new CommsValidationException(CommandErrorIds.Input.InvalidUserPrincipalName, parameterName, ex.Message, value);
        }
    }

    /// <summary>An object id (GUID) or a user principal name.</summary>
    public static string RequireIdentity(string? value, string parameterName = "Identity")
    {
        var trimmed = value?.Trim();
        if (InputRules.IsGuid(trimmed))
        {
            return trimmed!;
        }

        try
        {
            return InputRules.RequireUserPrincipalName(trimmed, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(CommandErrorIds.Input.InvalidIdentity, parameterName,
                $"'{value}' is neither an object id (GUID) nor a user principal name (user@domain).", value);
        }
    }

    public static readonly string[] NumberTypes = { "CallingPlan", "DirectRouting", "OperatorConnect" };

    public static readonly string[] AssignmentStatuses = { "Unassigned", "UserAssigned", "ConferenceAssigned", "VoiceApplicationAssigned", "ThirdPartyAppAssigned", "PolicyAssigned" };

    /// <summary>CallingPlan | DirectRouting | OperatorConnect (any case) → Graph's callingPlan | directRouting | operatorConnect.</summary>
    public static string RequireNumberType(string? value, string parameterName = "NumberType")
    {
        try
        {
            return NumberAssignmentClient.NormalizeNumberType(value, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(CommandErrorIds.Numbers.InvalidNumberType, parameterName,
                $"'{value}' is not a number type: use {string.Join(", ", NumberTypes)}.", value);
        }
    }

    public static string RequireAssignmentStatus(string? value, string parameterName = "PstnAssignmentStatus")
    {
        try
        {
            return NumberAssignmentClient.NormalizeAssignmentStatus(value, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(CommandErrorIds.Numbers.InvalidAssignmentStatus, parameterName,
                $"'{value}' is not an assignment status: use {string.Join(", ", AssignmentStatuses)}.", value);
        }
    }

    public static string RequireAssignmentCategory(string? value, string parameterName = "AssignmentCategory")
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null:
            case "":
            case "primary":
                return "primary";
            case "private":
                return "private";
            case "alternate":
                return "alternate";
            default:
                throw new CommsValidationException(CommandErrorIds.Numbers.InvalidAssignmentCategory, parameterName,
                    $"'{value}' is not an assignment category: use Primary, Private or Alternate.", value);
        }
    }

    public static readonly string[] ActivationStates = { "Activated", "AssignmentPending", "AssignmentFailed", "UpdatePending", "UpdateFailed" };

    /// <summary>Activated, AssignmentPending... (any case) → Graph's activated, assignmentPending...</summary>
    public static string RequireActivationState(string? value, string parameterName = "ActivationState")
    {
        var match = ActivationStates.FirstOrDefault(s => string.Equals(s, value?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new CommsValidationException(CommandErrorIds.Numbers.InvalidActivationState, parameterName,
                $"'{value}' is not an activation state: use {string.Join(", ", ActivationStates)}.", value);
        return char.ToLowerInvariant(match[0]) + match.Substring(1);
    }

    /// <summary>-ReverseNumberLookup: SkipInternalVoip (comma-separated allowed); empty clears the options.</summary>
    public static string[] RequireReverseNumberLookup(string value, string parameterName = "ReverseNumberLookup")
    {
        var options = value.Split(',').Select(o => o.Trim()).Where(o => o.Length > 0).ToArray();
        foreach (var option in options)
        {
            if (!string.Equals(option, "SkipInternalVoip", StringComparison.OrdinalIgnoreCase))
            {
                throw new CommsValidationException(CommandErrorIds.Numbers.InvalidReverseNumberLookup, parameterName,
                    $"'{option}' is not a reverse number lookup option: use SkipInternalVoip, or an empty string to clear.", value);
            }
        }

        return options.Select(_ => "SkipInternalVoip").Distinct().ToArray();
    }

    public static string RequireUsageLocation(string? value, string parameterName = "UsageLocation")
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length != 2 || !trimmed.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        {
            throw new CommsValidationException(CommandErrorIds.Licenses.InvalidUsageLocation, parameterName,
                $"'{value}' is not a usage location: expected a two-letter ISO 3166 country code such as US.", value);
        }

        return trimmed.ToUpperInvariant();
    }

    public static string RequireSkuPartNumber(string? value, string parameterName = "SkuPartNumber")
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || trimmed.Length > 128 || !trimmed.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))
        {
            throw new CommsValidationException(CommandErrorIds.Licenses.InvalidSkuPartNumber, parameterName,
                $"'{value}' is not a SKU part number (letters, digits and _ such as PHONESYSTEM_VIRTUALUSER).", value);
        }

        return trimmed;
    }

    /// <summary>
    /// An application id carried in from the pipeline (a piped instance may have none): blank is none (null),
    /// anything else must be a GUID, so a malformed one fails here instead of reaching the output or the service.
    /// </summary>
    public static string? OptionalApplicationId(string? value, string parameterName = "ApplicationId") =>
        string.IsNullOrWhiteSpace(value) ? null : InputRules.RequireGuid(value, parameterName);

    /// <summary>A flag carried in from the pipeline as text or a boolean: blank is false; True/False (any case) only.</summary>
    public static bool OptionalBoolean(string? value, string parameterName)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || string.Equals(trimmed, "False", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (string.Equals(trimmed, "True", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        throw new CommsValidationException(Core.ErrorIds.Input.InvalidArgument, parameterName, $"'{value}' is not True or False.", value);
    }

    /// <summary>A phone number that may be absent ("tel:" accepted): blank is none (null), anything else must be E.164.</summary>
    public static string? OptionalPhoneNumber(string? value, string parameterName)
    {
        var plain = PlainPhoneNumber(value);
        return plain is null ? null : InputRules.RequirePhoneNumber(plain, parameterName);
    }

    /// <summary>"tel:+1234" (MicrosoftTeams' spelling) → "+1234"; empty → null.</summary>
    public static string? PlainPhoneNumber(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed!.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? trimmed.Substring(4) : trimmed;
    }
}

internal static class ProvisioningText
{
    public static string Join(IEnumerable<SubscribedSku> skus) => string.Join(", ", skus.Select(s => s.SkuPartNumber));

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
