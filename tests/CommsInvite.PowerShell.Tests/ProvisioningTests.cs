using System.Management.Automation;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Xunit;

namespace CommsInvite.PowerShell.Tests;

/// <summary>
/// Issue 3 end to end: a new application instance, synced, licensed, given a free number, owning a call that
/// invites a phone. Each test class gets its own emulator (its numbers and seats are state the tests change).
/// </summary>
public sealed class ProvisioningTests : IClassFixture<EmulatorFixture>
{
    /// <summary>The README pipeline, unchanged, then a call owned by the new instance and a PSTN invite.</summary>
    private const string ProvisionScript = """
        param($Upn, $AppId, $Number)
        $bot = New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'PSTN bot' -ApplicationId $AppId |
            Sync-CsOnlineApplicationInstance -PassThru |
            Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
            Set-CsPhoneNumberAssignment -TelephoneNumber $Number -NumberType CallingPlan -PassThru
        $bot
        """;

    private readonly EmulatorFixture _emulator;

    public ProvisioningTests(EmulatorFixture emulator) => _emulator = emulator;

    private EmulatorState State => _emulator.Server.State;

    private static string NewUpn(string prefix) => $"{prefix}-{Guid.NewGuid():N}".Substring(0, prefix.Length + 9) + "@contoso.onmicrosoft.com";

    /// <summary>Requests that could change provisioning state (POST/PATCH/DELETE on users and Teams admin routes).</summary>
    private long ProvisioningChanges() =>
        State.Stats.RequestsPerRoute
            .Where(r => !r.Key.StartsWith("GET", StringComparison.Ordinal)
                && (r.Key.Contains("/users/", StringComparison.Ordinal) || r.Key.Contains("/admin/teams", StringComparison.Ordinal)))
            .Sum(r => r.Value);

    /// <summary>Every Graph request (token requests and the admin endpoint left out).</summary>
    private long GraphRequests() =>
        State.Stats.RequestsPerRoute
            .Where(r => r.Key.Contains("/v1.0/", StringComparison.Ordinal) || r.Key.Contains("/beta/", StringComparison.Ordinal))
            .Sum(r => r.Value);

    private string AddFreeNumber()
    {
        var number = "+1206555" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        State.AddPhoneNumber(number);
        return number;
    }

    private static string Prop(PSObject value, string name) => value.Properties[name]?.Value?.ToString() ?? string.Empty;

    private static ErrorRecord SingleError(ScriptResult result) => Assert.Single(result.AllErrors);

    [Fact]
    public void Pipeline_NewSyncLicenseNumber_ThenACallOwnedByTheInstance_InvitesAPhoneThatJoins()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("pstnbot");

        var result = session.Run(
            """
            param($Upn, $AppId, $CallbackUri)
            $free = Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1
            $bot = New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'PSTN bot' -ApplicationId $AppId |
                Sync-CsOnlineApplicationInstance -PassThru |
                Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
                Set-CsPhoneNumberAssignment -TelephoneNumber $free.TelephoneNumber -NumberType CallingPlan -PassThru
            $bot
            $call = New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $bot.ObjectId
            Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber +14255550123 | Wait-CsGraphInviteOperation -Timeout 30
            $call.Id
            """,
            upn, EmulatorDefaults.ClientId, _emulator.CallbackUri).ThrowOnError();

        Assert.Equal(3, result.Output.Count);
        var bot = result.Output[0];
        Assert.Equal("CommsInvite.Core.Provisioning.ApplicationInstance", bot.BaseObject.GetType().FullName);
        Assert.Equal(upn, Prop(bot, "UserPrincipalName"));
        Assert.Equal(EmulatorDefaults.ClientId, Prop(bot, "ApplicationId"));
        var number = Prop(bot, "PhoneNumber");
        Assert.Matches(@"^\+\d{8,15}$", number);

        // The emulator agrees: synced, licensed, the number assigned to it.
        var objectId = Prop(bot, "ObjectId");
        var instance = State.FindApplicationInstance(objectId)!;
        Assert.True(instance.Synced);
        Assert.Equal(number, instance.PhoneNumber);
        Assert.Equal(objectId, State.GetNumbers().Single(n => n.TelephoneNumber == number).AssignmentTargetId);
        Assert.Equal(
            new[] { EmulatorDefaults.Mcopstn1SkuId, EmulatorDefaults.PhoneSystemVirtualUserSkuId }.OrderBy(s => s),
            State.FindUser(objectId)!.AssignedLicenses.OrderBy(s => s));
        Assert.Equal("US", State.FindUser(objectId)!.UsageLocation);

        Assert.Equal("Completed", Prop(result.Output[1], "Status"));
        var callId = result.Output[2].BaseObject.ToString()!;
        Assert.Equal(objectId, State.GetCall(callId)!.SourceApplicationInstanceId);
        var phone = Assert.Single(State.GetRoster(callId), r => r.IdentityKind == "phone");
        Assert.Equal("+14255550123", phone.IdentityId);
        Assert.True(phone.Joined);

        // The sync waited for replication and said so.
        Assert.Contains(result.Progress, p => p.Activity.StartsWith("Sync-CsOnlineApplicationInstance", StringComparison.Ordinal));
    }

    [Fact]
    public void Pipeline_RunTwice_SecondRunChangesNothingAndSaysWhatIsInPlace()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("rerun");
        var number = AddFreeNumber();
        var first = session.Run(ProvisionScript, upn, EmulatorDefaults.ClientId, number).ThrowOnError();
        var objectId = Prop(Assert.Single(first.Output), "ObjectId");
        var seatsBefore = State.GetSkus().ToDictionary(s => s.SkuPartNumber, s => s.Consumed);
        var changesBefore = ProvisioningChanges();

        var again = session.Run(
            """
            param($Upn, $AppId, $Number)
            New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'PSTN bot' -ApplicationId $AppId -Verbose |
                Sync-CsOnlineApplicationInstance -PassThru -Verbose |
                Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -Verbose |
                Set-CsPhoneNumberAssignment -TelephoneNumber $Number -NumberType CallingPlan -PassThru -Verbose
            """,
            upn, EmulatorDefaults.ClientId, number).ThrowOnError();

        Assert.Equal(changesBefore, ProvisioningChanges());
        Assert.Equal(seatsBefore, State.GetSkus().ToDictionary(s => s.SkuPartNumber, s => s.Consumed));
        var bot = Assert.Single(again.Output);
        Assert.Equal(objectId, Prop(bot, "ObjectId"));
        Assert.Equal(number, Prop(bot, "PhoneNumber"));
        Assert.Single(State.GetUsers(), u => string.Equals(u.UserPrincipalName, upn, StringComparison.OrdinalIgnoreCase));

        // Each step says what it found in place.
        Assert.Contains(again.Verbose, v => v.Contains("already exists", StringComparison.Ordinal));
        Assert.Contains(again.Verbose, v => v.Contains("already synced", StringComparison.Ordinal));
        Assert.Contains(again.Verbose, v => v.Contains("already holds", StringComparison.Ordinal) && v.Contains("MCOPSTN1", StringComparison.Ordinal));
        Assert.Contains(again.Verbose, v => v.Contains($"{number} is already assigned", StringComparison.Ordinal));
    }

    [Fact]
    public void New_UpnHeldByADirectoryUser_IsUserPrincipalNameTaken()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run("New-CsOnlineApplicationInstance -UserPrincipalName adele@contoso.onmicrosoft.com -DisplayName Bot -ApplicationId $args[0]", EmulatorDefaults.ClientId);

        var error = SingleError(result);
        Assert.Equal("UserPrincipalNameTaken,CommsInvite.Commands.NewCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
        Assert.Null(State.FindApplicationInstance("adele@contoso.onmicrosoft.com"));
    }

    [Fact]
    public void New_UpnHeldByAnInstanceOfAnotherApplication_IsUserPrincipalNameTaken_WithoutAnyCreate()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("taken");
        session.Run("New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName One -ApplicationId $args[1]", upn, Guid.NewGuid().ToString()).ThrowOnError();
        var changes = ProvisioningChanges();

        var result = session.Run("New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName Two -ApplicationId $args[1]", upn, EmulatorDefaults.ClientId);

        var error = SingleError(result);
        Assert.StartsWith("UserPrincipalNameTaken,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(upn, error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(changes, ProvisioningChanges());
    }

    [Fact]
    public void License_UnknownSku_IsSkuNotFound_AndNamesTheTenantsSubscriptions()
    {
        using var session = _emulator.ConnectedSession();
        var changes = ProvisioningChanges();

        var result = session.Run("Set-CsGraphUserLicense -Identity alex@contoso.onmicrosoft.com -SkuPartNumber MCOPSTN1, ENTERPRISEPREMIUM_NOPSTNCONF");

        var error = SingleError(result);
        Assert.Equal("SkuNotFound,CommsInvite.Commands.SetCsGraphUserLicenseCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("ENTERPRISEPREMIUM_NOPSTNCONF", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("PHONESYSTEM_VIRTUALUSER", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(changes, ProvisioningChanges());
    }

    [Fact]
    public void License_NoSeatsLeft_IsNoLicensesAvailable_AndNothingIsAssigned()
    {
        using var session = _emulator.ConnectedSession();
        var mcoev = State.GetSkus().Single(s => s.SkuPartNumber == "MCOEV");
        Assert.True(State.SetSkuSeats("MCOEV", mcoev.Consumed));
        try
        {
            var changes = ProvisioningChanges();

            var result = session.Run("Set-CsGraphUserLicense -Identity megan@contoso.onmicrosoft.com -SkuPartNumber MCOEV -PassThru");

            var error = SingleError(result);
            Assert.Equal("NoLicensesAvailable,CommsInvite.Commands.SetCsGraphUserLicenseCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
            Assert.Contains("MCOEV", error.Exception.Message, StringComparison.Ordinal);
            Assert.Empty(result.Output);
            Assert.Equal(changes, ProvisioningChanges());
            Assert.DoesNotContain(EmulatorDefaults.McoevSkuId, State.FindUser("megan@contoso.onmicrosoft.com")!.AssignedLicenses);
        }
        finally
        {
            State.SetSkuSeats("MCOEV", 5);
        }
    }

    [Fact]
    public void License_NewInstanceWithoutUsageLocation_IsUsageLocationMissing()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("nolocation");

        var result = session.Run(
            "New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName Bot -ApplicationId $args[1] | Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER",
            upn, EmulatorDefaults.ClientId);

        var error = SingleError(result);
        Assert.Equal("UsageLocationMissing,CommsInvite.Commands.SetCsGraphUserLicenseCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-UsageLocation", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(State.FindUser(upn)!.AssignedLicenses);
    }

    [Fact]
    public void Number_AssignedToSomeoneElse_IsNumberAssignedElsewhere_AndStaysWithThem()
    {
        using var session = _emulator.ConnectedSession();
        var number = AddFreeNumber();
        session.Run("Set-CsGraphUserLicense -Identity lee@contoso.onmicrosoft.com -SkuPartNumber MCOPSTN1; Set-CsPhoneNumberAssignment -Identity lee@contoso.onmicrosoft.com -TelephoneNumber $args[0] -NumberType CallingPlan", number).ThrowOnError();
        var lee = State.FindUser("lee@contoso.onmicrosoft.com")!.Id;
        var changes = ProvisioningChanges();

        var result = session.Run("Set-CsPhoneNumberAssignment -Identity nestor@contoso.onmicrosoft.com -PhoneNumber $args[0] -PhoneNumberType CallingPlan -PassThru", number);

        var error = SingleError(result);
        Assert.Equal("NumberAssignedElsewhere,CommsInvite.Commands.SetCsPhoneNumberAssignmentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Contains(lee, error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal(changes, ProvisioningChanges());
        Assert.Equal(lee, State.GetNumbers().Single(n => n.TelephoneNumber == number).AssignmentTargetId);
    }

    [Fact]
    public void Number_NotInTheTenant_IsNumberNotFound()
    {
        using var session = _emulator.ConnectedSession();
        var changes = ProvisioningChanges();

        var result = session.Run("Set-CsPhoneNumberAssignment -Identity lidia@contoso.onmicrosoft.com -TelephoneNumber +19995550123 -NumberType CallingPlan");

        var error = SingleError(result);
        Assert.Equal("NumberNotFound,CommsInvite.Commands.SetCsPhoneNumberAssignmentCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("+19995550123", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(changes, ProvisioningChanges());
    }

    [Fact]
    public void PstnInvite_BeforeTheInstanceHasANumber_FailsWith412_9999_AsInviteOperationFailed()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("nonumber");

        var result = session.Run(
            """
            param($Upn, $AppId, $CallbackUri)
            $bot = New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'No number' -ApplicationId $AppId | Sync-CsOnlineApplicationInstance -PassThru
            $call = New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $bot.ObjectId
            Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber +12345678999 | Wait-CsGraphInviteOperation -Timeout 30
            """,
            upn, EmulatorDefaults.ClientId, _emulator.CallbackUri);

        var error = SingleError(result);
        Assert.Equal("InviteOperationFailed,CommsInvite.Commands.WaitCsGraphInviteOperationCommand", error.FullyQualifiedErrorId);
        var text = error.Exception.Message + " " + error.ErrorDetails?.Message;
        Assert.Contains("412", text, StringComparison.Ordinal);
        Assert.Contains("9999", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("New-CsOnlineApplicationInstance -UserPrincipalName 'not a upn' -DisplayName Bot -ApplicationId $args[0]", "InvalidUserPrincipalName", "NewCsOnlineApplicationInstanceCommand")]
    [InlineData("New-CsOnlineApplicationInstance -UserPrincipalName bad-guid@contoso.onmicrosoft.com -DisplayName Bot -ApplicationId 1234", "InvalidGuid", "NewCsOnlineApplicationInstanceCommand")]
    [InlineData("Sync-CsOnlineApplicationInstance -ObjectId 'nobody here'", "InvalidIdentity", "SyncCsOnlineApplicationInstanceCommand")]
    [InlineData("Set-CsPhoneNumberAssignment -Identity $args[0] -TelephoneNumber 425-555-0100 -NumberType CallingPlan", "InvalidPhoneNumber", "SetCsPhoneNumberAssignmentCommand")]
    [InlineData("Set-CsPhoneNumberAssignment -Identity $args[0] -TelephoneNumber +12345678901 -NumberType Landline", "InvalidNumberType", "SetCsPhoneNumberAssignmentCommand")]
    [InlineData("Get-CsPhoneNumberAssignment -PstnAssignmentStatus Free", "InvalidAssignmentStatus", "GetCsPhoneNumberAssignmentCommand")]
    [InlineData("Set-CsGraphUserLicense -Identity $args[0] -SkuPartNumber MCOPSTN1 -UsageLocation USA", "InvalidUsageLocation", "SetCsGraphUserLicenseCommand")]
    [InlineData("Set-CsGraphUserLicense -Identity $args[0] -SkuId not-a-guid", "InvalidGuid", "SetCsGraphUserLicenseCommand")]
    [InlineData("Set-CsOnlineVoiceApplicationInstance -Identity $args[0] -TelephoneNumber 12345", "InvalidPhoneNumber", "SetCsOnlineVoiceApplicationInstanceCommand")]
    public void BadInput_IsRejectedBeforeAnyRequest(string script, string errorId, string command)
    {
        using var session = _emulator.ConnectedSession();
        var requests = GraphRequests();

        var result = session.Run(script, EmulatorDefaults.ClientId);

        var error = SingleError(result);
        Assert.Equal($"{errorId},CommsInvite.Commands.{command}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(requests, GraphRequests());
    }

    [Fact]
    public void WhatIf_OnEveryStep_SendsNoChange()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("whatif");
        session.Run("New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName Bot -ApplicationId $args[1] | Sync-CsOnlineApplicationInstance", upn, EmulatorDefaults.ClientId).ThrowOnError();
        var number = AddFreeNumber();
        var changes = ProvisioningChanges();

        var result = session.Run(
            """
            param($Upn, $AppId, $Number)
            New-CsOnlineApplicationInstance -UserPrincipalName 'never@contoso.onmicrosoft.com' -DisplayName Never -ApplicationId $AppId -WhatIf
            Set-CsOnlineApplicationInstance -Identity $Upn -DisplayName 'Renamed' -WhatIf
            Set-CsGraphUserLicense -Identity $Upn -SkuPartNumber PHONESYSTEM_VIRTUALUSER -UsageLocation US -WhatIf
            Set-CsPhoneNumberAssignment -Identity $Upn -TelephoneNumber $Number -NumberType CallingPlan -WhatIf
            """,
            upn, EmulatorDefaults.ClientId, number).ThrowOnError();

        Assert.Equal(changes, ProvisioningChanges());
        Assert.Null(State.FindApplicationInstance("never@contoso.onmicrosoft.com"));
        Assert.Equal("Bot", State.FindApplicationInstance(upn)!.DisplayName);
        Assert.Equal("unassigned", State.GetNumbers().Single(n => n.TelephoneNumber == number).AssignmentStatus);
    }

    [Fact]
    public void SeedsDeprecatedForm_SetCsOnlineVoiceApplicationInstance_AssignsAndWarns()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("seedform");
        var number = AddFreeNumber();

        // The seeds' example 4, steps 1 and 4 as written there; step 2 (licences, in the admin center there) by cmdlet.
        var result = session.Run(
            """
            param($Upn, $AppId, $Number)
            $instance = New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'Seed bot' -ApplicationId $AppId
            Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId
            Set-CsGraphUserLicense -Identity $Upn -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US
            Set-CsOnlineVoiceApplicationInstance -Identity $Upn -TelephoneNumber $Number
            Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId
            Get-CsOnlineApplicationInstance -Identity $Upn
            """,
            upn, EmulatorDefaults.ClientId, number).ThrowOnError();

        Assert.Equal(number, Prop(result.Output[^1], "PhoneNumber"));
        Assert.Contains(result.Warnings, w => w.Contains("deprecated", StringComparison.Ordinal) && w.Contains("Set-CsPhoneNumberAssignment", StringComparison.Ordinal));
        Assert.Equal("voiceApplicationAssigned", State.GetNumbers().Single(n => n.TelephoneNumber == number).AssignmentStatus);
    }

    [Fact]
    public void RemoveAssignment_FreesTheNumber_AndASecondRemoveChangesNothing()
    {
        using var session = _emulator.ConnectedSession();
        var number = AddFreeNumber();
        session.Run("Set-CsGraphUserLicense -Identity grady@contoso.onmicrosoft.com -SkuPartNumber MCOPSTN1; Set-CsPhoneNumberAssignment -Identity grady@contoso.onmicrosoft.com -TelephoneNumber $args[0] -NumberType CallingPlan", number).ThrowOnError();

        session.Run("Remove-CsPhoneNumberAssignment -Identity grady@contoso.onmicrosoft.com -PhoneNumber $args[0] -Confirm:$false", number).ThrowOnError();
        var changes = ProvisioningChanges();
        var again = session.Run("Remove-CsPhoneNumberAssignment -Identity grady@contoso.onmicrosoft.com -PhoneNumber $args[0] -Confirm:$false -Verbose", number).ThrowOnError();

        Assert.Equal("unassigned", State.GetNumbers().Single(n => n.TelephoneNumber == number).AssignmentStatus);
        Assert.Equal(changes, ProvisioningChanges());
        Assert.Contains(again.Verbose, v => v.Contains("nothing to remove", StringComparison.Ordinal));
    }

    [Fact]
    public void GetAssignment_Filters_AndTheProvisioningViewsAreLoaded()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run("Get-CsPhoneNumberAssignment -TelephoneNumber +14255550101; Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -Top 2").ThrowOnError();

        Assert.Equal(3, result.Output.Count);
        Assert.Equal("+14255550101", Prop(result.Output[0], "TelephoneNumber"));
        Assert.Equal("CallingPlan", Prop(result.Output[0], "NumberType"));
        Assert.All(result.Output.Skip(1), n => Assert.Equal("Unassigned", Prop(n, "PstnAssignmentStatus")));
        Assert.All(result.Output.Skip(1), n => Assert.Equal("unassigned", Prop(n, "AssignmentStatus")));
        var formats = session.Run("(Get-Module CommsInvite).ExportedFormatFiles").ThrowOnError();
        Assert.Contains(formats.Output, f => f.ToString().EndsWith("CommsInvite.Provisioning.Format.ps1xml", StringComparison.Ordinal));
    }

    [Fact]
    public void SkuPartNumber_TabCompletes_FromTheTenantsSubscriptions()
    {
        using var session = _emulator.ConnectedSession();
        var skuReads = () => State.Stats.RequestsPerRoute.Where(r => r.Key.EndsWith("/subscribedSkus", StringComparison.Ordinal)).Sum(r => r.Value);
        var before = skuReads();

        var result = session.Run(
            "$line = 'Set-CsGraphUserLicense -Identity x@contoso.com -SkuPartNumber MCOP'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches.CompletionText").ThrowOnError();

        Assert.Equal(new[] { "MCOPSTN1", "MCOPSTN2" }, result.Output.Select(o => o.ToString()).OrderBy(t => t, StringComparer.Ordinal));
        Assert.True(skuReads() > before);
    }

    [Fact]
    public void NumberType_TabCompletes()
    {
        using var session = _emulator.ConnectedSession();

        var result = session.Run(
            "$line = 'Set-CsPhoneNumberAssignment -NumberType Dir'; [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches.CompletionText").ThrowOnError();

        Assert.Equal("DirectRouting", Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void Sync_AccountThatDoesNotReplicateInTime_IsApplicationInstanceSyncTimedOut_WithProgress()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("slowsync");
        var previous = State.Settings.ReplicationDelay;
        State.Settings.ReplicationDelay = TimeSpan.FromMinutes(5);
        try
        {
            var result = session.Run(
                "New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName Slow -ApplicationId $args[1] | Sync-CsOnlineApplicationInstance -Timeout 2 -PassThru",
                upn, EmulatorDefaults.ClientId);

            var error = SingleError(result);
            Assert.Equal("ApplicationInstanceSyncTimedOut,CommsInvite.Commands.SyncCsOnlineApplicationInstanceCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
            Assert.Empty(result.Output);
            Assert.Contains(result.Progress, p => p.StatusDescription.Contains("not replicated yet", StringComparison.Ordinal));
            Assert.False(State.FindApplicationInstance(upn)!.Synced);
        }
        finally
        {
            State.Settings.ReplicationDelay = previous;
        }
    }

    [Fact]
    public void SetInstance_ChangesTheDisplayNameOnce_AndGetListsIt()
    {
        using var session = _emulator.ConnectedSession();
        var upn = NewUpn("rename");
        session.Run("New-CsOnlineApplicationInstance -UserPrincipalName $args[0] -DisplayName Before -ApplicationId $args[1]", upn, EmulatorDefaults.ClientId).ThrowOnError();

        var first = session.Run("Get-CsOnlineApplicationInstance -Identity $args[0] | Set-CsOnlineApplicationInstance -DisplayName After", upn).ThrowOnError();
        var changes = ProvisioningChanges();
        var second = session.Run("Set-CsOnlineApplicationInstance -Identity $args[0] -DisplayName After -Verbose; Get-CsOnlineApplicationInstance", upn).ThrowOnError();

        Assert.Equal("After", Prop(Assert.Single(first.Output), "DisplayName"));
        Assert.Equal(changes, ProvisioningChanges());
        Assert.Contains(second.Verbose, v => v.Contains("nothing to change", StringComparison.Ordinal));
        Assert.Contains(second.Output.Skip(1), o => Prop(o, "UserPrincipalName") == upn && Prop(o, "DisplayName") == "After");
        Assert.Equal("After", State.FindApplicationInstance(upn)!.DisplayName);
    }
}
