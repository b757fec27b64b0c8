using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;

namespace CommsInvite.Commands;

/// <summary>
/// Get-CsGraphContext: what this runspace is connected to (name, tenant, client, cloud, who signed in, roles or
/// scopes, expiry); never a secret. The current connection, one by -Name, or all with -ListAvailable.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CsGraphContext", DefaultParameterSetName = CurrentSet)]
[OutputType(typeof(GraphContext))]
public sealed class GetCsGraphContextCommand : PSCmdlet
{
    private const string CurrentSet = "Current";
    private const string ListSet = "ListAvailable";

    /// <summary>The connection's name (Connect-CsGraph -Name).</summary>
    [Parameter(Position = 0, ParameterSetName = CurrentSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Every connection of this runspace, oldest first (the last one is the current one).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ListSet)]
    public SwitchParameter ListAvailable { get; set; }

    protected override void EndProcessing()
    {
        var runspace = Runspace.DefaultRunspace;
        if (ListAvailable)
        {
            foreach (var each in SessionStore.List(runspace))
            {
                WriteObject(each.Connection.Context);
            }

            return;
        }

        if (Name is not null)
        {
            var named = SessionStore.Get(runspace, Name);
            if (named is null)
            {
                WriteError(ConnectionSelectingCmdlet.ConnectionNotFound(MyInvocation.MyCommand.Name, Name));
                return;
            }

            WriteObject(named.Connection.Context);
            return;
        }

        var session = SessionStore.Get(runspace);
        if (session is null)
        {
            WriteVerbose("Not connected: run Connect-CsGraph.");
            return;
        }

        WriteObject(session.Connection.Context);
    }
}
