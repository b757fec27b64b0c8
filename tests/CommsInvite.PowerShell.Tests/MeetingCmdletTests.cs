using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Joining Teams meetings and ending what the module started, in a real engine against the emulator: join by link
/// and by id, the whole dial-in pipeline from a provisioned bot, removing the phone, hanging up (twice), removing a
/// licence, and -WhatIf sending nothing. Own emulator: these tests provision numbers and licences.
/// </summary>
public sealed class MeetingCmdletTests : IClassFixture<EmulatorFixture>
{
    private const string ProvisionScript = """
        param($Upn, $AppId, $Number)
        New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'Meeting bot' -ApplicationId $AppId |
            Sync-CsOnlineApplicationInstance -PassThru |
            Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
            Set-CsPhoneNumberAssignment -TelephoneNumber $Number -NumberType CallingPlan -PassThru
        """;

    private readonly EmulatorFixture _emulator;

    public MeetingCmdletTests(EmulatorFixture emulator) => _emulator = emulator;

    private EmulatorState State => _emulator.Server.State;

    private long GraphRequests() =>
        State.Stats.RequestsPerRoute.Where(r => r.Key.Contains("/v1.0/", StringComparison.Ordinal) || r.Key.Contains("/beta/", StringComparison.Ordinal)).Sum(r => r.Value);

    private long GraphChanges() =>
        State.Stats.RequestsPerRoute.Where(r => !r.Key.StartsWith("GET", StringComparison.Ordinal)
            && (r.Key.Contains("/v1.0/", StringComparison.Ordinal) || r.Key.Contains("/beta/", StringComparison.Ordinal))).Sum(r => r.Value);

    private async Task<JsonNode> NewMeetingAsync()
    {
        using var admin = _emulator.Server.CreateHttpClient();
        var response = await admin.PostAsJsonAsync("_emulator/meetings", new { subject = "Engine meeting" });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string Text(JsonNode meeting, string name) => meeting[name]!.GetValue<string>();

    private PSObjectAccess ProvisionBot(PowerShellSession session)
    {
        var number = "+1206557" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        State.AddPhoneNumber(number);
        var upn = $"meet-{Guid.NewGuid():N}".Substring(0, 13) + "@contoso.onmicrosoft.com";
        var bot = session.Run(ProvisionScript, upn, EmulatorDefaults.ClientId, number).ThrowOnError().Output.Single();
        session.SetVariable("bot", bot);
        return new PSObjectAccess(bot.Properties["ObjectId"].Value!.ToString()!, number);
    }

    private sealed record PSObjectAccess(string ObjectId, string Number);

    [Fact]
    public async Task JoinByLink_AndById_BothEstablishInTheMeetingsThread()
    {
        var meeting = await NewMeetingAsync();
        using var session = _emulator.ConnectedSession();

        var result = session.Run("""
            param($Url, $Id, $Passcode)
            New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl $Url -ErrorAction Stop
            New-CsGraphCall -CallbackUri $callbackUri -JoinMeetingId $Id -Passcode $Passcode -ErrorAction Stop
            """, Text(meeting, "joinWebUrl"), Text(meeting, "joinMeetingId"), Text(meeting, "passcode")).ThrowOnError();

        Assert.Equal(2, result.Output.Count);
        foreach (var call in result.Output)
        {
            Assert.Equal("established", call.Properties["State"].Value);
            var id = call.Properties["Id"].Value!.ToString()!;
            var snapshot = State.GetCall(id)!;
            Assert.True(snapshot.IsGroupCall);
            Assert.Contains(snapshot.Roster, e => e.IdentityKind == "user" && e.IdentityId == Text(meeting, "organizerId") && e.Joined);
        }

        var byLink = (dynamic)result.Output[0].BaseObject;
        Assert.Equal(Text(meeting, "threadId"), (string)byLink.ChatInfo.ThreadId);
        Assert.Equal(Text(meeting, "organizerId"), (string)byLink.MeetingInfo.Organizer.User.Id);
        var byId = (dynamic)result.Output[1].BaseObject;
        Assert.Equal(Text(meeting, "joinMeetingId"), (string)byId.MeetingInfo.JoinMeetingId);
    }

    [Fact]
    public async Task DialIn_FromAProvisionedBot_RemoveThePhone_HangUpTwice()
    {
        var meeting = await NewMeetingAsync();
        using var session = _emulator.ConnectedSession();
        var bot = ProvisionBot(session);
        const string phone = "+14255550177";

        var outcome = session.Run("""
            param($Url, $Phone)
            New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl $Url -SourceApplicationInstanceId $bot.ObjectId -ErrorAction Stop |
                Invoke-CsGraphParticipantInvite -PhoneNumber $Phone -ErrorAction Stop |
                Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
            """, Text(meeting, "joinWebUrl"), phone).ThrowOnError().Output.Single();

        Assert.Equal("Completed", outcome.Properties["Status"].Value!.ToString());
        var callId = outcome.Properties["CallId"].Value!.ToString()!;
        Assert.Equal(bot.ObjectId, State.GetCall(callId)!.SourceApplicationInstanceId);
        Assert.Contains(State.GetRoster(callId), e => e.IdentityKind == "phone" && e.IdentityId == phone && e.Joined);

        // -WhatIf removes nothing and sends nothing.
        var changes = GraphChanges();
        session.Run("""
            param($CallId, $Phone)
            Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone } | Remove-CsGraphCallParticipant -WhatIf
            Remove-CsGraphCall -CallId $CallId -WhatIf
            """, callId, phone).ThrowOnError();
        Assert.Equal(changes, GraphChanges());
        Assert.Contains(State.GetRoster(callId), e => e.IdentityKind == "phone");

        session.Run("""
            param($CallId, $Phone)
            Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone } | Remove-CsGraphCallParticipant -ErrorAction Stop
            """, callId, phone).ThrowOnError();
        Assert.DoesNotContain(State.GetRoster(callId), e => e.IdentityKind == "phone");
        Assert.Contains(State.GetRoster(callId), e => e.IdentityKind == "user");

        var hangUps = session.Run("""
            param($CallId)
            Get-CsGraphCall -CallId $CallId | Remove-CsGraphCall -Confirm:$false
            Remove-CsGraphCall -CallId $CallId -Confirm:$false
            'after'
            """, callId);
        Assert.Null(State.GetCall(callId));
        var error = Assert.Single(hangUps.Errors);
        Assert.StartsWith("CallNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("after", Assert.Single(hangUps.Output).ToString());
        Assert.Null(hangUps.Terminating);
    }

    [Fact]
    public async Task NullSponsor_AndMalformedJoins_AreRefusedAtBinding_OrBeforeAnyRequest()
    {
        var meeting = await NewMeetingAsync();
        using var session = _emulator.ConnectedSession();
        var before = GraphRequests();
        var callsBefore = State.GetCalls().Count;

        var cases = new (string Script, string ErrorId)[]
        {
            ("New-CsGraphCall -CallbackUri $callbackUri -SourceApplicationInstanceId $null", "ParameterArgumentValidationError"),
            ("New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl $args[0] -SourceApplicationInstanceId ''", "ParameterArgumentValidationError"),
            ("[pscustomobject]@{ ObjectId = $null } | New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl $args[0]", "ParameterArgumentValidationError"),
            ("New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl ($args[0] -replace 'context=.*$', '')", "InvalidJoinWebUrl"),
            ("New-CsGraphCall -CallbackUri $callbackUri -JoinMeetingId 'one two'", "InvalidJoinMeetingId"),
            ("Remove-CsGraphCallParticipant -CallId $null -ParticipantId x", "ParameterArgumentValidationError"),
            ("Invoke-CsGraphParticipantInvite -CallId '' -PhoneNumber +14255550100", "ParameterArgumentValidationError"),
        };
        foreach (var (script, errorId) in cases)
        {
            var result = session.Run(script, Text(meeting, "joinWebUrl"));
            var error = Assert.Single(result.AllErrors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal), $"{script}: {error.FullyQualifiedErrorId}");
        }

        Assert.Equal(before, GraphRequests());
        Assert.Equal(callsBefore, State.GetCalls().Count);
    }

    [Fact]
    public void RemoveLicense_AfterATrial_FreesTheSeat_AndASecondRemovalOnlyWarns()
    {
        using var session = _emulator.ConnectedSession();
        var bot = ProvisionBot(session);
        var account = State.FindUser(bot.ObjectId)!;
        Assert.Contains(EmulatorDefaults.Mcopstn1SkuId, account.AssignedLicenses);
        var changes = GraphChanges();

        session.Run("$bot | Remove-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -WhatIf").ThrowOnError();
        Assert.Equal(changes, GraphChanges());
        var passThru = session.Run("$bot | Remove-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -PassThru -ErrorAction Stop").ThrowOnError().Output.Single();
        var again = session.Run("$bot | Remove-CsGraphUserLicense -SkuId $args[0] -ErrorAction Stop", EmulatorDefaults.Mcopstn1SkuId).ThrowOnError();

        Assert.DoesNotContain(EmulatorDefaults.Mcopstn1SkuId, account.AssignedLicenses);
        Assert.Contains(EmulatorDefaults.PhoneSystemVirtualUserSkuId, account.AssignedLicenses);
        Assert.Equal(bot.ObjectId, passThru.Properties["ObjectId"].Value);
        Assert.Contains(again.Warnings, w => w.Contains("LicenseNotAssigned", StringComparison.Ordinal));
        Assert.Equal(changes + 1, GraphChanges());
    }

    [Fact]
    public async Task CallIdCompletion_OffersTheJoinedCall_ForRemoveCsGraphCall()
    {
        var meeting = await NewMeetingAsync();
        using var session = _emulator.ConnectedSession();
        var call = session.Run("New-CsGraphCall -CallbackUri $callbackUri -JoinWebUrl $args[0] -ErrorAction Stop", Text(meeting, "joinWebUrl")).ThrowOnError().Output.Single();
        var id = call.Properties["Id"].Value!.ToString()!;

        foreach (var command in new[] { "Remove-CsGraphCall -CallId ", "Remove-CsGraphCallParticipant -CallId " })
        {
            var completions = session.Run("param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText", command + id[..8]).ThrowOnError();
            Assert.Contains("'" + id + "'", completions.Output.Select(o => o.ToString()));
        }

        // -ParticipantId offers the roster of that call (the organizer), not the bot itself.
        var organizer = State.GetRoster(id).Single(e => e.IdentityKind == "user");
        var participants = session.Run("param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText",
            $"Remove-CsGraphCallParticipant -CallId {id} -ParticipantId ").ThrowOnError().Output.Select(o => o.ToString()).ToList();
        Assert.Equal(new[] { "'" + organizer.ParticipantId + "'" }, participants);

        // A hung-up call is no longer offered.
        session.Run("Remove-CsGraphCall -CallId $args[0] -Confirm:$false -ErrorAction Stop", id).ThrowOnError();
        var afterHangUp = session.Run("param($Line) (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText", "Remove-CsGraphCall -CallId " + id[..8]).ThrowOnError();
        Assert.DoesNotContain("'" + id + "'", afterHangUp.Output.Select(o => o?.ToString()));
    }
}
