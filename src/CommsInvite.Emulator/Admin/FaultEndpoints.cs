using System.Text.Json;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Admin;

internal static class FaultEndpoints
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder admin, EmulatorContext context)
    {
        admin.MapPost("/faults", async (HttpContext http, CancellationToken cancellationToken) =>
        {
            FaultRule? rule;
            try
            {
                rule = await JsonSerializer.DeserializeAsync<FaultRule>(http.Request.Body, Options, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Problem($"Invalid fault rule: {e.Message} Kinds: throttle, unavailable, gatewayTimeout, latency, resetBefore, resetAfter, truncate, nonJson, expiredToken.");
            }
            if (rule is null) return Problem("Body must be a fault rule object.");
            try
            {
                var id = context.Faults.Add(rule);
                return HttpJson.Json(new JsonObject { ["id"] = id }, StatusCodes.Status201Created);
            }
            catch (ArgumentException e)
            {
                return Problem(e.Message);
            }
        });
        admin.MapGet("/faults", () => HttpJson.Json(JsonSerializer.SerializeToNode(context.Faults.Rules, Options)));
        admin.MapDelete("/faults", () =>
        {
            context.Faults.Clear();
            return Results.NoContent();
        });
        admin.MapDelete("/faults/{id}", (string id) => context.Faults.Remove(id) ? Results.NoContent() : Problem($"No fault rule {id}.", 404));
    }

    private static IResult Problem(string message, int status = 400) =>
        HttpJson.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadRequest", ["message"] = message } }, status);
}
