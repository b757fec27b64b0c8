using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Commands;

/// <summary>Get-CsGraphCallParticipant: the roster of a call (the application itself first).</summary>
[Cmdlet(VerbsCommon.Get, "CsGraphCallParticipant")]
[OutputType(typeof(Participant))]
public sealed class GetCsGraphCallParticipantCommand : GraphSessionCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CallIdCompleter))]
    public string? CallId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ApiVersionCompleter))]
    public string ApiVersion { get; set; } = GraphApiVersion.V1;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var apiVersion = GraphApiVersion.Normalize(ApiVersion);
        var callId = CallId!;

        // A call that has ended is CallNotFound for this call alone: the rosters of the other piped calls still come.
        await PerRecordAsync(async () =>
        {
            var roster = await Connection.Calls.ListParticipantsAsync(callId, apiVersion, cancellationToken).ConfigureAwait(false);
            Session.RememberCall(callId);
            foreach (var participant in roster)
            {
                participant.CallId ??= callId;
            }

            QueueObject(roster, enumerateCollection: true);
        }).ConfigureAwait(false);
    }
}
