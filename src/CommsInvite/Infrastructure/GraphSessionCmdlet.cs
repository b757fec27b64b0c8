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

    protected override void BeginProcessing()
    {
        _session = SessionStore.Get(Runspace.DefaultRunspace);
        if (_session is null)
        {
            ThrowTerminatingError(ErrorRecords.NotConnected(MyInvocation.MyCommand.Name));
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
