using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;

namespace CommsInvite.Commands;

/// <summary>
/// Disconnect-CsGraph: forgets one of this runspace's connections (-Name, else the current one) and its cached
/// tokens; a signed-in user's account leaves MSAL's cache. Quiet when there is none to forget.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "CsGraph")]
[OutputType(typeof(void))]
public sealed class DisconnectCsGraphCommand : AsyncCmdlet
{
    private Runspace? _runspace;

    /// <summary>The connection to forget; the current one when left out. Binds the Name of piped contexts.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string? Name { get; set; }

    protected override void BeginProcessing()
    {
        _runspace = Runspace.DefaultRunspace;
        base.BeginProcessing();
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var previous = SessionStore.Remove(_runspace!, Name);
        if (previous is null)
        {
            QueueVerbose(Name is null ? "Not connected; nothing to disconnect." : $"No connection named '{Name}'; nothing to disconnect.");
            return;
        }

        QueueVerbose($"Disconnecting '{previous.Name}': {previous.Connection.Context}.");
        await previous.Connection.SignOutAsync().ConfigureAwait(false);
        previous.Dispose();
    }
}
