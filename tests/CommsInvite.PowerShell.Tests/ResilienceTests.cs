using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>Faults the real service produces, injected by the emulator, seen through the cmdlets.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class ResilienceTests : IDisposable
{
    private readonly EmulatorFixture _emulator;

    public ResilienceTests(EmulatorFixture emulator) => _emulator = emulator;

    public void Dispose() => _emulator.Server.Faults.Clear();

    /// <summary>A fresh session connected to the emulator with extra Connect-CsGraph parameters (retry settings...).</summary>
    private PowerShellSession SessionConnectedWith(string connectParameters)
    {
        var session = new PowerShellSession();
        session.ImportModule();
        session.Run($"Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $args[0] {connectParameters} -ErrorAction Stop", _emulator.ConnectionFile).ThrowOnError();
        session.SetVariable("callbackUri", _emulator.CallbackUri);
        return session;
    }

    private static string NewCall(PowerShellSession session, string thread) =>
        session.Run($"(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_{thread}@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString()!;

    [Fact]
    public void ThrottledInvite_IsRetriedAfterRetryAfter_AndTheRetryShowsInDebug()
    {
        using var session = _emulator.ConnectedSession();
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_throttle@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString();
        _emulator.Server.Faults.Add(new FaultRule { Route = "participants/invite", Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 1, Count = 1 });

        var result = session.Run(
            "Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -Debug -ErrorAction Stop",
            callId, EmulatorDefaults.SeedUserIds[0]).ThrowOnError();

        Assert.Single(result.Output);
        Assert.Single(_emulator.Server.State.Invites, i => i.CallId == callId);
        Assert.Contains(result.Debug, line => line.Contains("retry 1 of", StringComparison.Ordinal) && line.Contains("429", StringComparison.Ordinal));
    }

    [Fact]
    public void ThrottlingBeyondMaxRetryCount_GivesThrottled_WithRequestIds()
    {
        using var session = SessionConnectedWith("-MaxRetryCount 0");
        var callId = NewCall(session, "throttle2");
        _emulator.Server.Faults.Add(new FaultRule { Route = "participants/invite", Method = "POST", Kind = FaultKind.Throttle, RetryAfterSeconds = 1, Count = 1 });

        var result = session.Run("Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1]", callId, EmulatorDefaults.SeedUserIds[0]);

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("Throttled,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        var message = error.ErrorDetails?.Message ?? error.Exception.Message;
        Assert.Contains("429", message);
        Assert.Contains("request-id", message);
        Assert.Contains("client-request-id", message);
    }

    [Fact]
    public void ConnectionResetAfterTheInviteWasProcessed_DoesNotInviteTwice()
    {
        using var session = _emulator.ConnectedSession();
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_reset@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString();
        _emulator.Server.Faults.Add(new FaultRule { Route = "participants/invite", Method = "POST", Kind = FaultKind.ResetAfter, Count = 1 });
        var duplicatesBefore = _emulator.Server.State.Stats.DuplicateInvites;

        var result = session.Run(
            "Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -Wait -PollInterval 0.2 -Timeout 30 -ErrorAction Stop",
            callId, EmulatorDefaults.SeedUserIds[1]).ThrowOnError();

        Assert.Equal("Completed", Assert.Single(result.Output).Properties["Status"].Value!.ToString());
        Assert.Equal(duplicatesBefore, _emulator.Server.State.Stats.DuplicateInvites);
        Assert.Contains(_emulator.Server.State.GetRoster(callId!), r => r.IdentityId == EmulatorDefaults.SeedUserIds[1] && r.Joined);
    }

    [Fact]
    public void AnInviteWhoseAnswerStalls_IsGivenUpAfterRequestTimeout_AndSettledFromTheRoster()
    {
        using var session = SessionConnectedWith("-RequestTimeout 1");
        var callId = NewCall(session, "stall");
        _emulator.Server.Faults.Add(new FaultRule { Route = "participants/invite", Method = "POST", Kind = FaultKind.StallBody, Count = 1 });
        var duplicatesBefore = _emulator.Server.State.Stats.DuplicateInvites;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = session.Run(
            "Invoke-CsGraphParticipantInvite -CallId $args[0] -UserId $args[1] -Verbose -ErrorAction Stop",
            callId, EmulatorDefaults.SeedUserIds[2]).ThrowOnError();

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.Equal(true, Assert.Single(result.Output).Properties["RecoveredFromRoster"].Value);
        Assert.Contains(result.Verbose, line => line.Contains("No response within", StringComparison.Ordinal));
        Assert.Equal(duplicatesBefore, _emulator.Server.State.Stats.DuplicateInvites);
        Assert.Single(_emulator.Server.State.GetRoster(callId!), r => r.IdentityId == EmulatorDefaults.SeedUserIds[2]);
    }
}
