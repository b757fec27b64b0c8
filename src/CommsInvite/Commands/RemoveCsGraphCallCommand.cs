using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsGraphCall: hangs up (DELETE /communications/calls/{id}). Calls come by id or piped (a call's Id, an
/// operation's or participant's CallId). A call that has already ended is CallNotFound, a non-terminating error,
/// so the other calls of a pipeline are still hung up.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsGraphCall", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveCsGraphCallCommand : GraphSessionCmdlet
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
        var callId = InputRules.RequireCallId(CallId);
        var apiVersion = GraphApiVersion.Normalize(ApiVersion);
        if (!await ShouldProcessAsync($"call {callId}", "Hang up (end the call for every participant)").ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await Connection.Calls.DeleteCallAsync(callId, apiVersion, cancellationToken).ConfigureAwait(false);
            Session.ForgetCall(callId);
            QueueVerbose($"Hung up call {callId}.");
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            if (ex.ErrorId == ErrorIds.Calls.CallNotFound)
            {
                Session.ForgetCall(callId);
            }

            QueueError(ex);
        }
    }
}
