using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>Invoke-CsGraphParticipantInvite -SplitIntoBatches against the emulator: everyone ends in the roster, nobody twice.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class BulkInviteTests
{
    private readonly EmulatorFixture _emulator;

    public BulkInviteTests(EmulatorFixture emulator) => _emulator = emulator;

    [Fact]
    public void FiftyParticipants_SplitIntoBatches_AllJoin_NoneInvitedTwice()
    {
        using var session = _emulator.ConnectedSession();
        var users = NewUsers(50);
        session.SetVariable("users", users);
        var duplicatesBefore = _emulator.Server.State.Stats.DuplicateInvites;

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk50@thread.v2' -ErrorAction Stop
            $ops = @($users | New-CsGraphInvitationParticipant -ErrorAction Stop |
                Invoke-CsGraphParticipantInvite -CallId $call.Id -SplitIntoBatches -ErrorAction Stop)
            $call.Id
            $ops.Count
            $ops | Wait-CsGraphInviteOperation -ThrottleLimit 10 -Timeout 60 -PollInterval 0.2").ThrowOnError();

        var callId = result.Output[0].ToString();
        Assert.Equal("10", result.Output[1].ToString());
        var outcomes = result.Output.Skip(2).ToList();
        Assert.Equal(10, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("Completed", o.Properties["Status"].Value!.ToString()));
        Assert.Single(result.Progress.Select(p => p.ActivityId).Distinct());

        // The emulator saw 10 invites of at most 5, together exactly the 50 users, and no duplicate.
        var invites = _emulator.Server.State.Invites.Where(i => i.CallId == callId).ToList();
        Assert.Equal(10, invites.Count);
        Assert.All(invites, i => Assert.InRange(i.Participants.Count, 1, 5));
        Assert.All(invites, i => Assert.Empty(i.DuplicateParticipants));
        var invited = invites.SelectMany(i => i.Participants).ToList();
        Assert.Equal(50, invited.Count);
        Assert.Equal(50, invited.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(duplicatesBefore, _emulator.Server.State.Stats.DuplicateInvites);

        var roster = _emulator.Server.State.GetRoster(callId);
        var joined = roster.Where(r => r.Joined && users.Contains(r.IdentityId, StringComparer.OrdinalIgnoreCase)).Select(r => r.IdentityId).ToList();
        Assert.Equal(50, joined.Count);
        Assert.Equal(50, joined.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void SplitIntoBatches_WithConnectionResetsAfterSending_StillInvitesEveryoneOnce()
    {
        using var session = _emulator.ConnectedSession();
        var users = NewUsers(20);
        session.SetVariable("users", users);
        var duplicatesBefore = _emulator.Server.State.Stats.DuplicateInvites;

        // The service processes these invites but the answers never arrive: the module must learn from the roster.
        var fault = _emulator.Server.Faults.Add(new FaultRule { Route = "/participants/invite$", Method = "POST", Kind = FaultKind.ResetAfter, Count = 2 });
        try
        {
            var result = session.Run(@"
                $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk_reset@thread.v2' -ErrorAction Stop
                $call.Id
                Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $users -SplitIntoBatches -ErrorAction Stop |
                    Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 0.2").ThrowOnError();

            var callId = result.Output[0].ToString();
            Assert.Equal(4, result.Output.Count - 1);
            Assert.All(result.Output.Skip(1), o => Assert.Equal("Completed", o.Properties["Status"].Value!.ToString()));
            Assert.Equal(duplicatesBefore, _emulator.Server.State.Stats.DuplicateInvites);
            var joined = _emulator.Server.State.GetRoster(callId).Where(r => r.Joined).Select(r => r.IdentityId).ToList();
            Assert.Equal(users.OrderBy(u => u), joined.Intersect(users, StringComparer.OrdinalIgnoreCase).OrderBy(u => u));
            Assert.Equal(joined.Count, joined.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
        finally
        {
            _emulator.Server.Faults.Remove(fault);
        }
    }

    [Fact]
    public void WithoutSplitIntoBatches_FiftyIsTooManyParticipants_AndNothingIsSent()
    {
        using var session = _emulator.ConnectedSession();
        session.SetVariable("users", NewUsers(50));
        var callId = session.Run("(New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk_toomany@thread.v2' -ErrorAction Stop).Id").ThrowOnError().Output.Single().ToString();
        session.SetVariable("callId", callId);
        var invitesBefore = _emulator.InviteRequests();

        var result = session.Run("$users | New-CsGraphInvitationParticipant | Invoke-CsGraphParticipantInvite -CallId $callId");

        var error = Assert.Single(result.AllErrors);
        Assert.StartsWith("TooManyParticipants,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
        Assert.Equal(invitesBefore, _emulator.InviteRequests());
    }

    [Fact]
    public void SplitIntoBatches_WithReplacesCallId_SendsThatParticipantAlone()
    {
        using var session = _emulator.ConnectedSession();
        var users = NewUsers(3);
        session.SetVariable("users", users);

        var result = session.Run(@"
            $old = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk_old@thread.v2' -ErrorAction Stop
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk_replace@thread.v2' -ErrorAction Stop
            $call.Id
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $users -ReplacesCallId $old.Id -SplitIntoBatches -ErrorAction Stop").ThrowOnError();

        var callId = result.Output[0].ToString();
        var operations = result.Output.Skip(1).ToList();
        Assert.Equal(2, operations.Count);
        var invites = _emulator.Server.State.Invites.Where(i => i.CallId == callId).OrderBy(i => i.ReceivedAt).ToList();
        Assert.Equal(new[] { 1, 2 }, invites.Select(i => i.Participants.Count).ToArray());
        Assert.Contains(users[0], invites[0].Participants[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void WhatIf_WithSplitIntoBatches_SendsNothing()
    {
        using var session = _emulator.ConnectedSession();
        session.SetVariable("users", NewUsers(12));
        var invitesBefore = _emulator.InviteRequests();

        var result = session.Run(@"
            $call = New-CsGraphCall -CallbackUri $callbackUri -ThreadId '19:meeting_bulk_whatif@thread.v2' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $users -SplitIntoBatches -WhatIf").ThrowOnError();

        Assert.Empty(result.Output);
        Assert.Equal(invitesBefore, _emulator.InviteRequests());
    }

    private string[] NewUsers(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.NewGuid().ToString();
            _emulator.Server.State.AddUser(new DirectoryUser { Id = ids[i], UserPrincipalName = $"bulk{i}.{ids[i]}@contoso.example", DisplayName = $"Bulk {i}" });
        }

        return ids;
    }
}
