using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;

namespace CommsInvite.Commands;

/// <summary>
/// Get-CsGraphCall: one call by id (also by property name from any object with CallId or Id), or every call. An id
/// that names no call is a non-terminating CallNotFound, so `$ids | Get-CsGraphCall` goes on past an ended call.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CsGraphCall", DefaultParameterSetName = ListSet)]
[OutputType(typeof(Call))]
public sealed class GetCsGraphCallCommand : GraphSessionCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
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
        if (ParameterSetName == ByIdSet)
        {
            // An id that names no call (it ended, or never was) is CallNotFound for this id alone: piped ids go on.
            await PerRecordAsync(async () =>
            {
                var call = await Connection.Calls.GetCallAsync(CallId!, apiVersion, cancellationToken).ConfigureAwait(false);
                Session.RememberCall(call.Id);
                QueueObject(call);
            }).ConfigureAwait(false);
            return;
        }

        // Listing is the whole command's one request: when it fails there is nothing to go on with.

        var calls = await Connection.Calls.ListCallsAsync(apiVersion, cancellationToken).ConfigureAwait(false);
        foreach (var call in calls)
        {
            Session.RememberCall(call.Id);
        }

        QueueObject(calls, enumerateCollection: true);
    }
}
