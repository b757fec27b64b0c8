using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>The README's pipelines, run in a real engine against the real emulator.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class InvitePipelineTests
{
    private static readonly string UserA = EmulatorDefaults.SeedUserIds[0];
    private static readonly string UserB = EmulatorDefaults.SeedUserIds[1];

    private readonly EmulatorFixture _emulator;

    public InvitePipelineTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void ReadmePipeline_CreateCall_InviteTwoUsers_Wait_RosterHasThemJoined()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_readme@thread.v2' -Subject 'README' -ErrorAction Stop
            $outcomes = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0], $args[1] -ErrorAction Stop |
                Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
            $roster = Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop
            $call; $outcomes; $roster", UserA, UserB).ThrowOnError();

        var call = result.Output[0];
        var callId = call.Properties["Id"].Value!.ToString()!;
        var outcome = Assert.Single(result.Output, o => o.BaseObject.GetType().Name == "InviteOutcome");
        Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
        Assert.Equal(callId, outcome.Properties["CallId"].Value!.ToString());

        var roster = result.Output.Where(o => o.BaseObject.GetType().Name == "Participant").ToList();
        var rosterIds = roster.Select(p => ((dynamic)p.BaseObject).Info.Identity.Primary?.Id as string).ToList();
        Assert.Contains(UserA, rosterIds);
        Assert.Contains(UserB, rosterIds);
        Assert.All(roster, p => Assert.Equal(callId, p.Properties["CallId"].Value?.ToString()));

        // The emulator agrees: both joined (media), one invite request.
        var state = _emulator.Server.State.GetCall(callId)!;
        Assert.Contains(state.Roster, r => r.IdentityId == UserA && r.Joined);
        Assert.Contains(state.Roster, r => r.IdentityId == UserB && r.Joined);
        Assert.Single(_emulator.Server.State.Invites, i => i.CallId == callId);
    }

    [Fact]
    public void ParticipantObjects_PipeIntoInvite_AndOperationsPipeIntoWait()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_pipe@thread.v2' -ErrorAction Stop
            New-CsGraphInvitationParticipant -UserId $args[0], $args[1] -ErrorAction Stop |
                Invoke-CsGraphParticipantInvite -CallId $call.Id -ClientContext 'pipeline-test' -ErrorAction Stop |
                Wait-CsGraphInviteOperation -PollInterval 0.2 -Timeout 30", UserA, UserB).ThrowOnError();

        var outcome = Assert.Single(result.Output);
        Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
        var invite = Assert.Single(_emulator.Server.State.Invites, i => i.CallId == outcome.Properties["CallId"].Value!.ToString());
        Assert.Equal("pipeline-test", invite.ClientContext);
        Assert.Equal(2, invite.Participants.Count);
        Assert.NotEmpty(result.Progress);
    }

    [Fact]
    public void CallObject_PipesIntoInvite_ByPropertyName_WithWait()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_byprop@thread.v2' -ErrorAction Stop
            Get-CsGraphCall -CallId $call.Id | Invoke-CsGraphParticipantInvite -UserId $args[0] -Wait -PollInterval 0.2 -Timeout 30", UserA).ThrowOnError();

        var outcome = Assert.Single(result.Output);
        Assert.Equal("InviteOutcome", outcome.BaseObject.GetType().Name);
        Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
    }

    [Fact]
    public void Invite_WithoutClientContext_SendsANewGuid()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_ctx@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop", UserA).ThrowOnError();

        var operation = Assert.Single(result.Output);
        Assert.Equal("InviteParticipantsOperation", operation.BaseObject.GetType().Name);
        Assert.True(Guid.TryParse(operation.Properties["ClientContext"].Value?.ToString(), out _));
        Assert.False(string.IsNullOrEmpty(operation.Properties["Id"].Value?.ToString()));
    }

    [Fact]
    public void ApiVersionBeta_SendsTheInviteToBeta_AndWaitPollsTheSameVersion()
    {
        using var session = _emulator.ConnectedSession();
        var betaInvitesBefore = BetaInviteRequests();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_beta@thread.v2' -ApiVersion beta -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ApiVersion beta -ErrorAction Stop |
                Wait-CsGraphInviteOperation -PollInterval 0.2 -Timeout 30 -ErrorAction Stop", UserB).ThrowOnError();

        var outcome = Assert.Single(result.Output);
        Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
        Assert.Equal("beta", ((dynamic)outcome.BaseObject).Operation.ApiVersion);
        Assert.Equal(betaInvitesBefore + 1, BetaInviteRequests());
    }

    private long BetaInviteRequests() =>
        _emulator.Server.State.Stats.RequestsPerRoute.Where(r => r.Key.StartsWith("POST /beta/", StringComparison.Ordinal) && r.Key.EndsWith("/invite", StringComparison.Ordinal)).Sum(r => r.Value);

    [Fact]
    public void WhatIf_SendsNothing()
    {
        using var session = _emulator.ConnectedSession();
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_whatif@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString();
        var invitesBefore = _emulator.InviteRequests();
        var callsBefore = _emulator.Server.State.GetCalls().Count;

        var result = session.Run(@"
            Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -WhatIf
            New-CsGraphCall -CallbackUri $callbackUri -WhatIf", callId, UserA).ThrowOnError();

        Assert.Empty(result.Output);
        Assert.Equal(invitesBefore, _emulator.InviteRequests());
        Assert.Equal(callsBefore, _emulator.Server.State.GetCalls().Count);
        Assert.DoesNotContain(_emulator.Server.State.Invites, i => i.CallId == callId);
    }

    public static TheoryData<string, string, string> BadInvites => new()
    {
        { "bad GUID", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId 'not-a-guid'", "InvalidGuid" },
        { "not E.164", "Invoke-CsGraphParticipantInvite -CallId $callId -PhoneNumber '2345678901'", "InvalidPhoneNumber" },
        { "six participants", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six", "TooManyParticipants" },
        { "replacesCallId with two", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six[0], $six[1] -ReplacesCallId 57dab8b1-894c-409a-b240-bd8beae78896", "ReplacesCallIdWithMultipleParticipants" },
        { "257-char clientContext", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six[0] -ClientContext ('x' * 257)", "ClientContextTooLong" },
        { "bad participant piped", "New-CsGraphInvitationParticipant -PhoneNumber '+1 234' -ErrorAction Stop | Invoke-CsGraphParticipantInvite -CallId $callId", "InvalidPhoneNumber" },
        { "bad replacesCallId", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six[0] -ReplacesCallId 'nope'", "InvalidGuid" },
        { "bad api version", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six[0] -ApiVersion v2.0", "InvalidApiVersion" },
        { "bad timeout", "Invoke-CsGraphParticipantInvite -CallId $callId -UserId $six[0] -Wait -Timeout -5", "InvalidArgument" },
    };

    [Theory]
    [MemberData(nameof(BadInvites))]
    public void BadInput_GetsItsErrorIdAndCategory_BeforeAnyRequest(string name, string script, string errorId)
    {
        using var session = _emulator.ConnectedSession();
        session.SetVariable("six", EmulatorDefaults.SeedUserIds.Concat(EmulatorDefaults.ExtraUserIds).Take(6).ToArray());
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bad@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString();
        session.SetVariable("callId", callId);
        var invitesBefore = _emulator.InviteRequests();

        var result = session.Run(script);

        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal), $"{name}: got {ScriptResult.Describe(error)}");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
        Assert.Equal(invitesBefore, _emulator.InviteRequests());
        Assert.DoesNotContain(_emulator.Server.State.Invites, i => i.CallId == callId);
    }

    [Fact]
    public void NewInvitationParticipant_WritesOneErrorPerBadId_AndKeepsTheGoodOnes()
    {
        using var session = new PowerShellSession();
        session.ImportModule();

        var result = session.Run("New-CsGraphInvitationParticipant -UserId $args[0], 'bad', $args[1]", UserA, UserB);

        Assert.Equal(2, result.Output.Count);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InvalidGuid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("bad", error.TargetObject?.ToString());
    }

    [Fact]
    public void DecliningUser_GivesInviteOperationFailed_WithCodeAndSubcode()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_decline@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop |
                Wait-CsGraphInviteOperation -PollInterval 0.2 -Timeout 30", EmulatorDefaults.DecliningUserId);

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("InviteOperationFailed,", error.FullyQualifiedErrorId);
        var text = (error.ErrorDetails?.Message ?? string.Empty) + " " + error.Exception.Message;
        Assert.Contains("410", text);
        Assert.Contains("301004", text);

        var outcome = Assert.Single(result.Output);
        Assert.Equal("Failed", outcome.Properties["Status"].Value!.ToString());
    }

    [Fact]
    public void OneFailedAndOneGoodOperation_AreWaitedTogether()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(@"
            $good = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_mixed1@thread.v2' -ErrorAction Stop
            $bad = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_mixed2@thread.v2' -ErrorAction Stop
            $ops = @(
                Invoke-CsGraphParticipantInvite -CallId $good.Id -UserId $args[0] -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $bad.Id -UserId $args[1] -ErrorAction Stop
            )
            $ops | Wait-CsGraphInviteOperation -PollInterval 0.2 -Timeout 30", UserA, EmulatorDefaults.DecliningUserId);

        Assert.Equal(2, result.Output.Count);
        Assert.Equal(new[] { "Completed", "Failed" }, result.Output.Select(o => o.Properties["Status"].Value!.ToString()).ToArray());
        Assert.StartsWith("InviteOperationFailed,", Assert.Single(result.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void UnknownCall_GivesANonTerminatingCallNotFound()
    {
        using var session = _emulator.ConnectedSession();

        var get = session.Run("Get-CsGraphCall -CallId 11111111-2222-3333-4444-555555555555");
        var invite = session.Run("Invoke-CsGraphParticipantInvite -CallId 11111111-2222-3333-4444-555555555555 -UserId $args[0]", UserA);

        foreach (var result in new[] { get, invite })
        {
            var error = Assert.Single(result.AllErrors);
            Assert.StartsWith("CallNotFound,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains("8522", error.ErrorDetails?.Message ?? error.Exception.Message);
            Assert.Contains("request-id", error.ErrorDetails?.Message ?? error.Exception.Message);

            // A call that names nothing is that record's error, not the command's end (PowerShell's convention).
            Assert.Null(result.Terminating);
        }
    }

    [Fact]
    public async Task Stopping_CancelsAWaitInFlight()
    {
        using var session = _emulator.ConnectedSession();
        var settings = _emulator.Server.State.Settings;
        var answerDelay = settings.AnswerDelay;
        settings.AnswerDelay = TimeSpan.FromMinutes(5);
        try
        {
            var operation = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_stop@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop", UserA).ThrowOnError().Output.Single();
            session.SetVariable("operation", operation);

            // The invitee rings for minutes; Ctrl+C after a second must end the wait at once, not after -Timeout.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var result = await session.RunAsync("$operation | Wait-CsGraphInviteOperation -Timeout 600 -PollInterval 0.2", stop.Token);

            Assert.IsType<PipelineStoppedException>(result.Terminating);
            Assert.Empty(result.Output);
            Assert.NotEmpty(result.Progress);
        }
        finally
        {
            settings.AnswerDelay = answerDelay;
        }
    }
}
