using System.Net;
using System.Net.Http.Json;
using CommsInvite.Core.Auth;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

[Collection(EmulatorCollection.Name)]
public sealed class InviteTests
{
    private readonly EmulatorFixture _emulator;

    public InviteTests(EmulatorFixture emulator) => _emulator = emulator;

    internal static Task<Call> NewGroupCallAsync(GraphConnection connection, string? sourceApplicationInstanceId = null) =>
        connection.Calls.CreateCallAsync(new NewCallRequest
        {
            CallbackUri = "https://127.0.0.1:9/callback",
            ChatInfo = new ChatInfo { ThreadId = "19:meeting_" + Guid.NewGuid().ToString("N") + "@thread.v2", MessageId = "0" },
            SourceApplicationInstanceId = sourceApplicationInstanceId,
            Subject = "CommsInvite test",
        });

    [Fact]
    public async Task Invites_two_users_and_waits_until_they_joined()
    {
        var log = new RecordingLogSink();
        using var connection = await _emulator.ConnectAsync(log);
        var call = await NewGroupCallAsync(connection);

        var operation = await connection.Calls.InviteAsync(new InviteRequest
        {
            CallId = call.Id!,
            Participants = new[] { InvitationParticipants.User(Users.Adele), InvitationParticipants.User(Users.Alex) },
        });

        Assert.False(string.IsNullOrEmpty(operation.Id));
        Assert.Equal(call.Id, operation.CallId);
        Assert.Equal(OperationStatus.Running, operation.Status);
        Assert.EndsWith("/operations/" + operation.Id, operation.Location);
        Assert.True(Guid.TryParse(operation.ClientContext, out _));

        var progress = new SynchronousProgress<WaitProgress>();
        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(100), Strategy = WaitStrategy.Poll }, progress);

        Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
        Assert.Equal(OutcomeSource.Poll, outcome.Source);
        Assert.Equal(2, outcome.JoinedParticipants.Count);
        Assert.Null(outcome.Error);
        Assert.Contains(progress.Reports, p => p.Completed == 1 && p.Total == 1);

        var roster = await connection.Calls.ListParticipantsAsync(call.Id!);
        Assert.Equal(1, roster.Count(p => p.Info.Identity.User?.Id == Users.Adele && p.MediaStreams.Count > 0));
        Assert.Contains("participants/invite -> 200", log.All);
        Assert.Single(_emulator.Server.State.Invites, i => i.CallId == call.Id);
    }

    [Fact]
    public async Task A_declining_user_makes_the_wait_report_failure_with_result_info()
    {
        using var connection = await _emulator.ConnectAsync();
        var call = await NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Declining) } });

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(InviteOutcomeStatus.Failed, outcome.Status);
        var failure = Assert.IsType<InviteFailedException>(outcome.Error);
        Assert.Equal(ErrorIds.Calls.InviteOperationFailed, failure.ErrorId);
        Assert.NotNull(outcome.ResultInfo);
        Assert.Equal(410, outcome.ResultInfo!.Code);
        Assert.Equal(301004, outcome.ResultInfo.Subcode);
    }

    [Fact]
    public async Task Waiting_reports_a_call_that_ended()
    {
        using var connection = await _emulator.ConnectAsync();
        var call = await NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Extra[0]) } });
        await connection.Calls.DeleteCallAsync(call.Id!);

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromSeconds(10), PollInterval = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(InviteOutcomeStatus.CallEnded, outcome.Status);
        Assert.Equal(ErrorIds.Calls.CallEnded, outcome.Error!.ErrorId);
    }

    [Fact]
    public async Task Cancellation_stops_a_wait()
    {
        using var connection = await _emulator.ConnectAsync();
        var call = await NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Extra[1]) } });
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Timeout = TimeSpan.FromMinutes(5) }, null, cancel.Token));
    }

    [Fact]
    public async Task Many_operations_are_waited_for_together()
    {
        using var connection = await _emulator.ConnectAsync();
        var operations = new System.Collections.Generic.List<InviteParticipantsOperation>();
        foreach (var user in Users.Extra.Take(4))
        {
            var call = await NewGroupCallAsync(connection);
            operations.Add(await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(user) } }));
        }

        var outcomes = await new InviteWaiter(connection).WaitAsync(operations, new WaitOptions { Timeout = TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(100), ThrottleLimit = 2 });

        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(InviteOutcomeStatus.Completed, o.Status));
        Assert.Equal(operations.Select(o => o.Id), outcomes.Select(o => o.OperationId));
    }

    [Fact]
    public async Task An_unknown_call_is_8522_with_request_ids()
    {
        using var connection = await _emulator.ConnectAsync();

        var error = await Assert.ThrowsAsync<GraphServiceException>(() => connection.Calls.InviteAsync(new InviteRequest
        {
            CallId = Guid.NewGuid().ToString(),
            Participants = new[] { InvitationParticipants.User(Users.Adele) },
        }));

        Assert.Equal(ErrorIds.Calls.CallNotFound, error.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, error.Category);
        Assert.Equal("8522", error.GraphCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.True(Guid.TryParse(error.ClientRequestId, out _));
        Assert.Contains(error.RequestId!, error.Message);
    }

    [Fact]
    public async Task A_client_without_the_role_gets_403_with_request_ids()
    {
        var clientId = Guid.NewGuid().ToString();
        const string secret = "Canary-Limited-Client-Secret";
        using (var admin = _emulator.Server.CreateHttpClient())
        {
            var response = await admin.PostAsJsonAsync("_emulator/clients", new { clientId, clientSecret = secret, roles = new[] { "Calls.JoinGroupCall.All" } });
            response.EnsureSuccessStatusCode();
        }

        using var owner = await _emulator.ConnectAsync();
        var call = await NewGroupCallAsync(owner);
        var settings = _emulator.SecretSettings();
        settings.ClientId = clientId;
        settings.Credential = new ClientSecretCredential(new SecretString(secret));
        var log = new RecordingLogSink();
        using var limited = await GraphConnection.ConnectAsync(settings, log);
        Assert.DoesNotContain("Calls.InitiateGroupCall.All", limited.Context.Roles);

        var error = await Assert.ThrowsAsync<GraphServiceException>(() => limited.Calls.InviteAsync(new InviteRequest
        {
            CallId = call.Id!,
            Participants = new[] { InvitationParticipants.User(Users.Adele) },
        }));

        Assert.Equal(ErrorIds.Graph.PermissionDenied, error.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, error.Category);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("7504", error.GraphCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.False(string.IsNullOrEmpty(error.ClientRequestId));
        Assert.DoesNotContain(secret, error.ToString());
        Assert.DoesNotContain(secret, log.All);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent()
    {
        using var connection = await _emulator.ConnectAsync();
        var requestsBefore = connection.Statistics.Requests;

        var error = await Assert.ThrowsAsync<CommsValidationException>(() => connection.Calls.InviteAsync(new InviteRequest
        {
            CallId = Guid.NewGuid().ToString(),
            Participants = Enumerable.Range(1, 6).Select(i => InvitationParticipants.User($"00000000-0000-0000-0000-00000000000{i}")).ToList(),
        }));

        Assert.Equal(ErrorIds.Input.TooManyParticipants, error.ErrorId);
        Assert.Equal(requestsBefore, connection.Statistics.Requests);
    }

    private sealed class SynchronousProgress<T> : IProgress<T>
    {
        public System.Collections.Concurrent.ConcurrentQueue<T> Reports { get; } = new();

        public void Report(T value) => Reports.Enqueue(value);
    }
}
