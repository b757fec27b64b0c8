using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Wait-CsGraphInviteOperation -Strategy with a listener started in the engine: the emulator's signed
/// notifications complete waits, and polling takes over when they go elsewhere.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class NotificationWaitTests
{
    private static readonly string UserA = EmulatorDefaults.SeedUserIds[0];
    private static readonly string UserB = EmulatorDefaults.SeedUserIds[1];
    private static readonly string UserC = EmulatorDefaults.SeedUserIds[2];

    private readonly EmulatorFixture _emulator;

    public NotificationWaitTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void StrategyNotification_CompletesFromTheListenersNotification()
    {
        using var session = ListeningSession();
        try
        {
            var result = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_wait_notify@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0], $args[1] -ErrorAction Stop |
                    Wait-CsGraphInviteOperation -Strategy Notification -Timeout 30", UserA, UserB).ThrowOnError();

            var outcome = Assert.Single(result.Output);
            Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
            Assert.Equal("Notification", outcome.Properties["Source"].Value!.ToString());
            var callId = outcome.Properties["CallId"].Value!.ToString()!;
            Assert.Equal(2, _emulator.Server.State.GetRoster(callId).Count(r => r.Joined && (r.IdentityId == UserA || r.IdentityId == UserB)));
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void StrategyAuto_CompletesFromTheNotification_WithoutWaitingForTheNextPoll()
    {
        using var session = ListeningSession();
        try
        {
            // The first poll sees the invitee ringing; the next would come only after 4 minutes, beyond -Timeout.
            var result = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_wait_auto@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop |
                    Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 240", UserA).ThrowOnError();

            var outcome = Assert.Single(result.Output);
            Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
            Assert.Equal("Notification", outcome.Properties["Source"].Value!.ToString());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void StrategyAuto_FallsBackToPolling_WhenTheCallbackGoesElsewhere()
    {
        using var session = ListeningSession();
        try
        {
            var result = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_wait_fallback@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop |
                    Wait-CsGraphInviteOperation -Strategy Auto -Timeout 30 -PollInterval 0.2", UserA).ThrowOnError();

            var outcome = Assert.Single(result.Output);
            Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
            Assert.Equal("Poll", outcome.Properties["Source"].Value!.ToString());
            Assert.Equal("0", session.Run("$listener.Statistics.NotificationsReceived").ThrowOnError().Output.Single().ToString());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Fact]
    public void StrategyNotification_WithoutAListener_IsRefusedBeforeWaiting()
    {
        using var session = _emulator.ConnectedSession();
        var operation = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_wait_nolistener@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -ErrorAction Stop", UserA).ThrowOnError().Output.Single();
        session.SetVariable("operation", operation);
        var requestsBefore = TotalRequests();

        var result = session.Run("$operation | Wait-CsGraphInviteOperation -Strategy Notification -Timeout 30");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("NotificationListenerNotRunning,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Contains("Start-CsGraphNotificationListener", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.Empty(result.Progress);
        Assert.Equal(requestsBefore, TotalRequests());
    }

    [Fact]
    public void ManyOperations_OneProgressBar_ThrottleLimit_AndADeclineLearntFromItsNotification()
    {
        using var session = ListeningSession();
        try
        {
            var result = session.Run(@"
                $ops = foreach ($user in $args) {
                    $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId ""19:meeting_wait_many_$user@thread.v2"" -ErrorAction Stop
                    Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $user -ErrorAction Stop
                }
                $ops | Wait-CsGraphInviteOperation -Strategy Notification -ThrottleLimit 2 -Timeout 30",
                UserA, UserB, UserC, EmulatorDefaults.DecliningUserId);

            Assert.Null(result.Terminating);
            Assert.Equal(4, result.Output.Count);
            Assert.Equal(new[] { "Completed", "Completed", "Completed", "Failed" }, result.Output.Select(o => o.Properties["Status"].Value!.ToString()).ToArray());
            Assert.All(result.Output, o => Assert.Equal("Notification", o.Properties["Source"].Value!.ToString()));
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("InviteOperationFailed,", error.FullyQualifiedErrorId);
            Assert.Contains("301004", error.ErrorDetails?.Message ?? error.Exception.Message);

            // One bar for all of them.
            Assert.NotEmpty(result.Progress);
            Assert.Single(result.Progress.Select(p => p.ActivityId).Distinct());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public void ThrottleLimit_OutOfRange_IsAParameterError(string limit)
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run($"New-CsGraphInvitationParticipant -UserId $args[0] | Wait-CsGraphInviteOperation -ThrottleLimit {limit}", UserA);

        var error = Assert.Single(result.AllErrors);
        var binding = Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
        Assert.Equal("ThrottleLimit", binding.ParameterName);
    }

    [Fact]
    public void InviteWithWait_UsesTheRunningListener()
    {
        using var session = ListeningSession();
        try
        {
            var result = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_wait_invite@thread.v2' -ErrorAction Stop
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $args[0] -Wait -Timeout 30 -PollInterval 240", UserC).ThrowOnError();

            var outcome = Assert.Single(result.Output);
            Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
            Assert.Equal("Notification", outcome.Properties["Source"].Value!.ToString());
        }
        finally
        {
            session.Run("Stop-CsGraphNotificationListener");
        }
    }

    private PowerShellSession ListeningSession()
    {
        var session = _emulator.ConnectedSession();
        session.Run("$listener = Start-CsGraphNotificationListener -ErrorAction Stop").ThrowOnError();
        return session;
    }

    private long TotalRequests() => _emulator.Server.State.Stats.RequestsPerRoute.Sum(r => r.Value);
}
