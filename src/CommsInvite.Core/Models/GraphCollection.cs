using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>A Graph collection response: {"@odata.context", "value": [...], "@odata.nextLink"}.</summary>
internal sealed class GraphCollection<T>
{
    [JsonPropertyName("@odata.context")] public string? ODataContext { get; set; }
    [JsonPropertyName("value")] public IList<T> Value { get; set; } = new List<T>();
    [JsonPropertyName("@odata.nextLink")] public string? NextLink { get; set; }
}
