namespace CommsInvite.Emulator.Provisioning;

/// <summary>What one assignNumber, unassignNumber or updateNumber asks for.</summary>
internal sealed class NumberChange
{
    public required string Number { get; init; }
    public string? NumberType { get; init; }
    public bool Assign { get; init; }
    public bool Update { get; init; }
    public string? TargetId { get; set; }
    public string Category { get; set; } = "primary";
    public string? LocationId { get; set; }
    public string? NetworkSiteId { get; init; }
    public List<string>? ReverseNumberLookup { get; set; }
}

/// <summary>
/// The rules a number operation is decided by, applied under the provisioning lock when the operation runs.
/// Which of them the real service documents is listed in docs/provisioning.md.
/// </summary>
internal static class NumberRules
{
    /// <summary>PSTN calling licences that carry a Calling Plan.</summary>
    private static readonly string[] CallingPlanSkuIds = { EmulatorDefaults.Mcopstn1SkuId, EmulatorDefaults.Mcopstn2SkuId };

    /// <summary>Null when the change was applied; otherwise the operation's error.</summary>
    public static (string Code, string Message)? Apply(EmulatorState state, PhoneNumberRecord record, NumberChange change)
    {
        if (change.Update)
        {
            // MicrosoftTeams' convention: the text "null" removes the location.
            if (change.LocationId is not null) record.LocationId = string.Equals(change.LocationId, "null", StringComparison.OrdinalIgnoreCase) ? null : change.LocationId;
            if (change.NetworkSiteId is not null) record.NetworkSiteId = change.NetworkSiteId.Length == 0 ? null : change.NetworkSiteId;
            if (change.ReverseNumberLookup is not null)
            {
                record.ReverseNumberLookup.Clear();
                record.ReverseNumberLookup.AddRange(change.ReverseNumberLookup.Select(o => "skipInternalVoip"));
            }

            return null;
        }

        if (!string.Equals(record.NumberType, change.NumberType, StringComparison.OrdinalIgnoreCase))
            return ("NumberTypeMismatch", $"The number {change.Number} is a {record.NumberType} number, not {change.NumberType}.");

        if (!change.Assign)
        {
            if (record.AssignmentTargetId is { } previous && state.FindApplicationInstance(previous) is { } holder && holder.PhoneNumber == change.Number) holder.PhoneNumber = null;
            Release(record);
            return null;
        }

        var targetId = change.TargetId!;
        var instance = state.FindApplicationInstance(targetId);
        var user = state.FindUser(targetId);
        if (instance is null && user is null)
            return ("TargetNotFound", $"The assignment target {targetId} is not a user or resource account of this tenant.");
        if (record.AssignmentTargetId is { } current && !string.Equals(current, targetId, StringComparison.OrdinalIgnoreCase))
            return ("NumberAlreadyAssigned", $"The telephone number {change.Number} is already assigned to another target ({current}).");

        if (string.Equals(record.NumberType, "callingPlan", StringComparison.OrdinalIgnoreCase) && user is not null
            && !string.Equals(record.AssignmentTargetId, targetId, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(user.UsageLocation))
                return ("UsageLocationRequired", $"The account {user.UserPrincipalName} has no usage location; a Calling Plan number needs one.");
            var held = user.AssignedLicenses;
            if (!held.Any(s => CallingPlanSkuIds.Contains(s, StringComparer.OrdinalIgnoreCase)))
                return ("PstnLicenseRequired", $"The account {user.UserPrincipalName} holds no Calling Plan licence (MCOPSTN1 or MCOPSTN2).");
            if (instance is not null && !held.Contains(EmulatorDefaults.PhoneSystemVirtualUserSkuId, StringComparer.OrdinalIgnoreCase))
                return ("PstnLicenseRequired", $"The resource account {user.UserPrincipalName} holds no Phone System - Virtual User licence (PHONESYSTEM_VIRTUALUSER).");
        }

        if (instance is not null && instance.PhoneNumber is { } old && old != change.Number && state.Numbers.TryGetValue(old, out var oldRecord))
        {
            // A new primary number replaces the instance's previous one.
            Release(oldRecord);
        }

        record.AssignmentTargetId = targetId;
        record.AssignmentCategory = change.Category;
        record.AssignmentStatus = instance is not null ? "voiceApplicationAssigned" : "userAssigned";
        if (change.LocationId is not null) record.LocationId = string.Equals(change.LocationId, "null", StringComparison.OrdinalIgnoreCase) ? null : change.LocationId;
        if (instance is not null) instance.PhoneNumber = change.Number;
        return null;
    }

    private static void Release(PhoneNumberRecord record)
    {
        record.AssignmentTargetId = null;
        record.AssignmentCategory = null;
        record.AssignmentStatus = "unassigned";
    }
}
