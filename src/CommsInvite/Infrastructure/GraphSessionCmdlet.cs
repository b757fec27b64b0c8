using System.Management.Automation.Runspaces;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// A cmdlet that needs the runspace's connection. Without one it stops with NotConnected before doing anything.
/// While a block runs, the connection's diagnostic lines go to this cmdlet's verbose/debug/warning streams.
/// </summary>
public abstract class GraphSessionCmdlet : AsyncCmdlet
{
    private GraphSession? _session;
    private PipelineLogSink.Scope _logScope;

    private protected GraphSession Session => _session ?? throw new System.InvalidOperationException("No session: BeginProcessing has not run.");

    private protected GraphConnection Connection => Session.Connection;

    /// <summary>
    /// The Graph API this command is built on when Graph offers it in some clouds only: checked against the
    /// connection's cloud (the knowledge is the core's) so the command stops with NotAvailableInCloud before anything is sent.
    /// </summary>
    private protected virtual GraphApi? CloudLimitedApi => null;

    protected override void BeginProcessing()
    {
        _session = SessionStore.Get(Runspace.DefaultRunspace);
        if (_session is null)
        {
            ThrowTerminatingError(ErrorRecords.NotConnected(MyInvocation.MyCommand.Name));
        }

        if (CloudLimitedApi is { } api)
        {
            try
            {
                GraphApiAvailability.EnsureAvailable(Connection.Endpoints, api, MyInvocation.MyCommand.Name);
            }
            catch (CommsInviteException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }
        }

        base.BeginProcessing();
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
