using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// New-CsGraphCall: starts a group call owned by the application (optionally by one of its application instances,
/// whose PSTN number then sponsors phone invites), with the chat thread a multi-participant invite needs and
/// the callbackUri the service posts notifications to.
/// </summary>
[Cmdlet(VerbsCommon.New, "CsGraphCall", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Call))]
public sealed class NewCsGraphCallCommand : GraphSessionCmdlet
{
    /// <summary>https:// (http:// only for a loopback host): where the service posts commsNotifications.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string? CallbackUri { get; set; }

    /// <summary>The chat thread of the group call (chatInfo.threadId), e.g. 19:meeting_...@thread.v2.</summary>
    [Parameter]
    public string? ThreadId { get; set; }

    /// <summary>chatInfo.messageId; "0" by default, as in Graph's examples.</summary>
    [Parameter]
    public string? MessageId { get; set; }

    [Parameter]
    public string? Subject { get; set; }

    /// <summary>Makes the call's source this application instance (the one holding the PSTN number).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId")]
    public string? SourceApplicationInstanceId { get; set; }

    [Parameter]
    public string? SourceDisplayName { get; set; }

    /// <summary>Participants to ring when the call starts (from New-CsGraphInvitationParticipant).</summary>
    [Parameter]
    public InvitationParticipantInfo[]? Target { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ApiVersionCompleter))]
    public string ApiVersion { get; set; } = GraphApiVersion.V1;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var request = new NewCallRequest
        {
            CallbackUri = InputRules.RequireCallbackUri(CallbackUri).AbsoluteUri,
            Subject = Subject,
            SourceApplicationInstanceId = string.IsNullOrWhiteSpace(SourceApplicationInstanceId) ? null : InputRules.RequireGuid(SourceApplicationInstanceId, "SourceApplicationInstanceId"),
            SourceDisplayName = SourceDisplayName,
            Targets = Target?.Where(t => t is not null).ToList() ?? new List<InvitationParticipantInfo>(),
            ApiVersion = GraphApiVersion.Normalize(ApiVersion),
            ChatInfo = string.IsNullOrWhiteSpace(ThreadId)
                ? null
                : new ChatInfo { ODataType = "#microsoft.graph.chatInfo", ThreadId = ThreadId!.Trim(), MessageId = string.IsNullOrWhiteSpace(MessageId) ? "0" : MessageId },
        };

        if (request.Targets.Count > 0)
        {
            InviteValidator.ValidateParticipants(request.Targets);
        }

        var description = request.ChatInfo is null ? "group call" : $"group call on thread {request.ChatInfo.ThreadId}";
        if (!await ShouldProcessAsync(request.CallbackUri, $"Create a {description} with {request.Targets.Count} target(s)").ConfigureAwait(false))
        {
            return;
        }

        var call = await Connection.Calls.CreateCallAsync(request, cancellationToken).ConfigureAwait(false);
        Session.RememberCall(call.Id);
        QueueVerbose($"Created call {call.Id} ({call.State}).");
        QueueObject(call);
    }
}
