namespace CommsInvite.Core.Readiness;

/// <summary>The verdict of one readiness check.</summary>
public enum ReadinessStatus
{
    Passed,
    Failed,
    Warning,
    Skipped,
}

/// <summary>One line of Test-CsGraphBotReadiness: what was checked, the verdict, the evidence and the fix.</summary>
public sealed class ReadinessCheck
{
    /// <summary>For serializers and tools; the checks build theirs with the other constructor.</summary>
    public ReadinessCheck()
        : this(string.Empty, ReadinessStatus.Skipped, string.Empty, null)
    {
    }

    internal ReadinessCheck(string check, ReadinessStatus status, string detail, string? fix)
    {
        Check = check;
        Status = status;
        Detail = detail;
        Fix = fix;
    }

    /// <summary>Connection, Tenant, Instance, AccountType, UsageLocation, Licenses, PhoneNumber, EnterpriseVoice, DialTarget, Meeting, CallbackUri.</summary>
    public string Check { get; init; }

    public ReadinessStatus Status { get; init; }

    /// <summary>The evidence (ids, names, roles, numbers): never a secret or a token.</summary>
    public string Detail { get; init; }

    /// <summary>The command or admin-center step that fixes a Failed or Warning check; null when there is nothing to fix.</summary>
    public string? Fix { get; init; }

    public override string ToString() => $"{Check}: {Status}";
}
