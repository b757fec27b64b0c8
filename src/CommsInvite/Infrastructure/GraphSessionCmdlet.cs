using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// A cmdlet that works through a connection (-Connection, else the runspace's current one). Without one it stops with
/// NotConnected before doing anything, unless it has another backend (<see cref="RequiresSession"/>); a connection
/// whose token cannot do what the cmdlet does (a signed-in user on the calling APIs, a missing role or scope) stops it
/// before any request too. While a block runs, the connection's diagnostic lines go to this cmdlet's
/// verbose/debug/warning streams.
/// </summary>
public abstract class GraphSessionCmdlet : ConnectionSelectingCmdlet
{
    private GraphSession? _session;
    private PipelineLogSink.Scope _logScope;

    private protected GraphSession Session => _session ?? throw new System.InvalidOperationException("No session: BeginProcessing has not run.");

    /// <summary>The selected session, or null when there is none and <see cref="RequiresSession"/> is false.</summary>
    private protected GraphSession? SelectedSession => _session;

    /// <summary>The selected connection (hides the -Connection parameter's name from C# only; see the base class).</summary>
    private protected new GraphConnection Connection => Session.Connection;

    /// <summary>
    /// Whether the cmdlet stops with NotConnected when there is no connection. False for a cmdlet that has another
    /// backend without one (the application-instance cmdlets run MicrosoftTeams' own cmdlets); it still takes
    /// -Connection, and a named connection that does not exist still stops it (ConnectionNotFound).
    /// </summary>
    protected virtual bool RequiresSession => true;

    /// <summary>
    /// The Graph API this command is built on when Graph offers it in some clouds only: checked against the
    /// connection's cloud (the knowledge is the core's) so the command stops with NotAvailableInCloud before anything is sent.
    /// </summary>
    private protected virtual GraphApi? CloudLimitedApi => null;

    protected override void BeginProcessing()
    {
        _session = SelectSession();
        if (_session is null)
        {
            if (RequiresSession)
            {
                ThrowTerminatingError(ErrorRecords.NotConnected(MyInvocation.MyCommand.Name));
            }
        }
        else
        {
            Admit(_session.Connection);
        }

        base.BeginProcessing();
    }

    /// <summary>Stops the cmdlet when the connection's cloud or token cannot do what it does.</summary>
    private void Admit(GraphConnection connection)
    {
        if (CloudLimitedApi is { } api)
        {
            try
            {
                GraphApiAvailability.EnsureAvailable(connection.Endpoints, api, MyInvocation.MyCommand.Name);
            }
            catch (CommsInviteException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }

        var refusal = CmdletPermissions.Check(MyInvocation.MyCommand.Name, connection.Context);
        if (refusal is not null)
        {
            ThrowTerminatingError(refusal);
        }
    }

    protected override void OnBlockStarting()
    {
        if (_session is not null)
        {
            _logScope = _session.Log.Attach(new CmdletLogSink(QueueVerbose, QueueDebug, QueueWarning));
        }
    }

    protected override void OnBlockFinished() => _logScope.Dispose();
}
