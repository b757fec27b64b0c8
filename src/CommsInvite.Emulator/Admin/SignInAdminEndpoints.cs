using System.Text.Json;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;
using CommsInvite.Emulator.Identity;

namespace CommsInvite.Emulator.Admin;

/// <summary>/_emulator/devicecodes: the pending device codes, and approving or denying one as a user would on the sign-in page.</summary>
internal static class SignInAdminEndpoints
{
    public static void Map(RouteGroupBuilder admin, EmulatorContext context)
    {
        admin.MapGet("/devicecodes", () => HttpJson.Json(new JsonObject
        {
            ["value"] = new JsonArray(context.State.SignIns.PendingDeviceCodes().Select(g => (JsonNode?)new JsonObject
            {
                ["userCode"] = g.UserCode,
                ["clientId"] = g.ClientId,
                ["scopes"] = new JsonArray(g.Scopes.Select(s => (JsonNode?)s).ToArray()),
                ["expiresAt"] = HttpJson.Timestamp(g.ExpiresAt),
            }).ToArray()),
        }));
        admin.MapPost("/devicecodes/approve", (HttpContext http, CancellationToken cancellationToken) => ApproveAsync(context, http));
    }

    private static IResult Problem(string message, int status = 400) =>
        HttpJson.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadRequest", ["message"] = message } }, status);

    private static async Task<IResult> ApproveAsync(EmulatorContext context, HttpContext http)
    {
        var body = await HttpJson.ReadObjectAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var userCode = body?.GetString("userCode");
        if (body is null || userCode is null) return Problem("Body needs userCode, and userId (or \"deny\": true).");
        var deny = body.Get("deny") is JsonValue d && d.GetValueKind() == JsonValueKind.True;
        var userId = body.GetString("userId");
        DirectoryUser? user = null;
        if (!deny)
        {
            if (userId is null) return Problem("Body needs userId (an emulator user's id or UPN), or \"deny\": true.");
            user = context.State.FindUser(userId);
            if (user is null) return Problem($"No user '{userId}'.", 404);
        }

        var grant = context.State.SignIns.FindByUserCode(userCode);
        if (grant is null) return Problem($"No device code with user code '{userCode}'.", 404);
        lock (grant)
        {
            if (grant.ExpiresAt <= DateTimeOffset.UtcNow) return Problem($"The device code '{userCode}' has expired.", 410);
            if (grant.Status != DeviceCodeStatus.Pending) return Problem($"The device code '{userCode}' was already {grant.Status.ToString().ToLowerInvariant()}.", 409);
            grant.Status = deny ? DeviceCodeStatus.Denied : DeviceCodeStatus.Approved;
            grant.UserId = user?.Id;
        }
        return Results.NoContent();
    }
}
