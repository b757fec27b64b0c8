using System;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Provisioning;

/// <summary>Set-CsPhoneNumberAssignment.</summary>
internal sealed class NumberAssignRequest
{
    public string TelephoneNumber { get; set; } = string.Empty;

    /// <summary>The object id of the user or application instance.</summary>
    public string AssignmentTargetId { get; set; } = string.Empty;

    public string NumberType { get; set; } = "callingPlan";

    /// <summary>primary (default), private or alternate.</summary>
    public string AssignmentCategory { get; set; } = "primary";

    /// <summary>An emergency location for the number (Calling Plan and Operator Connect).</summary>
    public string? LocationId { get; set; }
}

/// <summary>telephoneNumberManagement long-running operation.</summary>
internal sealed class NumberOperation
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("createdDateTime")] public DateTimeOffset? CreatedDateTime { get; set; }
    [JsonPropertyName("resourceLocation")] public string? ResourceLocation { get; set; }
    [JsonPropertyName("error")] public NumberOperationError? Error { get; set; }

    public override string ToString() => $"{Id} ({Status})";
}

internal sealed class NumberOperationError
{
    [JsonPropertyName("code")] public string? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
}

/// <summary>The outcome of assign/unassign.</summary>
internal sealed class NumberAssignmentResult
{
    public NumberAssignment? Assignment { get; init; }
    public bool Changed { get; init; }
    public NumberOperation? Operation { get; init; }
}
