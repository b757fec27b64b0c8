using System.Collections.Generic;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// The filters of Get-CsPhoneNumberAssignment that Graph's numberAssignments list can serve. Values may be given in
/// either spelling (CallingPlan or callingPlan); the client sends Graph's.
/// </summary>
internal sealed class NumberAssignmentQuery
{
    /// <summary>MicrosoftTeams returns at most 500 numbers unless -Top says otherwise.</summary>
    public const int DefaultTop = 500;

    /// <summary>-Top may ask for up to 1000 numbers; -Skip pages beyond.</summary>
    public const int MaxTop = 1000;

    public string? TelephoneNumber { get; set; }

    public string? TelephoneNumberStartsWith { get; set; }

    public string? TelephoneNumberContains { get; set; }

    public string? TelephoneNumberGreaterThan { get; set; }

    public string? TelephoneNumberLessThan { get; set; }

    /// <summary>callingPlan | directRouting | operatorConnect.</summary>
    public string? NumberType { get; set; }

    /// <summary>unassigned | userAssigned | conferenceAssigned | voiceApplicationAssigned ...</summary>
    public string? AssignmentStatus { get; set; }

    /// <summary>The assignee's object id.</summary>
    public string? AssignmentTargetId { get; set; }

    public string? ActivationState { get; set; }

    public string? AssignmentCategory { get; set; }

    public string? IsoCountryCode { get; set; }

    public string? LocationId { get; set; }

    public string? NetworkSiteId { get; set; }

    public int? Skip { get; set; }

    /// <summary>At most this many numbers; <see cref="DefaultTop"/> when null.</summary>
    public int? Top { get; set; }
}

/// <summary>updateNumber: the attributes Graph lets an admin change on an existing number.</summary>
internal sealed class NumberUpdateRequest
{
    public string TelephoneNumber { get; set; } = string.Empty;

    /// <summary>An emergency location id; the text "null" removes the number's location (MicrosoftTeams' convention).</summary>
    public string? LocationId { get; set; }

    public string? NetworkSiteId { get; set; }

    /// <summary>e.g. SkipInternalVoip; an empty list clears the options.</summary>
    public IReadOnlyList<string>? ReverseNumberLookup { get; set; }

    public bool HasChanges => LocationId is not null || NetworkSiteId is not null || ReverseNumberLookup is not null;
}
