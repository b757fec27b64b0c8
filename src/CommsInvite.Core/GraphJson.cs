using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommsInvite.Core;

/// <summary>The one set of serializer options every Graph body goes through.</summary>
public static class GraphJson
{
    /// <summary>Reads case-insensitively (the service mixes case) and writes without nulls.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };
}
