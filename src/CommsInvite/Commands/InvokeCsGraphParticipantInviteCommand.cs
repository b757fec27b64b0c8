using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Invoke-CsGraphParticipantInvite: POST /communications/calls/{id}/participants/invite. Participants come from
/// the pipeline (New-CsGraphInvitationParticipant) or the -UserId/-PhoneNumber/-ApplicationInstanceId shortcuts;
/// calls may be piped in too (by property name). Everything is collected and validated first; only then is
/// anything sent, one invite per call. Emits the operations (they pipe into Wait-CsGraphInviteOperation), or
/// with -Wait, the outcomes.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "CsGraphParticipantInvite", DefaultParameterSetName = ShortcutSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(InviteParticipantsOperation))]
[OutputType(typeof(InviteOutcome))]
public sealed class InvokeCsGraphParticipantInviteCommand : InviteWaitingCmdlet
{
    private const string ShortcutSet = "Shortcut";
    private const string ParticipantSet = "Participant";

    // Invites per call, in the order the calls arrived.
    private readonly List<PendingInvite> _invites = new();
    private WaitOptions? _waitOptions;
    private NotificationListenerInfo? _listener;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CallIdCompleter))]
    public string? CallId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ParticipantSet, ValueFromPipeline = true)]
    public InvitationParticipantInfo[] Participant { get; set; } = Array.Empty<InvitationParticipantInfo>();

    [Parameter(ParameterSetName = ShortcutSet)]
    public string[]? UserId { get; set; }

    /// <summary>E.164 numbers (+12345678901); the call's application instance needs a PSTN number.</summary>
    [Parameter(ParameterSetName = ShortcutSet)]
    public string[]? PhoneNumber { get; set; }

    [Parameter(ParameterSetName = ShortcutSet)]
    public string[]? ApplicationInstanceId { get; set; }

    /// <summary>At most 256 characters; a new GUID when omitted.</summary>
    [Parameter]
    public string? ClientContext { get; set; }

    /// <summary>Moves the (single) participant over from this call, which then ends.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReplacesCallId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ApiVersionCompleter))]
    public string ApiVersion { get; set; } = GraphApiVersion.V1;

    /// <summary>Waits until the invitees are in (or the invites fail) and emits outcomes instead of operations.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how long to wait (seconds or a TimeSpan); 120 s by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    /// <summary>With -Wait: how often to poll (seconds or a TimeSpan); 2 s by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// Sends more than 5 participants as several invites of at most 5 each (a participant with replacesCallId goes
    /// alone); each invite emits its own operation. Without it, more than 5 is the error TooManyParticipants.
    /// </summary>
    [Parameter]
    public SwitchParameter SplitIntoBatches { get; set; }

    protected override void BeginProcessing()
    {
        // With -Wait, this session's notification listener (if one runs) lets the wait end as soon as the service says so.
        _listener = NotificationListenerStore.GetRunning(Runspace.DefaultRunspace);
        base.BeginProcessing();
    }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (Wait)
        {
            _waitOptions = BuildWaitOptions(Timeout, PollInterval);
            _waitOptions.NotificationSource = _listener?.Listener;
        }
        else if (Timeout is not null || PollInterval is not null)
        {
            QueueWarning("-Timeout and -PollInterval apply only with -Wait; pipe the operations into Wait-CsGraphInviteOperation instead.");
        }

        if (ClientContext is not null)
        {
            InputRules.RequireClientContext(ClientContext);
        }

        if (!string.IsNullOrEmpty(ReplacesCallId))
        {
            InputRules.RequireGuid(ReplacesCallId, "ReplacesCallId");
        }

        GraphApiVersion.Normalize(ApiVersion);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var callId = InputRules.RequireCallId(CallId);
        var invite = _invites.FirstOrDefault(i => i.CallId == callId);
        if (invite is null)
        {
            invite = new PendingInvite(callId);
            _invites.Add(invite);
        }

        foreach (var participant in ParameterSetName == ParticipantSet ? Participant.Where(p => p is not null) : FromShortcuts())
        {
            invite.Add(participant);
        }

        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        // Every invite is validated before the first one is sent: bad input sends nothing at all.
        var requests = _invites.SelectMany(BuildRequests).ToList();
        foreach (var request in requests)
        {
            InviteValidator.Validate(request);
        }

        var operations = new List<InviteParticipantsOperation>();
        foreach (var request in requests)
        {
            var who = string.Join(", ", request.Participants.Select(p => p.Identity.ToString()));
            if (!await ShouldProcessAsync($"call {request.CallId}", $"Invite {request.Participants.Count} participant(s): {who}").ConfigureAwait(false))
            {
                continue;
            }

            InviteParticipantsOperation operation;
            try
            {
                operation = await Connection.Calls.InviteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (CommsInviteException ex) when (ex is not CommsValidationException)
            {
                // A call's failure (it ended: CallNotFound) is that call's non-terminating error; the other calls still
                // get their invites, and a lone call's failure obeys -ErrorAction like any record's.
                QueueError(ex);
                continue;
            }

            Session.RememberCall(request.CallId);
            QueueVerbose($"Invite sent to call {request.CallId}: operation {operation.Id} ({operation.Status}), clientContext {operation.ClientContext}.");
            if (Wait)
            {
                operations.Add(operation);
            }
            else
            {
                QueueObject(operation);
            }
        }

        if (Wait)
        {
            await WaitAndReportAsync(operations, _waitOptions!, cancellationToken).ConfigureAwait(false);
        }
    }

    private IEnumerable<InvitationParticipantInfo> FromShortcuts()
    {
        foreach (var id in UserId ?? Array.Empty<string>())
        {
            yield return InvitationParticipants.User(id);
        }

        foreach (var number in PhoneNumber ?? Array.Empty<string>())
        {
            yield return InvitationParticipants.Phone(number);
        }

        foreach (var id in ApplicationInstanceId ?? Array.Empty<string>())
        {
            yield return InvitationParticipants.ApplicationInstance(id);
        }
    }

    /// <summary>One request per call, or with -SplitIntoBatches one per batch the service accepts.</summary>
    private IEnumerable<InviteRequest> BuildRequests(PendingInvite invite)
    {
        var whole = BuildRequest(invite);
        var batches = SplitIntoBatches ? InviteBatches.Split(whole.Participants) : Array.Empty<IReadOnlyList<InvitationParticipantInfo>>();
        if (batches.Count == 0)
        {
            // Not splitting, or nobody to split: the validator judges the whole request (TooManyParticipants, NoParticipants).
            yield return whole;
            yield break;
        }

        foreach (var batch in batches)
        {
            yield return new InviteRequest
            {
                CallId = whole.CallId,
                Participants = batch.ToList(),
                ClientContext = whole.ClientContext,
                ApiVersion = whole.ApiVersion,
            };
        }
    }

    private InviteRequest BuildRequest(PendingInvite invite)
    {
        var participants = invite.Participants.ToList();
        if (!string.IsNullOrEmpty(ReplacesCallId) && participants.Count > 0)
        {
            participants[0] = WithReplacesCallId(participants[0], ReplacesCallId!);
        }

        return new InviteRequest
        {
            CallId = invite.CallId,
            Participants = participants,
            ClientContext = ClientContext,
            ApiVersion = ApiVersion,
        };
    }

    // A copy, so the caller's participant object is not changed behind their back.
    private static InvitationParticipantInfo WithReplacesCallId(InvitationParticipantInfo participant, string replacesCallId) => new()
    {
        ODataType = participant.ODataType,
        Identity = participant.Identity,
        EndpointType = participant.EndpointType,
        Id = participant.Id,
        Hidden = participant.Hidden,
        ParticipantId = participant.ParticipantId,
        RemoveFromDefaultAudioRoutingGroup = participant.RemoveFromDefaultAudioRoutingGroup,
        ReplacesCallId = replacesCallId,
    };

    private sealed class PendingInvite
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

        public PendingInvite(string callId) => CallId = callId;

        public string CallId { get; }

        public List<InvitationParticipantInfo> Participants { get; } = new();

        /// <summary>The same invitee piped twice is invited once.</summary>
        public void Add(InvitationParticipantInfo participant)
        {
            if (_keys.Add(participant.Identity.Key))
            {
                Participants.Add(participant);
            }
        }
    }
}
