using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;

namespace CommsInvite.Commands;

/// <summary>Get-CsGraphContext: what this runspace is connected to (tenant, client, cloud, roles, expiry); never a secret.</summary>
[Cmdlet(VerbsCommon.Get, "CsGraphContext")]
[OutputType(typeof(GraphContext))]
public sealed class GetCsGraphContextCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var session = SessionStore.Get(Runspace.DefaultRunspace);
        if (session is null)
        {
            WriteVerbose("Not connected: run Connect-CsGraph.");
            return;
        }

        WriteObject(session.Connection.Context);
    }
}
