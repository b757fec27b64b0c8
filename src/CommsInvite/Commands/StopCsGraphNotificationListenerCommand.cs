using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;

namespace CommsInvite.Commands;

/// <summary>
/// Stop-CsGraphNotificationListener: stops this runspace's notification listener (its port closes; waits that
/// relied on it fall back to polling). Quiet when none runs, like Disconnect-CsGraph. -PassThru emits the
/// stopped listener with its final Statistics.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "CsGraphNotificationListener", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(NotificationListenerInfo))]
public sealed class StopCsGraphNotificationListenerCommand : AsyncCmdlet
{
    private Runspace? _runspace;

    /// <summary>Emit the stopped listener (IsRunning false, final Statistics).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _runspace = Runspace.DefaultRunspace;
        base.BeginProcessing();
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var info = NotificationListenerStore.Get(_runspace);
        if (info is null || !info.IsRunning)
        {
            QueueVerbose("No notification listener runs in this session; nothing to stop.");
            return;
        }

        if (!await ShouldProcessAsync(info.Uri.ToString(), "Stop the notification listener").ConfigureAwait(false))
        {
            return;
        }

        await NotificationListenerStore.StopAsync(info).ConfigureAwait(false);
        var statistics = info.Statistics;
        QueueVerbose($"Notification listener at {info.Uri} stopped: {statistics.RequestsAccepted} request(s) accepted, {statistics.RequestsRejected} rejected.");
        if (PassThru)
        {
            QueueObject(info);
        }
    }
}
