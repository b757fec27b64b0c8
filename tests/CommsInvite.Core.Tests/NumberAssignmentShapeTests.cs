using System.Text.Json;
using CommsInvite.Core.Provisioning;
using Xunit;

namespace CommsInvite.Core.Tests;

/// <summary>Graph's numberAssignment read into MicrosoftTeams' shape, and the query turned into Graph's $filter.</summary>
public sealed class NumberAssignmentShapeTests
{
    private const string GraphJson = """
        {"telephoneNumber":"+12065551000","operatorId":"83d289bc-a4d3-41e6-8a3f-cff260a3f091","numberType":"directRouting",
         "activationState":"activated","assignmentTargetId":"2713551e-ed63-415d-9175-fc4ff825a0be","assignmentCategory":"primary",
         "assignmentStatus":"userAssigned","city":"Omaha","isoCountryCode":"US","locationId":null,"networkSiteId":null,
         "portInStatus":"completed","reverseNumberLookupOptions":["skipInternalVoip"],"supportedCustomerActions":["locationUpdate","release"]}
        """;

    [Fact]
    public void GraphFields_ReadAsMicrosoftTeamsNamesAndSpellings_AndGraphNamesStay()
    {
        var number = JsonSerializer.Deserialize<NumberAssignment>(GraphJson)!;

        Assert.Equal("DirectRouting", number.NumberType);
        Assert.Equal("Activated", number.ActivationState);
        Assert.Equal("Primary", number.AssignmentCategory);
        Assert.Equal("UserAssigned", number.PstnAssignmentStatus);
        Assert.Equal("2713551e-ed63-415d-9175-fc4ff825a0be", number.AssignedPstnTargetId);
        Assert.Equal("Omaha", number.City);
        Assert.Equal("Completed", number.PortInOrderStatus);
        Assert.Equal("OnPremises", number.NumberSource);
        Assert.Equal(new[] { "SkipInternalVoip" }, number.ReverseNumberLookup);
        Assert.True(number.LocationUpdateSupported);
        Assert.Empty(number.Capability);
        Assert.Empty(number.Tag);
        Assert.Equal("userAssigned", number.AssignmentStatus);
        Assert.Equal("Omaha", number.CityCode);
        Assert.True(number.IsAssigned);
    }

    [Fact]
    public void Query_BecomesODataClauses_AndTheSameTestLocally()
    {
        var filter = NumberFilter.From(new NumberAssignmentQuery
        {
            NumberType = "CallingPlan", AssignmentStatus = "Unassigned", ActivationState = "Activated",
            TelephoneNumberStartsWith = "1425", TelephoneNumberContains = "55", TelephoneNumberLessThan = "+14255550101",
            LocationId = "it's",
        });

        Assert.Equal(
            "numberType eq 'callingPlan' and assignmentStatus eq 'unassigned' and activationState eq 'activated' and locationId eq 'it''s' and " +
            "startswith(telephoneNumber,'+1425') and contains(telephoneNumber,'55') and telephoneNumber lt '+14255550101'",
            filter.ODataFilter);

        NumberAssignment Number(string telephoneNumber) => new()
        {
            TelephoneNumber = telephoneNumber, NumberType = "callingPlan", AssignmentStatus = "unassigned", ActivationState = "activated", LocationId = "it's",
        };

        Assert.True(filter.Matches(Number("+14255550100")));
        Assert.False(filter.Matches(Number("+14255550101")));
        Assert.False(filter.Matches(Number("+12065550100")));
        Assert.Null(NumberFilter.From(new NumberAssignmentQuery()).ODataFilter);
    }
}
