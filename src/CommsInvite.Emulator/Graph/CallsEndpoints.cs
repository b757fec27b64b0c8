using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Graph;

/// <summary>Cloud communications: calls, participants, invite and its operation lifecycle.</summary>
internal static partial class CallsEndpoints
{
    private static readonly string[] AnyCallsRole = { "Calls.Initiate.All", "Calls.InitiateGroupCall.All", "Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All" };
    private static readonly string[] CreateCallRoles = { "Calls.Initiate.All", "Calls.InitiateGroupCall.All" };
    private static readonly string[] InviteRoles = { "Calls.InitiateGroupCall.All" };

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164();

    public const int MaxParticipants = 5;
    public const int MaxClientContextLength = 256;

    public static void Map(RouteGroupBuilder graph, string version, EmulatorContext context, ILogger logger)
    {
        graph.MapPost("/communications/calls", (HttpContext http, CancellationToken cancellationToken) => CreateCallAsync(context, version, http)).RequireCallsRoles(CreateCallRoles);
        graph.MapGet("/communications/calls", (HttpContext http, CancellationToken cancellationToken) => ListCalls(context, http)).RequireCallsRoles(AnyCallsRole);
        graph.MapGet("/communications/calls/{callId}", (string callId, HttpContext http) => GetCall(context, http, callId)).RequireCallsRoles(AnyCallsRole);
        graph.MapDelete("/communications/calls/{callId}", (string callId, HttpContext http) => DeleteCall(context, http, callId)).RequireCallsRoles(AnyCallsRole);
        graph.MapGet("/communications/calls/{callId}/participants", (string callId, HttpContext http) => ListParticipants(context, version, http, callId)).RequireCallsRoles(AnyCallsRole);
        graph.MapGet("/communications/calls/{callId}/participants/{participantId}", (string callId, string participantId, HttpContext http) => GetParticipant(context, http, callId, participantId)).RequireCallsRoles(AnyCallsRole);
        graph.MapDelete("/communications/calls/{callId}/participants/{participantId}", (string callId, string participantId, HttpContext http) => DeleteParticipant(context, http, callId, participantId)).RequireCallsRoles(AnyCallsRole);
        graph.MapPost("/communications/calls/{callId}/participants/invite", (string callId, HttpContext http) => InviteAsync(context, version, http, callId, viaAppAlias: false)).RequireCallsRoles(InviteRoles);
        // The action's fully-qualified name, which Graph accepts beside the short one.
        graph.MapPost("/communications/calls/{callId}/participants/microsoft.graph.invite", (string callId, HttpContext http) => InviteAsync(context, version, http, callId, viaAppAlias: false)).RequireCallsRoles(InviteRoles);
        graph.MapGet("/communications/calls/{callId}/operations/{operationId}", (string callId, string operationId, HttpContext http) => GetOperation(context, http, callId, operationId)).RequireCallsRoles(AnyCallsRole);
        if (version == "beta")
        {
            // The deprecated /app alias (seeds: "POST /app/calls/{id}/participants/invite").
            graph.MapPost("/app/calls/{callId}/participants/invite", (string callId, HttpContext http) => InviteAsync(context, version, http, callId, viaAppAlias: true)).RequireCallsRoles(InviteRoles);
            graph.MapPost("/app/calls/{callId}/participants/microsoft.graph.invite", (string callId, HttpContext http) => InviteAsync(context, version, http, callId, viaAppAlias: true)).RequireCallsRoles(InviteRoles);
            graph.MapGet("/app/calls/{callId}", (string callId, HttpContext http) => GetCall(context, http, callId)).RequireCallsRoles(AnyCallsRole);
            graph.MapGet("/app/calls/{callId}/participants", (string callId, HttpContext http) => ListParticipants(context, version, http, callId)).RequireCallsRoles(AnyCallsRole);
        }
    }

    /// <summary>callbackUri must be https; http only for loopback hosts.</summary>
    public static bool IsAcceptableCallback(string? uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
        && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback));

    /// <summary>Creates a call (Graph POST or admin seeding). Targets ring at once and join when the call is established.</summary>
    public static CallRecord AddCall(EmulatorContext context, CallRecord call, IEnumerable<(string Kind, string Id, JsonObject Identity)> targets, bool establishNow)
    {
        lock (call.Sync)
        {
            foreach (var (kind, id, identity) in targets)
            {
                if (call.FindEntry(kind, id) is not null) continue;
                call.Roster.Add(new RosterEntry { ParticipantId = Guid.NewGuid().ToString(), Kind = kind, IdentityId = id, Identity = identity, Joined = establishNow, SourceId = call.NextSourceId() });
            }
            if (establishNow) call.State = "established";
        }
        if (!context.State.CallRecords.TryAdd(call.Id, call)) throw new InvalidOperationException($"Call {call.Id} already exists.");
        if (!establishNow) _ = EstablishLaterAsync(context, call);
        return call;
    }

    private static async Task EstablishLaterAsync(EmulatorContext context, CallRecord call)
    {
        try
        {
            await Task.Delay(context.State.Settings.AnswerDelay, context.Stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (call.JoinFailure is { } failure)
        {
            // The service accepted the join, looked, and refused: the call ends with the reason.
            lock (call.Sync)
            {
                if (call.Ended) return;
                call.ResultInfo = new JsonObject
                {
                    ["@odata.type"] = "#microsoft.graph.resultInfo",
                    ["code"] = failure.Code,
                    ["subcode"] = failure.Subcode,
                    ["message"] = failure.Message,
                };
            }
            EndCall(context, call.Id);
            return;
        }
        lock (call.Sync)
        {
            if (call.Ended) return;
            call.State = "established";
            foreach (var entry in call.Roster.Where(e => e.OperationId is null)) entry.Joined = true;
        }
    }

    private static async Task<IResult> CreateCallAsync(EmulatorContext context, string version, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return GraphErrors.BadRequest(http, "The request body must be a JSON call object.");
        var clientId = http.Items[GraphAuth.ClientIdItem] as string ?? EmulatorDefaults.ClientId;
        if (CallRefusals.Check(context, http, body, clientId) is { } refused) return refused;
        var callbackUri = body.GetString("callbackUri");
        if (!IsAcceptableCallback(callbackUri))
            return GraphErrors.BadRequest(http, "callbackUri must be an absolute https URI (http is accepted only for loopback hosts).");

        var targets = new List<(string Kind, string Id, JsonObject Identity)>();
        if (body.Get("targets") is JsonArray targetArray)
        {
            for (var i = 0; i < targetArray.Count; i++)
            {
                var (error, kind, id, identity) = ParseIdentity(context, targetArray[i], $"targets[{i}]");
                if (error is not null) return GraphErrors.BadRequest(http, error);
                targets.Add((kind!, id!, identity!));
            }
        }
        else if (body.Get("targets") is { } notArray && notArray.GetValueKind() != JsonValueKind.Null)
        {
            return GraphErrors.BadRequest(http, "targets must be an array of invitationParticipantInfo.");
        }

        string? instanceId = null;
        if (body.Get("source") is JsonObject source && source.Get("identity") is JsonObject sourceIdentity
            && sourceIdentity.Get("applicationInstance") is JsonObject instance)
        {
            instanceId = instance.GetString("id");
            if (instanceId is null || context.State.FindApplicationInstance(instanceId) is null)
                return GraphErrors.BadRequest(http, $"The source application instance '{instanceId}' was not found in the tenant.");
        }

        var chatInfo = body.Get("chatInfo") as JsonObject;
        var meetingInfo = body.Get("meetingInfo") as JsonObject;
        MeetingEndpoints.JoinResolution? join = null;
        if (meetingInfo is not null)
        {
            join = MeetingEndpoints.Resolve(context, meetingInfo, chatInfo);
            if (join.Error is not null) return GraphErrors.BadRequest(http, join.Error);
            chatInfo = join.ChatInfo ?? chatInfo;
            if (join.Meeting is not null) targets.Insert(0, MeetingEndpoints.Organizer(context, join.Meeting));
        }

        var isGroup = chatInfo is not null || meetingInfo is not null || targets.Count != 1;
        var requested = body.Get("requestedModalities") as JsonArray;
        var call = new CallRecord
        {
            MeetingInfo = (JsonObject?)meetingInfo?.DeepClone(),
            MeetingId = join?.Meeting?.Id,
            JoinFailure = join?.Failure,
            Id = Guid.NewGuid().ToString(),
            OwnerClientId = clientId,
            CallbackUri = callbackUri,
            IsGroupCall = isGroup,
            ChatInfo = (JsonObject?)chatInfo?.DeepClone(),
            SourceApplicationInstanceId = instanceId,
            Source = (JsonObject?)(body.Get("source") as JsonObject)?.DeepClone(),
            Targets = (JsonArray?)(body.Get("targets") as JsonArray)?.DeepClone() ?? new JsonArray(),
            RequestedModalities = (JsonArray?)requested?.DeepClone() ?? new JsonArray("audio"),
            MediaConfig = (JsonObject?)(body.Get("mediaConfig") as JsonObject)?.DeepClone(),
            Subject = body.GetString("subject"),
        };
        AddCall(context, call, targets, establishNow: false);
        JsonObject json;
        lock (call.Sync) json = GraphShapes.Call(call, context.State.TenantId);
        http.Response.Headers.Location = $"{context.BaseUrl}/{version}/communications/calls/{call.Id}";
        return HttpJson.Json(json, StatusCodes.Status201Created);
    }

    private static IResult ListCalls(EmulatorContext context, HttpContext http)
    {
        var value = new JsonArray();
        foreach (var call in context.State.CallRecords.Values.OrderBy(c => c.CreatedAt))
        {
            lock (call.Sync) value.Add(GraphShapes.Call(call, context.State.TenantId));
        }
        return HttpJson.Json(new JsonObject { ["value"] = value });
    }

    private static IResult GetCall(EmulatorContext context, HttpContext http, string callId)
    {
        if (!context.State.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        lock (call.Sync) return HttpJson.Json(GraphShapes.Call(call, context.State.TenantId));
    }

    private static IResult DeleteCall(EmulatorContext context, HttpContext http, string callId)
    {
        if (!EndCall(context, callId)) return GraphErrors.CallNotFound(http, callId);
        return Results.NoContent();
    }

    /// <summary>Ends a call: removed at once, a "deleted" notification follows.</summary>
    public static bool EndCall(EmulatorContext context, string callId)
    {
        if (!context.State.CallRecords.TryRemove(callId, out var call)) return false;
        JsonObject json;
        lock (call.Sync)
        {
            call.Ended = true;
            call.State = "terminated";
            json = GraphShapes.Call(call, context.State.TenantId);
        }
        context.Notifier.EnqueueCallNotification(call, "deleted", json);
        return true;
    }

    private static IResult ListParticipants(EmulatorContext context, string version, HttpContext http, string callId)
    {
        if (!context.State.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        JsonArray roster;
        lock (call.Sync) roster = GraphShapes.Roster(call, context.State.TenantId);
        return HttpJson.Json(new JsonObject
        {
            ["@odata.context"] = $"{context.BaseUrl}/{version}/$metadata#communications/calls('{callId}')/participants",
            ["value"] = roster,
        });
    }

    private static IResult GetParticipant(EmulatorContext context, HttpContext http, string callId, string participantId)
    {
        if (!context.State.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        JsonArray roster;
        lock (call.Sync) roster = GraphShapes.Roster(call, context.State.TenantId);
        var participant = roster.FirstOrDefault(p => string.Equals(p!["id"]?.GetValue<string>(), participantId, StringComparison.OrdinalIgnoreCase));
        return participant is null
            ? GraphErrors.Result(http, 404, "NotFound", $"Participant {participantId} is not in call {callId}.")
            : HttpJson.Json(participant.DeepClone());
    }

    /// <summary>Removes one participant: 204, then a roster "updated" to the callback. The bot itself is not removable this way.</summary>
    private static IResult DeleteParticipant(EmulatorContext context, HttpContext http, string callId, string participantId)
    {
        if (!context.State.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        lock (call.Sync)
        {
            if (call.Ended) return GraphErrors.CallNotFound(http, callId);
            if (string.Equals(call.BotParticipantId, participantId, StringComparison.OrdinalIgnoreCase))
                return GraphErrors.BadRequest(http, $"Participant {participantId} is the application itself; end the call with DELETE /communications/calls/{callId} instead.");
            var entry = call.Roster.FirstOrDefault(e => string.Equals(e.ParticipantId, participantId, StringComparison.OrdinalIgnoreCase));
            if (entry is null) return GraphErrors.Result(http, 404, "NotFound", $"Participant {participantId} is not in call {callId}.");
            call.Roster.Remove(entry);
        }
        context.Notifier.EnqueueRosterUpdate(call);
        return Results.NoContent();
    }

    private static IResult GetOperation(EmulatorContext context, HttpContext http, string callId, string operationId)
    {
        if (!context.State.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        lock (call.Sync)
        {
            return call.Operations.TryGetValue(operationId, out var operation)
                ? HttpJson.Json(GraphShapes.Operation(operation))
                : GraphErrors.Result(http, 404, "NotFound", $"Operation {operationId} was not found in call {callId}.");
        }
    }

    /// <summary>Parses one invitationParticipantInfo: exactly one identity kind with an id; phone ids E.164.</summary>
    private static (string? Error, string? Kind, string? Id, JsonObject? Identity) ParseIdentity(EmulatorContext context, JsonNode? participant, string path)
    {
        if (participant is not JsonObject info) return ($"{path} must be an invitationParticipantInfo object.", null, null, null);
        if (info.Get("identity") is not JsonObject identitySet) return ($"{path}.identity is required.", null, null, null);
        var present = identitySet.Where(p => !p.Key.StartsWith('@') && p.Value is JsonObject).Select(p => p.Key).ToArray();
        var unsupported = present.Where(k => !GraphShapes.InviteIdentityKinds.Contains(k, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (unsupported.Length > 0)
            return ($"{path}.identity.{unsupported[0]} is not supported; use user, application, applicationInstance, phone or guest.", null, null, null);
        if (present.Length != 1)
            return ($"{path}.identity must have exactly one of user, application, applicationInstance, phone or guest (found {present.Length}).", null, null, null);
        var kind = GraphShapes.InviteIdentityKinds.First(k => string.Equals(k, present[0], StringComparison.OrdinalIgnoreCase));
        var identity = (JsonObject)identitySet[present[0]]!;
        var id = identity.GetString("id");
        if (string.IsNullOrWhiteSpace(id)) return ($"{path}.identity.{kind}.id is required.", null, null, null);
        if (kind == "phone" && !E164().IsMatch(id))
            return ($"{path}.identity.phone.id '{id}' is not an E.164 phone number ('+' then 7 to 15 digits, no leading 0).", null, null, null);

        // The service echoes identities with tenantId (and identityProvider for users) filled in.
        var normalized = new JsonObject();
        foreach (var (key, value) in identity)
        {
            if (key != "@odata.type") normalized[key] = value?.DeepClone();
        }
        if (kind == "user")
        {
            if (normalized.Get("displayName") is null && context.State.FindUser(id) is { } user) normalized["displayName"] = user.DisplayName;
            if (normalized.Get("identityProvider") is null) normalized["identityProvider"] = "AAD";
        }
        if (kind is "user" or "application" or "applicationInstance" && normalized.Get("tenantId") is null) normalized["tenantId"] = context.State.TenantId;
        return (null, kind, id, normalized);
    }

    private static async Task<IResult> InviteAsync(EmulatorContext context, string version, HttpContext http, string callId, bool viaAppAlias)
    {
        var state = context.State;
        state.Stats.InviteReceived();
        if (!context.InviteBucket.TryTake(state.Settings.ThrottleRatePerSecond, out var wait))
        {
            state.Stats.FaultInjected("throttleRate");
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return GraphErrors.Result(http, 429, "TooManyRequests", "Too many requests: the application exceeded its invite rate. Retry after the time in Retry-After.");
        }

        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return GraphErrors.BadRequest(http, "The request body must be a JSON object with participants and clientContext.");
        if (body.Get("participants") is not JsonArray participants || participants.Count == 0)
            return GraphErrors.BadRequest(http, "participants must contain at least one invitationParticipantInfo.");
        if (participants.Count > MaxParticipants)
            return GraphErrors.BadRequest(http, $"Too many participants: an invite accepts at most {MaxParticipants} participants, got {participants.Count}.");
        if (body.IsPresentButNotString("clientContext")) return GraphErrors.BadRequest(http, "clientContext must be a string.");
        var clientContext = body.GetString("clientContext");
        if (clientContext is { Length: > MaxClientContextLength })
            return GraphErrors.BadRequest(http, $"clientContext must be at most {MaxClientContextLength} characters, got {clientContext.Length}.");

        var parsed = new List<InvitedParticipant>();
        for (var i = 0; i < participants.Count; i++)
        {
            var (error, kind, id, identity) = ParseIdentity(context, participants[i], $"participants[{i}]");
            if (error is not null) return GraphErrors.BadRequest(http, error);
            var replaces = ((JsonObject)participants[i]!).GetString("replacesCallId");
            parsed.Add(new InvitedParticipant { Kind = kind!, IdentityId = id!, Identity = identity!, ReplacesCallId = replaces });
        }

        if (!state.CallRecords.TryGetValue(callId, out var call)) return GraphErrors.CallNotFound(http, callId);
        if (!call.IsGroupCall)
            return GraphErrors.BadRequest(http, $"Inviting participants is supported for group calls only; call {callId} is a peer-to-peer call.");

        // With replacesCallId on the first participant only that participant is honoured; the rest are ignored.
        var replacesCallId = parsed[0].ReplacesCallId;
        var honoured = replacesCallId is not null ? parsed.Take(1).ToList() : parsed;
        if (honoured.Count > 1 && call.ChatInfo is null)
            return GraphErrors.BadRequest(http, $"Inviting more than one participant needs a group call with a valid chatInfo; call {callId} has none.");

        var operation = new InviteOperation
        {
            Id = Guid.NewGuid().ToString(),
            CallId = call.Id,
            ClientContext = clientContext,
            Participants = honoured,
            ViaAppAlias = viaAppAlias,
            ReplacesCallId = replacesCallId,
        };
        var duplicates = new List<string>();
        JsonObject response;
        lock (call.Sync)
        {
            if (call.Ended) return GraphErrors.CallNotFound(http, callId);
            foreach (var p in honoured)
            {
                if (call.FindEntry(p.Kind, p.IdentityId) is not null)
                {
                    // Already ringing or joined (an earlier invite, or the same invite listing it twice).
                    p.Duplicate = true;
                    duplicates.Add($"{p.Kind}:{p.IdentityId}");
                    state.Stats.DuplicateInvite();
                    continue;
                }
                call.Roster.Add(new RosterEntry
                {
                    ParticipantId = Guid.NewGuid().ToString(),
                    Kind = p.Kind,
                    IdentityId = p.IdentityId,
                    Identity = p.Identity,
                    OperationId = operation.Id,
                });
            }
            call.Operations[operation.Id] = operation;
            response = GraphShapes.Operation(operation);
        }
        state.Stats.InviteAccepted();
        state.RecordInvite(new InviteRecord(call.Id, operation.Id, honoured.Select(p => $"{p.Kind}:{p.IdentityId}").ToArray(), clientContext, duplicates, DateTimeOffset.UtcNow));
        _ = CompleteLaterAsync(context, call, operation);

        http.Response.Headers.Location = $"{context.BaseUrl}/{version}/communications/calls/{call.Id}/operations/{operation.Id}";
        return HttpJson.Json(response);
    }

    /// <summary>After the answer delay: invitees answer (join) or decline (removed); the operation completes or fails.</summary>
    private static async Task CompleteLaterAsync(EmulatorContext context, CallRecord call, InviteOperation operation)
    {
        try
        {
            await Task.Delay(context.State.Settings.AnswerDelay, context.Stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        JsonObject operationData;
        lock (call.Sync)
        {
            if (call.Ended) return;
            foreach (var p in operation.Participants)
            {
                var failure = Decide(context, call, p);
                var entry = call.Roster.FirstOrDefault(e => e.OperationId == operation.Id && e.Kind == p.Kind
                    && string.Equals(e.IdentityId, p.IdentityId, StringComparison.OrdinalIgnoreCase));
                if (failure is null)
                {
                    if (entry is not null && !entry.Joined)
                    {
                        entry.Joined = true;
                        entry.SourceId = call.NextSourceId();
                    }
                    continue;
                }
                if (entry is not null) call.Roster.Remove(entry);
                if (operation.ResultCode is null)
                {
                    operation.ResultCode = failure.Value.Code;
                    operation.ResultSubcode = failure.Value.Subcode;
                    operation.ResultMessage = failure.Value.Message;
                }
            }
            operation.Status = operation.ResultCode is null ? "completed" : "failed";
            operationData = GraphShapes.OperationNotificationData(operation);
        }

        var prefix = operation.ViaAppAlias ? "/app/calls" : "/communications/calls";
        context.Notifier.EnqueueInviteCompletion(call, $"{prefix}/{call.Id}/participants", $"{prefix}/{call.Id}/operations/{operation.Id}", operationData);

        // The replaced (peer-to-peer) call ends once the invite has completed.
        if (operation.Status == "completed" && operation.ReplacesCallId is not null
            && !string.Equals(operation.ReplacesCallId, call.Id, StringComparison.OrdinalIgnoreCase))
        {
            EndCall(context, operation.ReplacesCallId);
        }
    }

    /// <summary>
    /// The diagnostic codes the emulator ends its failure messages with, as the service does ("... DiagCode: 412#10073").
    /// 412#10073 (no PSTN sponsor) is the real service's; the decline code is assumed (docs/reliability.md).
    /// </summary>
    internal const string DeclinedDiagCode = "410#301004";

    internal const string NoPstnSponsorDiagCode = "412#10073";

    internal const string PstnMetadataMissingDiagCode = "403#10151";

    /// <summary>Whether an invitee answers: null = answers; otherwise the operation's resultInfo.</summary>
    private static (int Code, int Subcode, string Message)? Decide(EmulatorContext context, CallRecord call, InvitedParticipant p)
    {
        var state = context.State;
        switch (p.Kind)
        {
            case "user":
                var user = state.FindUser(p.IdentityId);
                if (user is null) return UnknownInvitee("user", p.IdentityId);
                if (user.Declines) return (410, 301004, $"The invitee {p.IdentityId} declined the invitation. DiagCode: {DeclinedDiagCode}");
                return null;
            case "applicationInstance":
                return state.FindApplicationInstance(p.IdentityId) is null
                    ? UnknownInvitee("application instance", p.IdentityId)
                    : null;
            case "application":
                return state.Clients.ContainsKey(p.IdentityId)
                    ? null
                    : UnknownInvitee("application", p.IdentityId);
            case "phone":
                // A meeting joined without an application instance as the source carries nothing to dial out with
                // (observed: 403#10151; that this is the trigger is assumed, docs/emulator.md).
                if (call.SourceApplicationInstanceId is null && call.MeetingInfo is not null)
                    return (403, 10151, $"addParticipants failed for participant {p.IdentityId}. Underlying reason: Call does not contain the metadata required for making this PSTN dial out.. DiagCode: {PstnMetadataMissingDiagCode}");
                var instance = call.SourceApplicationInstanceId is null ? null : state.FindApplicationInstance(call.SourceApplicationInstanceId);
                string? number;
                lock (state.ProvisioningLock) number = instance?.PhoneNumber;
                return string.IsNullOrEmpty(number)
                    ? (412, 9999, $"Cannot invite a PSTN participant: no PSTN sponsor, the call's source application instance has no phone number assigned. DiagCode: {NoPstnSponsorDiagCode}")
                    : null;
            default:
                return null; // guests answer
        }
    }

    /// <summary>
    /// An invitee id the directory does not know: a not-found failure, not a decline (nobody was rung). Graph does not
    /// document this case; code 404 with subcode 0 is the emulator's assumption (docs/provisioning.md).
    /// </summary>
    private static (int Code, int Subcode, string Message) UnknownInvitee(string kind, string id) =>
        (404, 0, $"The invited {kind} {id} was not found in the tenant's directory; nobody was invited.");
}
