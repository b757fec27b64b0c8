using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommsInvite.Core.Models;

/// <summary>Reads commsOperation status case-insensitively; writes Graph's camelCase.</summary>
internal sealed class OperationStatusConverter : JsonConverter<OperationStatus>
{
    public override OperationStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return OperationStatus.Unknown;
        }

        return Parse(reader.GetString());
    }

    public override void Write(Utf8JsonWriter writer, OperationStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static OperationStatus Parse(string? text)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "notstarted": return OperationStatus.NotStarted;
            case "running": return OperationStatus.Running;
            case "completed": return OperationStatus.Completed;
            case "failed": return OperationStatus.Failed;
            default: return OperationStatus.Unknown;
        }
    }

    public static string Format(OperationStatus value) => value switch
    {
        OperationStatus.NotStarted => "notStarted",
        OperationStatus.Running => "running",
        OperationStatus.Completed => "completed",
        OperationStatus.Failed => "failed",
        _ => "unknownFutureValue",
    };
}
