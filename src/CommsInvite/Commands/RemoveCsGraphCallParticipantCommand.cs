using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsGraphCallParticipant: removes one participant from a call (DELETE .../calls/{id}/participants/{id}),
/// which hangs up that participant's leg (a dialled-out phone, an invited user). Roster entries from
/// Get-CsGraphCallParticipant pipe in by property name (CallId, Id). A participant already gone is
/// ParticipantNotFound, a call already ended CallNotFound: non-terminating errors.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsGraphCallParticipant", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveCsGraphCallParticipantCommand : GraphSessionCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CallIdCompleter))]
    public string? CallId { get; set; }

    /// <summary>The roster entry's id (a participant's Id from Get-CsGraphCallParticipant).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ParticipantIdCompleter))]
    public string? ParticipantId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ApiVersionCompleter))]
    public string ApiVersion { get; set; } = GraphApiVersion.V1;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var callId = InputRules.RequireCallId(CallId);
        var participantId = InputRules.RequireIdSegment(ParticipantId, "ParticipantId", ErrorIds.Input.InvalidArgument);
        var apiVersion = GraphApiVersion.Normalize(ApiVersion);
        if (!await ShouldProcessAsync($"participant {participantId} of call {callId}", "Remove from the call").ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await Connection.Calls.DeleteParticipantAsync(callId, participantId, apiVersion, cancellationToken).ConfigureAwait(false);
            Session.RememberCall(callId);
            QueueVerbose($"Removed participant {participantId} from call {callId}.");
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }
}
