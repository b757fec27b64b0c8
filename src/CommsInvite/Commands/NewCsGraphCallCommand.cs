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
[Cmdlet(VerbsCommon.New, "CsGraphCall", DefaultParameterSetName = GroupCallSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Call))]
public sealed class NewCsGraphCallCommand : GraphSessionCmdlet
{
    private const string GroupCallSet = "GroupCall";
    private const string JoinWebUrlSet = "JoinWebUrl";
    private const string JoinMeetingIdSet = "JoinMeetingId";

    // How long a meeting join is followed until the call is established (longer when the bot waits in a lobby).
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JoinPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>https:// (http:// only for a loopback host): where the service posts commsNotifications.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string? CallbackUri { get; set; }

    /// <summary>The chat thread of the group call (chatInfo.threadId), e.g. 19:meeting_...@thread.v2.</summary>
    [Parameter(ParameterSetName = GroupCallSet)]
    [ValidateNotNullOrEmpty]
    public string? ThreadId { get; set; }

    /// <summary>chatInfo.messageId; "0" by default, as in Graph's examples.</summary>
    [Parameter(ParameterSetName = GroupCallSet)]
    [ValidateNotNullOrEmpty]
    public string? MessageId { get; set; }

    /// <summary>A Teams meeting join link (https://teams.microsoft.com/l/meetup-join/...): the bot joins that meeting.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JoinWebUrlSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? JoinWebUrl { get; set; }

    /// <summary>The numeric meeting id Teams shows ("Meeting ID"): the bot joins that meeting.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JoinMeetingIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? JoinMeetingId { get; set; }

    /// <summary>The meeting's passcode, with -JoinMeetingId (omit it for a meeting without one).</summary>
    [Parameter(ParameterSetName = JoinMeetingIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Passcode { get; set; }

    /// <summary>With -JoinWebUrl or -JoinMeetingId: return the call at once instead of when it is established.</summary>
    [Parameter(ParameterSetName = JoinWebUrlSet)]
    [Parameter(ParameterSetName = JoinMeetingIdSet)]
    public SwitchParameter NoWait { get; set; }

    [Parameter]
    public string? Subject { get; set; }

    /// <summary>Makes the call's source this application instance (the one holding the PSTN number).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId")]
    [ValidateNotNullOrEmpty]
    public string? SourceApplicationInstanceId { get; set; }

    [Parameter]
    public string? SourceDisplayName { get; set; }

    /// <summary>Participants to ring when the call starts (from New-CsGraphInvitationParticipant).</summary>
    [Parameter(ParameterSetName = GroupCallSet)]
    public InvitationParticipantInfo[]? Target { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ApiVersionCompleter))]
    public string ApiVersion { get; set; } = GraphApiVersion.V1;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        // Everything is read before anything is sent: a malformed link or id sends nothing.
        var meeting = ParameterSetName switch
        {
            JoinWebUrlSet => MeetingJoinLinks.ParseJoinWebUrl(JoinWebUrl),
            JoinMeetingIdSet => MeetingJoinLinks.FromJoinMeetingId(JoinMeetingId, Passcode),
            _ => null,
        };

        var request = new NewCallRequest
        {
            CallbackUri = InputRules.RequireCallbackUri(CallbackUri).AbsoluteUri,
            Subject = Subject,
            SourceApplicationInstanceId = SourceApplicationInstanceId is null ? null : InputRules.RequireGuid(SourceApplicationInstanceId, "SourceApplicationInstanceId"),
            SourceDisplayName = SourceDisplayName,
            Targets = Target?.Where(t => t is not null).ToList() ?? new List<InvitationParticipantInfo>(),
            ApiVersion = GraphApiVersion.Normalize(ApiVersion),
            ChatInfo = meeting is not null
                ? meeting.ChatInfo
                : string.IsNullOrWhiteSpace(ThreadId)
                    ? null
                    : new ChatInfo { ODataType = "#microsoft.graph.chatInfo", ThreadId = ThreadId!.Trim(), MessageId = string.IsNullOrWhiteSpace(MessageId) ? "0" : MessageId },
            MeetingInfo = meeting?.MeetingInfo,
            TenantId = meeting?.TenantId,
        };

        if (request.Targets.Count > 0)
        {
            InviteValidator.ValidateParticipants(request.Targets);
        }

        var description = meeting is not null ? $"Join the Teams meeting ({meeting})"
            : request.ChatInfo is null ? $"Create a group call with {request.Targets.Count} target(s)"
            : $"Create a group call on thread {request.ChatInfo.ThreadId} with {request.Targets.Count} target(s)";
        if (request.SourceApplicationInstanceId is not null)
        {
            description += $" as application instance {request.SourceApplicationInstanceId}";
        }

        if (!await ShouldProcessAsync(request.CallbackUri, description).ConfigureAwait(false))
        {
            return;
        }

        // The service's refusal of this call (a meeting it cannot join: MeetingJoinFailed; a source instance it does not
        // know) is this record's error: the other piped joins still go ahead.
        await PerRecordAsync(async () =>
        {
            var call = await Connection.Calls.CreateCallAsync(request, cancellationToken).ConfigureAwait(false);
            Session.RememberCall(call.Id);
            QueueVerbose($"Created call {call.Id} ({call.State}).");
            if (meeting is not null && !NoWait && call.Id is not null)
            {
                call = await Connection.Calls.WaitUntilEstablishedAsync(call.Id, JoinTimeout, JoinPollInterval, request.ApiVersion, cancellationToken).ConfigureAwait(false);

                if (string.Equals(call.State, "establishing", StringComparison.OrdinalIgnoreCase))
                {
                    QueueWarning($"Call {call.Id} is still establishing after {JoinTimeout.TotalSeconds:0} s: the bot may be waiting in the meeting's lobby for someone to admit it.");
                }
                else
                {
                    QueueVerbose($"Call {call.Id} joined the meeting ({call.State}).");
                }
            }

            // The service echoes the passcode in meetingInfo; output objects end up in transcripts and exports, so the
            // passcode stays with the caller who typed it.
            if (call.MeetingInfo is not null)
            {
                call.MeetingInfo.Passcode = null;
            }

            QueueObject(call);
        }).ConfigureAwait(false);
    }
}
