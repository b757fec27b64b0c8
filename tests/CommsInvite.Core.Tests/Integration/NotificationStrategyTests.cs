using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using Xunit;

namespace CommsInvite.Core.Tests.Integration;

[Collection(EmulatorCollection.Name)]
public sealed class NotificationStrategyTests
{
    private readonly EmulatorFixture _emulator;

    public NotificationStrategyTests(EmulatorFixture emulator) => _emulator = emulator;

    /// <summary>Stands in for the listener: answers from what the service itself says about the operation.</summary>
    private sealed class ServiceBackedSource : IOperationNotificationSource
    {
        private readonly GraphConnection _connection;
        private readonly bool _learnNothing;

        public ServiceBackedSource(GraphConnection connection, bool learnNothing)
        {
            _connection = connection;
            _learnNothing = learnNothing;
        }

        public int Calls { get; private set; }

        public async Task<InviteParticipantsOperation?> WaitForOperationAsync(string callId, string operationId, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Calls++;
            if (_learnNothing)
            {
                await Task.Delay(timeout, cancellationToken);
                return null;
            }

            while (true)
            {
                var operation = await _connection.Calls.GetOperationAsync(callId, operationId, cancellationToken: cancellationToken);
                if (operation?.Status is OperationStatus.Completed or OperationStatus.Failed)
                {
                    return operation;
                }

                await Task.Delay(20, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task Notification_strategy_uses_the_source_and_reports_it()
    {
        using var connection = await _emulator.ConnectAsync();
        var call = await InviteTests.NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Extra[2]) } });
        var source = new ServiceBackedSource(connection, learnNothing: false);

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Strategy = WaitStrategy.Notification, NotificationSource = source, Timeout = TimeSpan.FromSeconds(15) });

        Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
        Assert.Equal(OutcomeSource.Notification, outcome.Source);
        Assert.Equal(1, source.Calls);
    }

    [Fact]
    public async Task Auto_falls_back_to_polling_when_the_source_learns_nothing()
    {
        using var connection = await _emulator.ConnectAsync();
        var call = await InviteTests.NewGroupCallAsync(connection);
        var operation = await connection.Calls.InviteAsync(new InviteRequest { CallId = call.Id!, Participants = new[] { InvitationParticipants.User(Users.Extra[3]) } });

        var outcome = await new InviteWaiter(connection).WaitOneAsync(operation, new WaitOptions { Strategy = WaitStrategy.Auto, NotificationSource = new ServiceBackedSource(connection, learnNothing: true), Timeout = TimeSpan.FromSeconds(15), PollInterval = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(InviteOutcomeStatus.Completed, outcome.Status);
        Assert.Equal(OutcomeSource.Poll, outcome.Source);
    }

    [Fact]
    public void Notification_strategy_without_a_source_is_refused()
    {
        var error = Assert.Throws<CommsValidationException>(() => new WaitOptions { Strategy = WaitStrategy.Notification }.Validate());
        Assert.Equal("Strategy", error.ParameterName);
    }
}
