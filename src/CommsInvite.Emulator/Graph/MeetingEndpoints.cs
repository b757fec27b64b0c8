using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Graph;

/// <summary>An online meeting the admin endpoint created: what its invitation shows (link, meeting id, passcode).</summary>
internal sealed class MeetingRecord
{
    public required string Id { get; init; }
    public string? Subject { get; init; }
    public required string ThreadId { get; init; }
    public required string OrganizerId { get; init; }
    public required string JoinMeetingId { get; init; }
    public string? Passcode { get; init; }
    public required string JoinWebUrl { get; init; }
}

/// <summary>
/// Teams meetings: POST /_emulator/meetings creates one; a call created with its meetingInfo (organizer + chatInfo,
/// or joinMeetingId + passcode) joins it. A join the service would refuse is accepted (201) and then ended, as the
/// service answers: the call is terminated with a resultInfo and a "deleted" notification goes to the callback.
/// </summary>
internal static class MeetingEndpoints
{
    public const int UnknownMeetingCode = 400;
    public const int UnknownMeetingSubcode = 2203;
    public const int WrongPasscodeCode = 403;
    public const int WrongPasscodeSubcode = 2204;

    public static void MapAdmin(RouteGroupBuilder admin, EmulatorContext context)
    {
        admin.MapPost("/meetings", (HttpContext http, CancellationToken cancellationToken) => CreateAsync(context, http));
        admin.MapGet("/meetings", () => HttpJson.Json(new JsonObject
        {
            ["value"] = new JsonArray(context.State.Meetings.Values.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => (JsonNode?)Json(context, m)).ToArray()),
        }));
    }

    private static async Task<IResult> CreateAsync(EmulatorContext context, HttpContext http)
    {
        var body = http.Request.ContentLength is 0 ? new JsonObject() : await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null) return Problem("Body must be a JSON object such as {\"subject\":\"Weekly sync\"}.");
        var organizerId = body.GetString("organizerId") ?? EmulatorDefaults.SeedUserIds[0];
        if (context.State.FindUser(organizerId) is not { } organizer) return Problem($"organizerId '{organizerId}' is not a user of the tenant.");
        var passcode = body.Get("passcode") is null ? RandomPasscode() : body.GetString("passcode");
        var joinMeetingId = body.GetString("joinMeetingId") ?? RandomDigits(12);
        if (!joinMeetingId.All(char.IsAsciiDigit) || joinMeetingId.Length is < 6 or > 20) return Problem("joinMeetingId must be 6 to 20 digits.");
        if (context.State.Meetings.Values.Any(m => m.JoinMeetingId == joinMeetingId)) return Problem($"A meeting with joinMeetingId {joinMeetingId} exists.", 409);

        var threadId = "19:meeting_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(33)).Replace('+', 'A').Replace('/', 'B') + "@thread.v2";
        var contextJson = new JsonObject { ["Tid"] = context.State.TenantId, ["Oid"] = organizer.Id }.ToJsonString();
        var meeting = new MeetingRecord
        {
            Id = Guid.NewGuid().ToString(),
            Subject = body.GetString("subject"),
            ThreadId = threadId,
            OrganizerId = organizer.Id,
            JoinMeetingId = joinMeetingId,
            Passcode = string.IsNullOrEmpty(passcode) ? null : passcode,
            JoinWebUrl = $"https://teams.microsoft.com/l/meetup-join/{Uri.EscapeDataString(threadId)}/0?context={Uri.EscapeDataString(contextJson)}",
        };
        context.State.Meetings[meeting.Id] = meeting;
        return HttpJson.Json(Json(context, meeting), StatusCodes.Status201Created);
    }

    private static JsonObject Json(EmulatorContext context, MeetingRecord m) => new()
    {
        ["id"] = m.Id,
        ["subject"] = m.Subject,
        ["joinWebUrl"] = m.JoinWebUrl,
        ["joinMeetingId"] = m.JoinMeetingId,
        ["passcode"] = m.Passcode,
        ["threadId"] = m.ThreadId,
        ["organizerId"] = m.OrganizerId,
        ["tenantId"] = context.State.TenantId,
    };

    /// <summary>What a create-call body's meetingInfo joins.</summary>
    internal sealed record JoinResolution(string? Error, MeetingRecord? Meeting, (int Code, int Subcode, string Message)? Failure, JsonObject? ChatInfo);

    /// <summary>
    /// Reads meetingInfo (with chatInfo for an organizer join). A malformed body is an error now (400); a meeting
    /// that does not exist or a wrong passcode is a failure the call reports once the service has looked.
    /// </summary>
    public static JoinResolution Resolve(EmulatorContext context, JsonObject meetingInfo, JsonObject? chatInfo)
    {
        var type = meetingInfo.GetString("@odata.type")?.TrimStart('#');
        var meetings = context.State.Meetings.Values;
        if (type is "microsoft.graph.joinMeetingIdMeetingInfo" || (type is null && meetingInfo.ContainsKey("joinMeetingId")))
        {
            var joinMeetingId = meetingInfo.GetString("joinMeetingId");
            if (string.IsNullOrWhiteSpace(joinMeetingId)) return new("meetingInfo.joinMeetingId is required.", null, null, null);
            var passcode = meetingInfo.GetString("passcode");
            var byId = meetings.FirstOrDefault(m => m.JoinMeetingId == joinMeetingId);
            if (byId is null)
                return new(null, null, (UnknownMeetingCode, UnknownMeetingSubcode, $"Bad Request. No meeting has joinMeetingId {joinMeetingId}."), null);
            if (byId.Passcode is not null && !string.Equals(byId.Passcode, passcode, StringComparison.Ordinal))
                return new(null, null, (WrongPasscodeCode, WrongPasscodeSubcode, "Forbidden. The passcode does not match the meeting."), null);
            return new(null, byId, null, ChatInfoOf(byId));
        }

        if (type is "microsoft.graph.organizerMeetingInfo" || (type is null && meetingInfo.ContainsKey("organizer")))
        {
            var organizerId = (meetingInfo.Get("organizer") as JsonObject)?.Get("user") is JsonObject user ? user.GetString("id") : null;
            if (string.IsNullOrWhiteSpace(organizerId)) return new("meetingInfo.organizer.user.id is required.", null, null, null);
            var threadId = chatInfo?.GetString("threadId");
            if (string.IsNullOrWhiteSpace(threadId)) return new("Joining a meeting by its organizer needs chatInfo.threadId.", null, null, null);
            var byThread = meetings.FirstOrDefault(m => string.Equals(m.ThreadId, threadId, StringComparison.Ordinal)
                && string.Equals(m.OrganizerId, organizerId, StringComparison.OrdinalIgnoreCase));
            return byThread is null
                ? new(null, null, (UnknownMeetingCode, UnknownMeetingSubcode, $"Bad Request. No meeting of organizer {organizerId} has thread {threadId}."), (JsonObject)chatInfo!.DeepClone())
                : new(null, byThread, null, (JsonObject)chatInfo!.DeepClone());
        }

        return new($"meetingInfo of type '{type}' is not supported here; use organizerMeetingInfo or joinMeetingIdMeetingInfo.", null, null, null);
    }

    /// <summary>The meeting's organizer, already in the meeting when the bot joins.</summary>
    public static (string Kind, string Id, JsonObject Identity) Organizer(EmulatorContext context, MeetingRecord meeting) =>
        ("user", meeting.OrganizerId, new JsonObject
        {
            ["id"] = meeting.OrganizerId,
            ["displayName"] = context.State.FindUser(meeting.OrganizerId)?.DisplayName,
            ["identityProvider"] = "AAD",
            ["tenantId"] = context.State.TenantId,
        });

    private static JsonObject ChatInfoOf(MeetingRecord meeting) => new()
    {
        ["@odata.type"] = "#microsoft.graph.chatInfo",
        ["threadId"] = meeting.ThreadId,
        ["messageId"] = "0",
        ["replyChainMessageId"] = null,
    };

    private static string RandomDigits(int count)
    {
        var digits = new char[count];
        for (var i = 0; i < count; i++) digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(i == 0 ? 1 : 0, 10));
        return new string(digits);
    }

    private static string RandomPasscode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return new string(Enumerable.Range(0, 6).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
    }

    private static IResult Problem(string message, int status = 400) =>
        HttpJson.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadRequest", ["message"] = message } }, status);
}
