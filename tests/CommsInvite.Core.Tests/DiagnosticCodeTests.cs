using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests;

public sealed class DiagnosticCodeTests
{
    [Theory]
    [InlineData("addParticipants failed for participant 4:+61450078883. Underlying reason: Could not find the PSTN content for the sponsor of this PSTN leg.. DiagCode: 412#10073", "412#10073")]
    [InlineData("addParticipants failed for participant 4:+61xxxxxxxx. Underlying reason: Call does not contain the metadata required for making this PSTN dial out.. DiagCode: 403#10151", "403#10151")]
    [InlineData("Server Internal Error. DiagCode: 500#1203.@", "500#1203")]
    [InlineData("DiagCode:412#10073", "412#10073")]
    [InlineData("diagcode :  412 # 10073 .", "412#10073")]
    [InlineData("Declined. Diag Code = 410#301004", "410#301004")]
    [InlineData("DIAGCODE: 0#4097#12", "0#4097#12")]
    [InlineData("first DiagCode: 487#0, then DiagCode: 500#1", "487#0")]
    [InlineData("Lower call leg failed.\nDiagCode:\t560000#5409", "560000#5409")]
    public void Reads_the_code_whatever_the_spacing(string message, string expected) =>
        Assert.Equal(expected, DiagnosticCodes.Parse(message));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("The invitee declined the invitation.")]
    [InlineData("DiagCode: none")]
    [InlineData("DiagCode: 412")]
    [InlineData("DiagCode: #10073")]
    [InlineData("ErrorCode: 412#10073")]
    public void Absent_or_malformed_codes_are_null(string? message) =>
        Assert.Null(DiagnosticCodes.Parse(message));

    [Fact]
    public void Hostile_messages_get_an_answer_not_a_hang()
    {
        var repeated = string.Concat(System.Linq.Enumerable.Repeat("DiagCode: 1 # 2 # 3 # 4 # 5 # 6 #", 20_000));
        var parsed = DiagnosticCodes.Parse(repeated);
        Assert.Equal("1#2#3#4#5", parsed);

        var noDigits = "DiagCode:" + new string(' ', 100_000);
        Assert.Null(DiagnosticCodes.Parse(noDigits));

        var longNumber = "DiagCode: " + new string('9', 50_000) + "#1";
        Assert.Null(DiagnosticCodes.Parse(longNumber));
    }

    [Fact]
    public void Outcomes_and_failure_errors_expose_it()
    {
        var resultInfo = new ResultInfo { Code = 412, Subcode = 9999, Message = "no PSTN sponsor.. DiagCode: 412#10073" };
        var operation = new InviteParticipantsOperation { Id = "op", CallId = "call", Status = OperationStatus.Failed, ResultInfo = resultInfo };

        var outcome = new InviteOutcome { Operation = operation, Status = InviteOutcomeStatus.Failed, ResultInfo = resultInfo };
        var error = new InviteFailedException("failed", resultInfo, operation);

        Assert.Equal("412#10073", outcome.DiagnosticCode);
        Assert.Equal("412#10073", error.DiagnosticCode);
        Assert.Null(new InviteOutcome { Operation = operation, Status = InviteOutcomeStatus.Completed }.DiagnosticCode);
        Assert.Null(new InviteFailedException("failed", null).DiagnosticCode);
    }
}
