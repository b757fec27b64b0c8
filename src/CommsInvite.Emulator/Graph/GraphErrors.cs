using System.Globalization;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;

namespace CommsInvite.Emulator.Graph;

/// <summary>Graph's error shape: {"error":{"code","message","innerError":{"request-id","client-request-id","date"}}}.</summary>
internal static class GraphErrors
{
    public const string RequestIdItem = "emulator.request-id";
    public const string ClientRequestIdItem = "emulator.client-request-id";

    public static JsonObject Body(HttpContext http, string code, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = http.Items[RequestIdItem] as string,
                ["client-request-id"] = http.Items[ClientRequestIdItem] as string,
            },
        },
    };

    public static IResult Result(HttpContext http, int status, string code, string message) =>
        HttpJson.Json(Body(http, code, message), status);

    public static IResult BadRequest(HttpContext http, string message) => Result(http, 400, "BadRequest", message);

    public static IResult CallNotFound(HttpContext http, string callId) =>
        Result(http, 404, "8522", $"Call not found. Call {callId} does not exist or has ended.");

    public static IResult NotFound(HttpContext http, string id) =>
        Result(http, 404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    /// <summary>Writes an error directly (middleware, where there is no IResult pipeline).</summary>
    public static async Task WriteAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = HttpJson.ContentType;
        await http.Response.WriteAsync(Body(http, code, message).ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }
}
