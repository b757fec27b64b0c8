using System;
using System.Collections.Generic;
using System.Management.Automation;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Base of the application-instance cmdlets. Each has one code path, over <see cref="ApplicationInstanceService"/>
/// and the store picked here: the connection's own REST surface where its target serves one (the emulator), else the
/// MicrosoftTeams module (imported when installed; MicrosoftTeamsModuleRequired when not). Before any request,
/// parameters the store cannot honour are refused with ParameterNotSupported. Connection selection, the log scope and
/// the per-record errors are the shared chain's (<see cref="GraphSessionCmdlet"/>, <see cref="AsyncCmdlet"/>); only a
/// connection is optional here, since MicrosoftTeams serves without one.
/// </summary>
public abstract class ApplicationInstanceCmdlet : GraphSessionCmdlet
{
    private ApplicationInstanceService? _instances;

    /// <summary>The one service every application-instance cmdlet works through.</summary>
    internal ApplicationInstanceService Instances => _instances ?? throw new InvalidOperationException("BeginProcessing has not run.");

    /// <summary>The MicrosoftTeams command of the same name.</summary>
    protected string CommandName => MyInvocation.MyCommand.Name;

    /// <summary>MicrosoftTeams parameters of this cmdlet that a backend may not support.</summary>
    protected virtual IEnumerable<string> PassThroughParameters => Array.Empty<string>();

    /// <summary>Without a connection, MicrosoftTeams (and its own sign-in, Connect-MicrosoftTeams) serves.</summary>
    protected override bool RequiresSession => false;

    protected override void BeginProcessing()
    {
        // The connection, then the input checks (BeginProcessingAsync): bad input is rejected whichever store would serve it.
        base.BeginProcessing();

        IApplicationInstanceStore store;
        var retry = TimeSpan.FromSeconds(1);
        if (SelectedSession is { } session && session.Connection.ApplicationInstances.IsSupported)
        {
            store = session.Connection.ApplicationInstances;
        }
        else
        {
            store = MicrosoftTeamsApplicationInstanceStore.Require(this, CommandName);
            retry = MicrosoftTeamsApplicationInstanceStore.RetryInterval;
        }

        var unsupported = new List<string>();
        foreach (var parameter in PassThroughParameters)
        {
            if (!store.Supports(CommandName, parameter))
            {
                unsupported.Add(parameter);
            }
        }

        UnsupportedParameters.Refuse(this, unsupported, $"the {store.Name} backend has nothing to carry it out with.",
            $"Leave it out, or connect to Microsoft 365 with the MicrosoftTeams module (Connect-MicrosoftTeams), where it is passed to MicrosoftTeams\\{CommandName}.");
        _instances = new ApplicationInstanceService(store) { SyncRetryInterval = retry };
    }

    private protected static ProgressRecord SyncProgressRecord(SyncProgress progress, bool completed = false)
    {
        var percent = progress.Timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(99, 100 * progress.Elapsed.TotalMilliseconds / progress.Timeout.TotalMilliseconds);
        return new ProgressRecord(0x5C1, "Sync-CsOnlineApplicationInstance " + progress.Identity, string.IsNullOrEmpty(progress.Message) ? "Waiting for replication" : progress.Message)
        {
            PercentComplete = completed ? 100 : percent,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
    }
}
