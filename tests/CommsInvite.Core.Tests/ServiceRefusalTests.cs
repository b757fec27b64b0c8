using System.Net;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests;

public sealed class ServiceRefusalTests
{
    private static GraphServiceException Graph(int status, string code) =>
        new(ErrorIds.Graph.PermissionDenied, FailureCategory.PermissionDenied, "refused", (HttpStatusCode)status, code, "req", "client-req", DateTimeOffset.UtcNow);

    [Theory]
    [InlineData("7503", "Enable calling")]
    [InlineData("7504", "Calls.InitiateGroupCall.All")]
    [InlineData("7505", "Connect-CsGraph -TenantId")]
    [InlineData("7507", "Set-CsOnlineApplicationInstance -ApplicationId")]
    public void GraphCodes_NameTheCauseAndPointToReadiness(string code, string fixPart)
    {
        var action = ServiceRefusals.RecommendedAction(Graph(403, code));
        Assert.NotNull(action);
        Assert.Contains(fixPart, action, StringComparison.Ordinal);
        Assert.Contains("Test-CsGraphBotReadiness", action, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(412, 9999, "no PSTN sponsor. DiagCode: 412#10073", "Set-CsPhoneNumberAssignment")]
    [InlineData(403, 0, "Underlying reason: Call does not contain the metadata required for making this PSTN dial out.. DiagCode: 403#10151", "-SourceApplicationInstanceId")]
    [InlineData(412, 10073, "no diagnostic code in this message", "Set-CsPhoneNumberAssignment")]
    public void ResultInfos_AreKeyedByDiagnosticCodeOrCodeAndSubcode(int code, int subcode, string message, string fixPart)
    {
        var failed = new InviteFailedException("failed", new ResultInfo { Code = code, Subcode = subcode, Message = message });
        var action = ServiceRefusals.RecommendedAction(failed);
        Assert.NotNull(action);
        Assert.Contains(fixPart, action, StringComparison.Ordinal);
        Assert.Contains("Test-CsGraphBotReadiness", action, StringComparison.Ordinal);
    }

    [Fact]
    public void MessagesAreNeverTheKey()
    {
        // The same words with another code: nothing is recommended.
        Assert.Null(ServiceRefusals.RecommendedAction(Graph(403, "Authorization_RequestDenied")));
        Assert.Null(ServiceRefusals.RecommendedAction(new InviteFailedException("failed", new ResultInfo { Code = 410, Subcode = 301004, Message = "Application is not registered in our store. DiagCode: 410#301004" })));
        Assert.Null(ServiceRefusals.RecommendedAction((CommsInviteException?)null));
    }

    [Fact]
    public void UsageLocation_AndRefusalsBehindAWaitError_AreExplained()
    {
        Assert.Contains("-UsageLocation", ServiceRefusals.RecommendedAction(new CommsInviteException(ErrorIds.Licenses.UsageLocationMissing, FailureCategory.InvalidOperation, "none")), StringComparison.Ordinal);
        var wait = new CommsInviteException(ErrorIds.Calls.InviteWaitPollFailed, FailureCategory.PermissionDenied, "polls failed", null, Graph(403, "7504"));
        Assert.Contains("admin consent", ServiceRefusals.RecommendedAction(wait), StringComparison.Ordinal);
    }

    [Fact]
    public void FailedOutcome_CarriesTheSameText()
    {
        var resultInfo = new ResultInfo { Code = 412, Subcode = 9999, Message = "no PSTN sponsor. DiagCode: 412#10073" };
        var outcome = InviteOutcomes.Failed(new InviteParticipantsOperation { Id = "op", CallId = "call" }, resultInfo, OutcomeSource.Poll, TimeSpan.Zero, null);
        Assert.Equal(ServiceRefusals.RecommendedAction(resultInfo), outcome.RecommendedAction);
        Assert.Equal(ServiceRefusals.RecommendedAction(outcome.Error), outcome.RecommendedAction);
        var completed = InviteOutcomes.Completed(new InviteParticipantsOperation { Id = "op", CallId = "call", ResultInfo = resultInfo }, Array.Empty<Participant>(), OutcomeSource.Poll, TimeSpan.Zero);
        Assert.Null(completed.RecommendedAction);
    }
}
