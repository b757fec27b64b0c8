using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Http;
using CommsInvite.Core.Models;
using CommsInvite.Core.Validation;

namespace CommsInvite.Core.Calls;

/// <summary>Graph's cloud communications calls: create, read, end, roster, invite.</summary>
internal sealed class CallsClient
{
    private readonly GraphConnection _connection;
    private readonly Random _jitter = new();

    internal CallsClient(GraphConnection connection)
    {
        _connection = connection;
    }

    /// <summary>POST /communications/calls: a group call whose source is this application (or an application instance).</summary>
    public async Task<Call> CreateCallAsync(NewCallRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        var apiVersion = GraphApiVersion.Normalize(request.ApiVersion);
        var callback = InputRules.RequireCallbackUri(request.CallbackUri);
        if (request.SourceApplicationInstanceId is not null)
        {
            InputRules.RequireGuid(request.SourceApplicationInstanceId, "ApplicationInstanceId");
        }

        if (request.Targets.Count > 0)
        {
            InviteValidator.ValidateParticipants(request.Targets);
        }

        var context = _connection.Context;
        var source = new ParticipantInfo
        {
            Identity = new IdentitySet
            {
                Application = new GraphIdentity { Id = context.ClientId, DisplayName = request.SourceDisplayName },
                ApplicationInstance = request.SourceApplicationInstanceId is null
                    ? null
                    : new GraphIdentity { Id = request.SourceApplicationInstanceId.Trim(), DisplayName = request.SourceDisplayName },
            },
        };

        var body = new Call
        {
            CallbackUri = callback.AbsoluteUri,
            Subject = request.Subject,
            Source = source,
            Targets = request.Targets,
            RequestedModalities = request.RequestedModalities,
            MediaConfig = new MediaConfig(),
            ChatInfo = request.ChatInfo,
            MeetingInfo = request.MeetingInfo,
            TenantId = request.TenantId ?? context.TenantId,
        };

        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Post, _connection.GraphUri(apiVersion, "communications/calls"), RequestSafety.NotIdempotent, body),
            cancellationToken).ConfigureAwait(false);
        return response.Read<Call>();
    }

    public async Task<Call> GetCallAsync(string callId, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Get, CallUri(apiVersion, callId), RequestSafety.Idempotent) { Target = callId },
            cancellationToken).ConfigureAwait(false);
        return response.Read<Call>();
    }

    /// <summary>GET /communications/calls (served by the emulator; the real service lists only calls this app holds).</summary>
    public async Task<IReadOnlyList<Call>> ListCallsAsync(string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Get, _connection.GraphUri(apiVersion, "communications/calls"), RequestSafety.Idempotent),
            cancellationToken).ConfigureAwait(false);
        return response.Read<GraphCollection<Call>>().Value.ToArray();
    }

    /// <summary>DELETE /communications/calls/{id}: hangs up. An unknown or already ended call is CallNotFound.</summary>
    public async Task DeleteCallAsync(string callId, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        try
        {
            await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Delete, CallUri(apiVersion, callId), RequestSafety.Idempotent) { Target = callId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorId != ErrorIds.Calls.CallNotFound)
        {
            throw CallParticipantErrors.CallNotFound(callId, ex);
        }
    }

    /// <summary>
    /// DELETE /communications/calls/{id}/participants/{participantId}: removes one participant (hangs up their leg).
    /// The call being gone is CallNotFound; the participant being gone is ParticipantNotFound.
    /// </summary>
    public async Task DeleteParticipantAsync(string callId, string participantId, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        participantId = InputRules.RequireIdSegment(participantId, "ParticipantId");
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        try
        {
            await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Delete, CallUri(apiVersion, callId, "/participants/" + Uri.EscapeDataString(participantId)), RequestSafety.Idempotent) { Target = participantId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (GraphServiceException ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorId != ErrorIds.Calls.CallNotFound)
        {
            throw CallParticipantErrors.ParticipantNotFound(callId, participantId, ex);
        }
    }

    /// <summary>
    /// Reads the call until it is established (a meeting join takes a moment, longer from a lobby). A call that ends
    /// meanwhile (terminated, or gone: an unknown meeting, a wrong passcode) is MeetingJoinFailed; at the timeout the
    /// call is returned as it last stood, still establishing.
    /// </summary>
    public async Task<Call> WaitUntilEstablishedAsync(string callId, TimeSpan timeout, TimeSpan pollInterval, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Call call;
            try
            {
                call = await GetCallAsync(callId, apiVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (GraphServiceException ex) when (ex.ErrorId == ErrorIds.Calls.CallNotFound)
            {
                throw new CommsInviteException(ErrorIds.Meetings.MeetingJoinFailed, FailureCategory.InvalidResult,
                    $"The service ended call {callId} while it was joining the meeting: the meeting is unknown, the passcode is wrong, or the bot may not join it. The call's 'deleted' notification to the callback carries the reason.", callId, ex);
            }

            if (string.Equals(call.State, "terminated", StringComparison.OrdinalIgnoreCase) || string.Equals(call.State, "terminating", StringComparison.OrdinalIgnoreCase))
            {
                var reason = call.ResultInfo is { } r ? $" (code {r.Code}, subcode {r.Subcode}: {r.Message})" : string.Empty;
                throw new CommsInviteException(ErrorIds.Meetings.MeetingJoinFailed, FailureCategory.InvalidResult,
                    $"The service ended call {callId} while it was joining the meeting{reason}.", callId);
            }

            if (!string.Equals(call.State, "establishing", StringComparison.OrdinalIgnoreCase) || DateTimeOffset.UtcNow >= deadline)
            {
                return call;
            }

            var wait = deadline - DateTimeOffset.UtcNow;
            await Task.Delay(wait < pollInterval ? wait : pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<Participant>> ListParticipantsAsync(string callId, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        var response = await _connection.Http.SendAsync(
            new GraphRequest(HttpMethod.Get, CallUri(apiVersion, callId, "/participants"), RequestSafety.Idempotent) { Target = callId },
            cancellationToken).ConfigureAwait(false);
        var participants = response.Read<GraphCollection<Participant>>().Value;
        foreach (var participant in participants)
        {
            participant.CallId = callId;
        }

        return participants.ToArray();
    }

    /// <summary>
    /// GET .../operations/{id}. Undocumented on the real service, so a 404 that is not "call not found" (8522)
    /// returns null rather than failing: callers fall back to the roster.
    /// </summary>
    public async Task<InviteParticipantsOperation?> GetOperationAsync(string callId, string operationId, string apiVersion = GraphApiVersion.V1, CancellationToken cancellationToken = default)
    {
        callId = InputRules.RequireCallId(callId);
        operationId = InputRules.RequireIdSegment(operationId, "OperationId");
        apiVersion = GraphApiVersion.Normalize(apiVersion);
        try
        {
            var response = await _connection.Http.SendAsync(
                new GraphRequest(HttpMethod.Get, CallUri(apiVersion, callId, "/operations/" + Uri.EscapeDataString(operationId)), RequestSafety.Idempotent) { Target = operationId },
                cancellationToken).ConfigureAwait(false);
            var operation = response.Read<InviteParticipantsOperation>();
            operation.CallId = callId;
            operation.ApiVersion = apiVersion;
            return operation;
        }
        catch (GraphServiceException ex) when ((ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest) && ex.GraphCode != "8522")
        {
            return null;
        }
    }

    /// <summary>
    /// POST .../participants/invite, exactly once per invitee: the request is validated first; if the answer is lost
    /// in a way that leaves open whether the service acted, the roster is read and only invitees who are neither
    /// ringing nor joined are invited again.
    /// </summary>
    public async Task<InviteParticipantsOperation> InviteAsync(InviteRequest request, CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        InviteValidator.Validate(request);
        var callId = request.CallId;
        var apiVersion = request.ApiVersion;
        var clientContext = request.ClientContext!;
        var requested = request.Participants.ToList();
        var pending = requested;
        var uri = CallUri(apiVersion, callId, "/participants/invite");

        // The invite's own deadline: one logical request, so the connection's MaxTotalTime from now.
        var clock = Stopwatch.StartNew();
        for (var round = 0; ; round++)
        {
            var body = new InviteParticipantsBody { Participants = pending, ClientContext = clientContext };
            GraphServiceException? ambiguity;
            try
            {
                var response = await _connection.Http.SendAsync(
                    new GraphRequest(HttpMethod.Post, uri, RequestSafety.NotIdempotent, body) { Target = callId },
                    cancellationToken).ConfigureAwait(false);
                var operation = ReadOperation(response, requested, clientContext);
                return Complete(operation, callId, apiVersion, requested, recovered: round > 0);
            }
            catch (GraphServiceException ex) when (ex.MayHaveBeenProcessed || (ex.ErrorId == ErrorIds.Graph.InvalidResponse && ex.StatusCode is { } s && (int)s is >= 200 and < 300))
            {
                ambiguity = ex;
            }

            // Each recovery round is a retry of the invite: the same MaxRetries bound applies.
            if (round >= _connection.RetryPolicy.MaxRetries)
            {
                throw ambiguity;
            }

            _connection.Log.Verbose($"The invite to call {callId} may or may not have reached the service ({ambiguity.Message}); reading the roster before inviting again.");
            var roster = await ReadRosterToSettleAsync(callId, apiVersion, ambiguity, clock, cancellationToken).ConfigureAwait(false);
            var present = new HashSet<string>(roster.Select(p => p.Info.Identity.Key), StringComparer.Ordinal);
            var missing = pending.Where(p => !present.Contains(p.Identity.Key)).ToList();
            if (missing.Count == 0)
            {
                _connection.Log.Verbose($"All {pending.Count} invitee(s) are already ringing or joined in call {callId}; not inviting them again.");
                var recovered = new InviteParticipantsOperation
                {
                    Status = OperationStatus.Running,
                    ClientContext = clientContext,
                    Participants = requested,
                };
                return Complete(recovered, callId, apiVersion, requested, recovered: true);
            }

            _connection.Log.Verbose($"{pending.Count - missing.Count} invitee(s) already in call {callId}; inviting the {missing.Count} not yet there.");
            pending = missing;
        }
    }

    /// <summary>
    /// Reads the roster that settles an unsure invite. A GET is safe to repeat and the invitees' fate hangs on it, so a
    /// read that fails for a reason that may clear (a 401 even after the handler renewed the token, throttling or 5xx
    /// beyond the connection's retries, a reset, a broken body) is read again, with full-jitter backoff or the
    /// Retry-After the service asked for, until the invite's own deadline (RetryPolicy.MaxTotalTime from the invite's
    /// start). Each read renews the token on its first 401 (BearerAuthenticationHandler forces a fresh one). Then,
    /// and only then, the invite is reported as InviteUnsettled naming the last failure. A failure that will not clear
    /// (the call is gone, 403, 400) is reported at once as it is; Ctrl+C cancels at once.
    /// </summary>
    private async Task<IReadOnlyList<Participant>> ReadRosterToSettleAsync(string callId, string apiVersion, GraphServiceException ambiguity, Stopwatch clock, CancellationToken cancellationToken)
    {
        var policy = _connection.RetryPolicy;
        CommsInviteException? last = null;
        for (var attempt = 0; ; attempt++)
        {
            var remaining = policy.MaxTotalTime - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw Unsettled(callId, ambiguity, attempt, last, policy.MaxTotalTime);
            }

            TimeSpan? retryAfter = null;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                // A read still retrying inside the handler (a long Retry-After) must not outlive the invite's deadline.
                deadline.CancelAfter(remaining);
                try
                {
                    return await ListParticipantsAsync(callId, apiVersion, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Unsettled(callId, ambiguity, attempt + 1, last, policy.MaxTotalTime, cutOff: true);
                }
                catch (GraphServiceException ex) when (MayClear(ex))
                {
                    last = ex;
                    retryAfter = ex.RetryAfter;
                }
                catch (CommsInviteException ex) when (ex is not GraphServiceException && ex.ErrorId is ErrorIds.Connection.AuthenticationFailed or ErrorIds.Graph.GraphRequestFailed)
                {
                    // The token endpoint itself failed (unreachable, throttled): the next read asks for a token again.
                    last = ex;
                }
            }

            TimeSpan delay;
            var left = policy.MaxTotalTime - clock.Elapsed;
            if (retryAfter is { } wait)
            {
                // The service said when to come back: sooner is not honouring it, later is past the deadline.
                if (wait >= left)
                {
                    throw Unsettled(callId, ambiguity, attempt + 1, last, policy.MaxTotalTime);
                }

                delay = wait;
            }
            else
            {
                lock (_jitter)
                {
                    delay = RetryDecisions.Backoff(attempt, policy.BaseDelay, policy.MaxRetryDelay, _jitter);
                }

                // Our own backoff gives way to the deadline: keep reading until it, rather than give up early.
                if (delay >= left)
                {
                    delay = TimeSpan.FromTicks(Math.Max(0, left.Ticks / 2));
                }
            }

            _connection.Log.Verbose($"Reading the roster of call {callId} to settle an unsure invite failed ({last.ErrorId}: {last.Message}); reading it again in {delay.TotalMilliseconds:F0} ms.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Failures of a roster read that another read may see through; the rest are final answers.</summary>
    private static bool MayClear(GraphServiceException ex) =>
        ex.ErrorId != ErrorIds.Calls.CallNotFound
        && (ex.StatusCode is null
            || ex.ErrorId == ErrorIds.Graph.InvalidResponse
            || (int)ex.StatusCode.Value is 401 or 408 or 429 or >= 500);

    private static CommsInviteException Unsettled(string callId, GraphServiceException ambiguity, int reads, CommsInviteException? last, TimeSpan budget, bool cutOff = false)
    {
        var seconds = budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var message = $"The invite to call {callId} may or may not have reached the service ({ambiguity.Message}), and the call's roster, which says whom to invite again, could not be read within the invite's {seconds} s (-MaxRetryTotalTime): {reads} read(s)";
        message += cutOff ? ", the last cut off by that deadline" : " failed";
        message += last is null ? "." : $"; the last failure: {last.ErrorId}: {last.Message}";
        return new CommsInviteException(ErrorIds.Calls.InviteUnsettled, last?.Category ?? FailureCategory.OperationTimeout, message, callId, (Exception?)last ?? ambiguity);
    }

    private static InviteParticipantsOperation ReadOperation(GraphResponse response, IList<InvitationParticipantInfo> requested, string clientContext)
    {
        try
        {
            var operation = response.Read(GraphJsonContext.Default.InviteParticipantsOperation);
            operation.Participants = Settle(operation.Participants, requested);
            operation.Location = response.Location?.AbsoluteUri;
            if (string.IsNullOrEmpty(operation.Id) && response.Location is not null)
            {
                operation.Id = LastSegment(response.Location);
            }

            return operation;
        }
        catch (GraphServiceException) when (response.Location is not null)
        {
            // The body was mangled on the way but the Location header names the operation: the invite was accepted.
            return new InviteParticipantsOperation
            {
                Id = LastSegment(response.Location),
                Status = OperationStatus.Running,
                ClientContext = clientContext,
                Participants = requested.ToList(),
                Location = response.Location.AbsoluteUri,
            };
        }
    }

    private static InviteParticipantsOperation Complete(InviteParticipantsOperation operation, string callId, string apiVersion, IList<InvitationParticipantInfo> requested, bool recovered)
    {
        operation.CallId = callId;
        operation.ApiVersion = apiVersion;
        operation.RecoveredFromRoster = recovered;
        if (operation.Status == OperationStatus.Unknown)
        {
            operation.Status = OperationStatus.Running;
        }

        if (recovered)
        {
            // Some of these invitees were found in the roster rather than in this answer: report them all.
            operation.Participants = requested.ToList();
        }

        return operation;
    }

    /// <summary>
    /// The participants an invite's operation reports: the service's echo (it adds display names, tenant ids...) when
    /// it names them, else the invitees as sent. The waiter matches invitees by identity either way.
    /// </summary>
    private static IList<InvitationParticipantInfo> Settle(IList<InvitationParticipantInfo> echo, IList<InvitationParticipantInfo> requested) =>
        echo is { Count: > 0 } && echo.Any(p => p.Identity is not null && p.Identity.Kind != IdentityKind.Unknown)
            ? echo
            : requested.ToList();

    private static string LastSegment(Uri uri) => uri.Segments.Length == 0 ? string.Empty : Uri.UnescapeDataString(uri.Segments[uri.Segments.Length - 1].TrimEnd('/'));

    private Uri CallUri(string apiVersion, string callId, string suffix = "") =>
        _connection.GraphUri(apiVersion, "communications/calls/" + Uri.EscapeDataString(callId) + suffix);
}
