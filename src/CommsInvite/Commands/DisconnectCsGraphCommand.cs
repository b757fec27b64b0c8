using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CommsInvite.Commands.Infrastructure;

namespace CommsInvite.Commands;

/// <summary>Disconnect-CsGraph: forgets this runspace's connection and its cached tokens. Quiet when there is none.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "CsGraph")]
[OutputType(typeof(void))]
public sealed class DisconnectCsGraphCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var previous = SessionStore.Exchange(Runspace.DefaultRunspace, null);
        if (previous is null)
        {
            WriteVerbose("Not connected; nothing to disconnect.");
            return;
        }

        WriteVerbose($"Disconnecting {previous.Connection.Context}.");
        previous.Dispose();
    }
}
