using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CommsInvite.Core.Models;

namespace CommsInvite.Core;

/// <summary>The one set of serializer options every Graph body goes through.</summary>
internal static class GraphJson
{
    /// <summary>
    /// Reads case-insensitively (the service mixes case) and writes camelCase without nulls. Types in
    /// <see cref="GraphJsonContext"/> use its generated code; anything else (provisioning bodies, dictionaries)
    /// falls back to reflection.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(GraphJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

/// <summary>
/// Serialisation code generated at build time for the bodies of the calls API, the hottest path (invites are sent
/// thousands of times in a row): no reflection or metadata building at run time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InviteParticipantsBody))]
[JsonSerializable(typeof(InviteParticipantsOperation))]
[JsonSerializable(typeof(Call))]
[JsonSerializable(typeof(GraphCollection<Call>))]
[JsonSerializable(typeof(GraphCollection<Participant>))]
[JsonSerializable(typeof(GraphErrorEnvelope))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class GraphJsonContext : JsonSerializerContext
{
}
