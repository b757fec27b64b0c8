using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using SdkModels = Microsoft.Graph.Models;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// The Microsoft Graph SDK (GraphServiceClient) against the emulator: it must accept the emulator's answers to
/// creating a call with join information, deleting a participant and deleting a call, as it accepts the service's.
/// </summary>
public sealed class MeetingSdkTests : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private HttpClient _admin = null!;
    private HttpClient _sdkHttp = null!;
    private GraphServiceClient _graph = null!;
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { AnswerDelay = TimeSpan.FromMilliseconds(100) });
        _admin = await TestHttp.AuthorizedClientAsync(_emulator);
        _receiver = await NotificationReceiver.StartAsync();
        (_graph, _sdkHttp) = await GraphSdk.CreateAsync(_emulator);
    }

    public async Task DisposeAsync()
    {
        _graph.Dispose();
        _sdkHttp.Dispose();
        _admin.Dispose();
        await _receiver.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private SdkModels.Call JoinRequest(SdkModels.MeetingInfo meetingInfo, SdkModels.ChatInfo? chatInfo = null) => new()
    {
        CallbackUri = _receiver.CallbackUri.ToString(),
        RequestedModalities = new List<SdkModels.Modality?> { SdkModels.Modality.Audio },
        MediaConfig = new SdkModels.ServiceHostedMediaConfig(),
        ChatInfo = chatInfo,
        MeetingInfo = meetingInfo,
        TenantId = EmulatorDefaults.TenantId,
    };

    private async Task WaitEstablishedAsync(string id)
    {
        for (var i = 0; i < 100; i++)
        {
            var call = await _graph.Communications.Calls[id].GetAsync();
            if (call?.State == SdkModels.CallState.Established) return;
            await Task.Delay(50);
        }

        Assert.Fail($"Call {id} was not established.");
    }

    [Fact]
    public async Task Sdk_CreatesAJoinByOrganizer_ThenDeletesAParticipant_AndTheCall()
    {
        var meeting = await MeetingTests.CreateMeetingAsync(_admin);
        var organizerId = meeting["organizerId"]!.GetValue<string>();
        var request = JoinRequest(
            new SdkModels.OrganizerMeetingInfo
            {
                Organizer = new SdkModels.IdentitySet
                {
                    User = new SdkModels.Identity { Id = organizerId, AdditionalData = new Dictionary<string, object> { ["tenantId"] = EmulatorDefaults.TenantId } },
                },
            },
            new SdkModels.ChatInfo { ThreadId = meeting["threadId"]!.GetValue<string>(), MessageId = "0" });

        var call = await _graph.Communications.Calls.PostAsync(request);

        Assert.NotNull(call?.Id);
        Assert.Equal(SdkModels.CallState.Establishing, call!.State);
        Assert.Equal(meeting["threadId"]!.GetValue<string>(), call.ChatInfo?.ThreadId);
        var organizerInfo = Assert.IsType<SdkModels.OrganizerMeetingInfo>(call.MeetingInfo);
        Assert.Equal(organizerId, organizerInfo.Organizer?.User?.Id);
        await WaitEstablishedAsync(call.Id!);

        var roster = await _graph.Communications.Calls[call.Id].Participants.GetAsync();
        var organizer = roster!.Value!.Single(p => p.Info?.Identity?.User?.Id == organizerId);
        await _graph.Communications.Calls[call.Id].Participants[organizer.Id].DeleteAsync();
        var after = await _graph.Communications.Calls[call.Id].Participants.GetAsync();
        Assert.DoesNotContain(after!.Value!, p => p.Id == organizer.Id);

        await _graph.Communications.Calls[call.Id].DeleteAsync();
        var gone = await Assert.ThrowsAsync<ODataError>(() => _graph.Communications.Calls[call.Id].DeleteAsync());
        Assert.Equal(404, gone.ResponseStatusCode);
        Assert.Equal("8522", gone.Error?.Code);
    }

    [Fact]
    public async Task Sdk_CreatesAJoinByMeetingIdAndPasscode_AndReadsItsMeetingInfoBack()
    {
        var meeting = await MeetingTests.CreateMeetingAsync(_admin);
        var request = JoinRequest(new SdkModels.JoinMeetingIdMeetingInfo
        {
            JoinMeetingId = meeting["joinMeetingId"]!.GetValue<string>(),
            Passcode = meeting["passcode"]!.GetValue<string>(),
        });

        var call = await _graph.Communications.Calls.PostAsync(request);

        var info = Assert.IsType<SdkModels.JoinMeetingIdMeetingInfo>(call!.MeetingInfo);
        Assert.Equal(meeting["joinMeetingId"]!.GetValue<string>(), info.JoinMeetingId);
        Assert.Equal(meeting["threadId"]!.GetValue<string>(), call.ChatInfo?.ThreadId);
        await WaitEstablishedAsync(call.Id!);
        await _graph.Communications.Calls[call.Id].DeleteAsync();
        Assert.Null(_emulator.State.GetCall(call.Id!));
    }

    [Fact]
    public async Task Sdk_DeletingAParticipantTwice_GivesA404ODataError()
    {
        var meeting = await MeetingTests.CreateMeetingAsync(_admin);
        var call = await _graph.Communications.Calls.PostAsync(JoinRequest(new SdkModels.JoinMeetingIdMeetingInfo
        {
            JoinMeetingId = meeting["joinMeetingId"]!.GetValue<string>(),
            Passcode = meeting["passcode"]!.GetValue<string>(),
        }));
        await WaitEstablishedAsync(call!.Id!);
        var organizer = _emulator.State.GetRoster(call.Id!).Single(e => e.IdentityKind == "user");

        await _graph.Communications.Calls[call.Id].Participants[organizer.ParticipantId].DeleteAsync();
        var again = await Assert.ThrowsAsync<ODataError>(() => _graph.Communications.Calls[call.Id].Participants[organizer.ParticipantId].DeleteAsync());

        Assert.Equal(404, again.ResponseStatusCode);
        Assert.False(string.IsNullOrEmpty(again.Error?.Message));
    }
}
