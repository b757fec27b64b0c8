using System;
using System.Collections.Generic;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Provisioning;

/// <summary>
/// One query, two forms: the OData $filter sent to numberAssignments (eq clauses, startswith/contains and gt/lt on
/// telephoneNumber, joined by and) and the same test applied to each number that comes back.
/// </summary>
internal sealed class NumberFilter
{
    private readonly List<(string Property, Func<NumberAssignment, string?> Read, string Value)> _equals = new();
    private readonly NumberAssignmentQuery _query;

    private NumberFilter(NumberAssignmentQuery query)
    {
        _query = query;
    }

    public string? ODataFilter { get; private set; }

    public static NumberFilter From(NumberAssignmentQuery query)
    {
        var filter = new NumberFilter(query);
        var clauses = new List<string>();
        void Equal(string property, Func<NumberAssignment, string?> read, string? value)
        {
            if (value is null)
            {
                return;
            }

            filter._equals.Add((property, read, value));
            clauses.Add($"{property} eq '{Quote(value)}'");
        }

        Equal("telephoneNumber", n => n.TelephoneNumber, query.TelephoneNumber is null ? null : InputRules.RequirePhoneNumber(query.TelephoneNumber, "TelephoneNumber"));
        Equal("numberType", n => n.NumberType, query.NumberType is null ? null : NumberAssignmentClient.NormalizeNumberType(query.NumberType));
        Equal("assignmentStatus", n => n.AssignmentStatus, query.AssignmentStatus is null ? null : NumberAssignmentClient.NormalizeAssignmentStatus(query.AssignmentStatus));
        Equal("assignmentTargetId", n => n.AssignmentTargetId, query.AssignmentTargetId);
        Equal("activationState", n => n.ActivationState, TeamsSpelling.Camel(query.ActivationState));
        Equal("assignmentCategory", n => n.AssignmentCategory, TeamsSpelling.Camel(query.AssignmentCategory));
        Equal("isoCountryCode", n => n.IsoCountryCode, query.IsoCountryCode);
        Equal("locationId", n => n.LocationId, query.LocationId);
        Equal("networkSiteId", n => n.NetworkSiteId, query.NetworkSiteId);

        if (query.TelephoneNumberStartsWith is { } prefix)
        {
            clauses.Add($"startswith(telephoneNumber,'{Quote(Plus(prefix))}')");
        }

        if (query.TelephoneNumberContains is { } part)
        {
            clauses.Add($"contains(telephoneNumber,'{Quote(part)}')");
        }

        if (query.TelephoneNumberGreaterThan is { } above)
        {
            clauses.Add($"telephoneNumber gt '{Quote(Plus(above))}'");
        }

        if (query.TelephoneNumberLessThan is { } below)
        {
            clauses.Add($"telephoneNumber lt '{Quote(Plus(below))}'");
        }

        filter.ODataFilter = clauses.Count == 0 ? null : string.Join(" and ", clauses);
        return filter;
    }

    public bool Matches(NumberAssignment number)
    {
        foreach (var (_, read, value) in _equals)
        {
            if (!string.Equals(read(number)?.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        var text = number.TelephoneNumber ?? string.Empty;
        return (_query.TelephoneNumberStartsWith is not { } prefix || Digits(text).StartsWith(Digits(prefix), StringComparison.Ordinal))
            && (_query.TelephoneNumberContains is not { } part || text.IndexOf(part.Trim(), StringComparison.OrdinalIgnoreCase) >= 0)
            && (_query.TelephoneNumberGreaterThan is not { } above || string.CompareOrdinal(Digits(text), Digits(above)) > 0)
            && (_query.TelephoneNumberLessThan is not { } below || string.CompareOrdinal(Digits(text), Digits(below)) < 0);
    }

    /// <summary>"+1425" and "1425" name the same prefix.</summary>
    private static string Digits(string value) => value.Trim().TrimStart('+');

    /// <summary>Graph's numbers are E.164 with a leading +; MicrosoftTeams accepts prefixes with or without it.</summary>
    private static string Plus(string value) => "+" + Digits(value);

    /// <summary>OData string literals double a single quote.</summary>
    private static string Quote(string value) => value.Trim().Replace("'", "''");
}
