using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Hosting;

/// <summary>JSON helpers: responses written from JsonNode so their shape is exactly the wire contract.</summary>
internal static class HttpJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static IResult Json(JsonNode? node, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(node?.ToJsonString() ?? "null", ContentType, Encoding.UTF8, statusCode);

    /// <summary>Reads the body as a JSON object; null when it is empty, not JSON, or not an object.</summary>
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            return node as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A property by name, case-insensitively (Graph accepts either case).</summary>
    public static JsonNode? Get(this JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact)) return exact;
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }

    /// <summary>A string property; null when absent, null, or not a string.</summary>
    public static string? GetString(this JsonObject obj, string name) =>
        obj.Get(name) is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static bool IsPresentButNotString(this JsonObject obj, string name) =>
        obj.Get(name) is { } node && node.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null);

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);
}
