using System.Collections.Concurrent;
using System.Net.Http.Json;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Provisioning;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

/// <summary>The seeds' example 4 as one pipeline, against an emulator of its own (it changes seats and numbers).</summary>
public sealed class ProvisioningTests : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly EmulatorFixture _emulator;

    // Fault rules are emulator-wide: each test starts and ends with none.
    public void Dispose() => _emulator.Server.Faults.Clear();

    public ProvisioningTests(EmulatorFixture emulator) => _emulator = emulator;

    private static string NewUpn() => $"bot-{Guid.NewGuid():N}@contoso.onmicrosoft.com";

    [Fact]
    public async Task New_instance_to_pstn_invite_and_a_rerun_changes_nothing()
    {
        using var connection = await _emulator.ConnectAsync();
        connection.Numbers.OperationPollInterval = TimeSpan.FromMilliseconds(100);
        var upn = NewUpn();

        // 1. Application instance, synced (the emulator answers 202 until it has replicated).
        var created = await connection.ApplicationInstances.CreateAsync(upn, "Bot", connection.Context.ClientId!);
        Assert.False(created.Synced);
        var reports = new ConcurrentQueue<SyncProgress>();
        var synced = await connection.ApplicationInstances.SyncAsync(created.ObjectId, TimeSpan.FromSeconds(20), new InlineProgress<SyncProgress>(reports.Enqueue));
        Assert.True(synced.Synced);
        Assert.NotEmpty(reports);

        // A PSTN invite before a number is assigned fails with the service's resultInfo (412/9999).
        var early = await InviteTests.NewGroupCallAsync(connection, created.ObjectId);
        var earlyOperation = await connection.Calls.InviteAsync(new InviteRequest { CallId = early.Id!, Participants = new[] { InvitationParticipants.Phone("+14255550100") } });
        var earlyOutcome = await new InviteWaiter(connection).WaitOneAsync(earlyOperation, new WaitOptions { Timeout = TimeSpan.FromSeconds(15), PollInterval = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(InviteOutcomeStatus.Failed, earlyOutcome.Status);
        Assert.Equal(412, earlyOutcome.ResultInfo!.Code);
        Assert.Equal(9999, earlyOutcome.ResultInfo.Subcode);

        // 2. Licences: the new account has no usage location.
        var request = new LicenseAssignmentRequest { UserId = upn, SkuPartNumbers = { "PHONESYSTEM_VIRTUALUSER", "MCOPSTN1" } };
        var missing = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Licenses.PlanAsync(request));
        Assert.Equal(ErrorIds.Licenses.UsageLocationMissing, missing.ErrorId);
        request.UsageLocation = "us";
        var plan = await connection.Licenses.PlanAsync(request);
        Assert.Equal(2, plan.ToAssign.Count);
        Assert.Equal("US", plan.UsageLocationToSet);
        var licensed = await connection.Licenses.ApplyAsync(plan);
        Assert.True(licensed.Changed);
        Assert.Equal("US", licensed.User.UsageLocation);
        Assert.Equal(2, licensed.User.AssignedLicenses.Count);
        var again = await connection.Licenses.AssignAsync(request);
        Assert.False(again.Changed);
        Assert.Equal(2, again.AlreadyAssigned.Count);

        // 3. A free number, assigned to the instance; assigning it again changes nothing.
        var free = (await connection.Numbers.ListAsync(new NumberAssignmentQuery { AssignmentStatus = "Unassigned", NumberType = "CallingPlan", Top = 1 })).Single();
        Assert.False(free.IsAssigned);
        var assigned = await connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = free.TelephoneNumber, AssignmentTargetId = upn, NumberType = "CallingPlan" });
        Assert.True(assigned.Changed);
        Assert.Equal(created.ObjectId, assigned.Assignment!.AssignmentTargetId, ignoreCase: true);
        Assert.Equal("voiceApplicationAssigned", assigned.Assignment.AssignmentStatus);
        var assignedAgain = await connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = free.TelephoneNumber, AssignmentTargetId = created.ObjectId, NumberType = "CallingPlan" });
        Assert.False(assignedAgain.Changed);
        Assert.Equal(free.TelephoneNumber, (await connection.ApplicationInstances.GetAsync(upn)).PhoneNumber);

        // 4. A call owned by the instance, a PSTN invite, and the phone participant in the roster.
        var call = await InviteTests.NewGroupCallAsync(connection, created.ObjectId);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.Phone("+14255550100") } });
        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(15), PollInterval = TimeSpan.FromMilliseconds(100) });
        Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
        Assert.Equal("+14255550100", outcome.JoinedParticipants.Single().Info.Identity.Phone!.Id);
    }

    [Fact]
    public async Task Top_and_skip_count_numbers_overall_while_pages_are_shorter()
    {
        for (var i = 0; i < 40; i++)
        {
            _emulator.Server.State.AddPhoneNumber("+1999777" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Graph may answer a $top with a shorter page: the client follows @odata.nextLink and still counts -Top and
        // -Skip over the whole list, as MicrosoftTeams does.
        _emulator.Server.State.Settings.NumberPageSizeLimit = 7;
        try
        {
            using var connection = await _emulator.ConnectAsync();
            var page = await connection.Numbers.ListAsync(new NumberAssignmentQuery { TelephoneNumberStartsWith = "+1999777", Skip = 3, Top = 20 });
            Assert.Equal(Enumerable.Range(1003, 20).Select(n => "+1999777" + n), page.Select(n => n.TelephoneNumber));
            var all = await connection.Numbers.ListAsync(new NumberAssignmentQuery { TelephoneNumberStartsWith = "+1999777", Top = 1000 });
            Assert.Equal(40, all.Count);
            var tail = await connection.Numbers.ListAsync(new NumberAssignmentQuery { TelephoneNumberStartsWith = "+1999777", Skip = 35 });
            Assert.Equal(new[] { "+19997771035", "+19997771036", "+19997771037", "+19997771038", "+19997771039" }, tail.Select(n => n.TelephoneNumber));
        }
        finally
        {
            _emulator.Server.State.Settings.NumberPageSizeLimit = CommsInvite.Emulator.EmulatorSettings.MaxNumberPageSize;
        }
    }

    [Fact]
    public async Task Provisioning_failures_have_clear_error_ids()
    {
        using var connection = await _emulator.ConnectAsync();
        connection.Numbers.OperationPollInterval = TimeSpan.FromMilliseconds(100);
        var upn = NewUpn();
        var instance = await connection.ApplicationInstances.CreateAsync(upn, "Bot", connection.Context.ClientId!);

        var taken = await Assert.ThrowsAsync<CommsInviteException>(() => connection.ApplicationInstances.CreateAsync(upn, "Bot again", connection.Context.ClientId!));
        Assert.Equal(ErrorIds.ApplicationInstances.UserPrincipalNameTaken, taken.ErrorId);
        Assert.Equal(FailureCategory.ResourceExists, taken.Category);

        var unknownSku = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Licenses.PlanAsync(new LicenseAssignmentRequest { UserId = upn, SkuPartNumbers = { "NOT_A_SKU" }, UsageLocation = "US" }));
        Assert.Equal(ErrorIds.Licenses.SkuNotFound, unknownSku.ErrorId);
        Assert.Contains("MCOPSTN1", unknownSku.Message);

        using (var admin = _emulator.Server.CreateHttpClient())
        {
            (await admin.PostAsJsonAsync("_emulator/skus", new { skuPartNumber = "MCOEV", enabled = 0 })).EnsureSuccessStatusCode();
        }

        var noSeats = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Licenses.PlanAsync(new LicenseAssignmentRequest { UserId = upn, SkuPartNumbers = { "MCOEV" }, UsageLocation = "US" }));
        Assert.Equal(ErrorIds.Licenses.NoLicensesAvailable, noSeats.ErrorId);
        Assert.Equal(FailureCategory.LimitsExceeded, noSeats.Category);

        var notInTenant = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = "+19995550123", AssignmentTargetId = instance.ObjectId, NumberType = "CallingPlan" }));
        Assert.Equal(ErrorIds.Numbers.NumberNotFound, notInTenant.ErrorId);

        var number = (await connection.Numbers.ListAsync(new NumberAssignmentQuery { AssignmentStatus = "unassigned", Top = 1 })).Single().TelephoneNumber;
        var unlicensed = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = number, AssignmentTargetId = Users.Adele, NumberType = "CallingPlan" }));
        Assert.Equal(ErrorIds.Numbers.PstnLicenseRequired, unlicensed.ErrorId);
        Assert.Equal(FailureCategory.InvalidOperation, unlicensed.Category);
        Assert.Contains("Set-CsGraphUserLicense", unlicensed.Message);
        await connection.Licenses.AssignAsync(new LicenseAssignmentRequest { UserId = Users.Adele, SkuPartNumbers = { "MCOPSTN1" } });
        await connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = number, AssignmentTargetId = Users.Adele, NumberType = "CallingPlan" });
        var elsewhere = await Assert.ThrowsAsync<CommsInviteException>(() => connection.Numbers.AssignAsync(new NumberAssignRequest { TelephoneNumber = number, AssignmentTargetId = instance.ObjectId, NumberType = "CallingPlan" }));
        Assert.Equal(ErrorIds.Numbers.NumberAssignedElsewhere, elsewhere.ErrorId);

        var removed = await connection.Numbers.UnassignAsync(number);
        Assert.True(removed.Changed);
        Assert.False(removed.Assignment!.IsAssigned);
        Assert.False((await connection.Numbers.UnassignAsync(number)).Changed);

        var badNumber = await Assert.ThrowsAsync<CommsValidationException>(() => connection.Numbers.ListAsync(new NumberAssignmentQuery { TelephoneNumber = "555-0100" }));
        Assert.Equal(ErrorIds.Input.InvalidPhoneNumber, badNumber.ErrorId);
        var badType = Assert.Throws<CommsValidationException>(() => NumberAssignmentClient.NormalizeNumberType("Landline"));
        Assert.Equal("NumberType", badType.ParameterName);
    }

    [Fact]
    public async Task Instances_can_be_listed_read_and_changed()
    {
        using var connection = await _emulator.ConnectAsync();
        var upn = NewUpn();
        var created = await connection.ApplicationInstances.CreateAsync(upn, "Before", connection.Context.ClientId!);

        var byUpn = await connection.ApplicationInstances.GetAsync(upn);
        Assert.Equal(created.ObjectId, byUpn.ObjectId);
        Assert.Contains(await connection.ApplicationInstances.ListAsync(), i => i.ObjectId == created.ObjectId);

        var changed = await connection.ApplicationInstances.SetAsync(created.ObjectId, "After", null);
        Assert.Equal("After", changed.DisplayName);
        Assert.Null(await connection.ApplicationInstances.TryGetAsync(NewUpn()));
        var notFound = await Assert.ThrowsAsync<CommsInviteException>(() => connection.ApplicationInstances.GetAsync(Guid.NewGuid().ToString()));
        Assert.Equal(ErrorIds.ApplicationInstances.ApplicationInstanceNotFound, notFound.ErrorId);
    }

    private sealed class InlineProgress<T> : IProgress<T>
    {
        private readonly Action<T> _report;

        public InlineProgress(Action<T> report) => _report = report;

        public void Report(T value) => _report(value);
    }
}
