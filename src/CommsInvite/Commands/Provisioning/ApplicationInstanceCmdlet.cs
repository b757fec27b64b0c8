using System;
using System.Collections.Generic;
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

        var instances = ConnectionStore(SelectedSession?.Connection) is { } store
            ? new ApplicationInstanceService(store)
            : new ApplicationInstanceService(MicrosoftTeamsApplicationInstanceStore.Require(this, CommandName)) { SyncRetryInterval = MicrosoftTeamsApplicationInstanceStore.RetryInterval };

        var unsupported = new List<string>();
        foreach (var parameter in PassThroughParameters)
        {
            if (!instances.Supports(CommandName, parameter))
            {
                unsupported.Add(parameter);
            }
        }

        UnsupportedParameters.Refuse(this, unsupported, $"the {instances.BackendName} backend has nothing to carry it out with.",
            $"Leave it out, or connect to Microsoft 365 with the MicrosoftTeams module (Connect-MicrosoftTeams), where it is passed to MicrosoftTeams\\{CommandName}.");
        _instances = instances;
    }

    /// <summary>
    /// The connection's own REST surface for instances, where its target serves one (the emulator); else null, and
    /// MicrosoftTeams serves. Test-CsGraphBotReadiness reads instances from the same place.
    /// </summary>
    internal static IApplicationInstanceStore? ConnectionStore(GraphConnection? connection) =>
        connection is not null && connection.ApplicationInstances.IsSupported ? connection.ApplicationInstances : null;
}
