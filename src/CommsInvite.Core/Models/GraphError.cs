using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>Graph's error envelope: {"error":{"code","message","innerError":{...}}}.</summary>
internal sealed class GraphErrorEnvelope
{
    [JsonPropertyName("error")] public GraphErrorBody? Error { get; set; }
}

internal sealed class GraphErrorBody
{
    [JsonPropertyName("code")] public string? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("innerError")] public GraphInnerError? InnerError { get; set; }
}

internal sealed class GraphInnerError
{
    [JsonPropertyName("request-id")] public string? RequestId { get; set; }
    [JsonPropertyName("client-request-id")] public string? ClientRequestId { get; set; }
    [JsonPropertyName("date")] public string? Date { get; set; }
}
