using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Graph;

/// <summary>Builds the wire shapes of the seeds (call, participant, identity sets, operations, notifications).</summary>
internal static class GraphShapes
{
    /// <summary>Identity kinds an invitationParticipantInfo may carry.</summary>
    public static readonly string[] InviteIdentityKinds = { "user", "application", "applicationInstance", "phone", "guest" };

    /// <summary>Every identitySet property the service returns (nulls included), as in the seeds' example 4.</summary>
    private static readonly string[] AllIdentityKinds = { "user", "guest", "encrypted", "onPremises", "applicationInstance", "application", "device", "phone" };

    public static JsonObject Identity(JsonObject identity)
    {
        var copy = (JsonObject)identity.DeepClone();
        if (!copy.ContainsKey("@odata.type"))
        {
            var ordered = new JsonObject { ["@odata.type"] = "#microsoft.graph.identity" };
            foreach (var (key, value) in copy) ordered[key] = value?.DeepClone();
            copy = ordered;
        }
        return copy;
    }

    /// <summary>The identity set of an invite response: every kind present, all but one null.</summary>
    public static JsonObject FullIdentitySet(string kind, JsonObject identity)
    {
        var set = new JsonObject();
        foreach (var k in AllIdentityKinds) set[k] = k == kind ? Identity(identity) : null;
        return set;
    }

    /// <summary>The identity set of a notification or roster: only the present kind.</summary>
    public static JsonObject CompactIdentitySet(string kind, JsonObject identity) => new()
    {
        ["@odata.type"] = "#microsoft.graph.identitySet",
        [kind] = Identity(identity),
    };

    public static JsonObject? ResultInfo(InviteOperation operation) => operation.ResultCode is null
        ? null
        : new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.resultInfo",
            ["code"] = operation.ResultCode,
            ["subcode"] = operation.ResultSubcode,
            ["message"] = operation.ResultMessage,
        };

    /// <summary>The inviteParticipantsOperation as the invite response and the operation GET return it.</summary>
    public static JsonObject Operation(InviteOperation operation)
    {
        var participants = new JsonArray();
        foreach (var p in operation.Participants)
        {
            participants.Add(new JsonObject
            {
                ["endpointType"] = null,
                ["id"] = null,
                ["replacesCallId"] = p.ReplacesCallId,
                ["identity"] = FullIdentitySet(p.Kind, p.Identity),
            });
        }
        return new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.inviteParticipantsOperation",
            ["id"] = operation.Id,
            ["status"] = operation.Status,
            ["clientContext"] = operation.ClientContext,
            ["resultInfo"] = ResultInfo(operation),
            ["participants"] = participants,
        };
    }

    /// <summary>The final operation as a notification's resourceData (seeds' "operation completed").</summary>
    public static JsonObject OperationNotificationData(InviteOperation operation)
    {
        var participants = new JsonArray();
        foreach (var p in operation.Participants)
        {
            var info = new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.invitationParticipantInfo",
                ["identity"] = CompactIdentitySet(p.Kind, p.Identity),
            };
            if (p.ReplacesCallId is not null) info["replacesCallId"] = p.ReplacesCallId;
            participants.Add(info);
        }
        var data = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.inviteParticipantsOperation",
            ["participants"] = participants,
            ["status"] = operation.Status,
            ["clientContext"] = operation.ClientContext,
            ["id"] = operation.Id,
        };
        if (operation.ResultCode is not null) data["resultInfo"] = ResultInfo(operation);
        return data;
    }

    public static JsonObject Participant(string participantId, string kind, JsonObject identity, bool joined, int sourceId) => new()
    {
        ["@odata.type"] = "#microsoft.graph.participant",
        ["id"] = participantId,
        ["info"] = new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.participantInfo",
            ["identity"] = CompactIdentitySet(kind, identity),
            ["endpointType"] = "default",
            ["languageId"] = "en-US",
        },
        ["mediaStreams"] = joined
            ? new JsonArray(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.mediaStream",
                ["mediaType"] = "audio",
                ["sourceId"] = sourceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["direction"] = "sendReceive",
                ["serverMuted"] = false,
            })
            : new JsonArray(),
        ["isMuted"] = false,
        ["isInLobby"] = false,
    };

    /// <summary>The roster, bot first. Caller holds the call's lock.</summary>
    public static JsonArray Roster(CallRecord call, string tenantId)
    {
        var roster = new JsonArray
        {
            Participant(call.BotParticipantId, "application", new JsonObject
            {
                ["id"] = call.OwnerClientId,
                ["displayName"] = "CommsInvite Bot",
                ["tenantId"] = tenantId,
            }, true, 1),
        };
        foreach (var entry in call.Roster) roster.Add(Participant(entry.ParticipantId, entry.Kind, entry.Identity, entry.Joined, entry.SourceId));
        return roster;
    }

    /// <summary>The call. Caller holds the call's lock.</summary>
    public static JsonObject Call(CallRecord call, string tenantId) => new()
    {
        ["@odata.type"] = "#microsoft.graph.call",
        ["id"] = call.Id,
        ["state"] = call.State,
        ["direction"] = "outgoing",
        ["callbackUri"] = call.CallbackUri,
        ["callChainId"] = call.Id,
        ["subject"] = call.Subject,
        ["source"] = call.Source?.DeepClone(),
        ["targets"] = call.Targets.DeepClone(),
        ["requestedModalities"] = call.RequestedModalities.DeepClone(),
        ["activeModalities"] = call.State == "established" ? call.RequestedModalities.DeepClone() : new JsonArray(),
        ["mediaConfig"] = call.MediaConfig?.DeepClone(),
        ["chatInfo"] = call.ChatInfo?.DeepClone(),
        ["meetingInfo"] = call.MeetingInfo?.DeepClone(),
        ["tenantId"] = tenantId,
        ["myParticipantId"] = call.BotParticipantId,
        ["resultInfo"] = call.ResultInfo?.DeepClone(),
        ["answeredBy"] = null,
        ["routingPolicies"] = new JsonArray(),
    };

    public static JsonObject Notifications(string changeType, string resource, string resourceUrl, JsonNode resourceData) => new()
    {
        ["@odata.type"] = "#microsoft.graph.commsNotifications",
        ["value"] = new JsonArray(new JsonObject
        {
            ["@odata.type"] = "#microsoft.graph.commsNotification",
            ["changeType"] = changeType,
            ["resource"] = resource,
            ["resourceUrl"] = resourceUrl,
            ["resourceData"] = resourceData,
        }),
    };
}
