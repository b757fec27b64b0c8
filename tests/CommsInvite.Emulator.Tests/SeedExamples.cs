using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CommsInvite.Emulator.Tests;

/// <summary>One of the seeds' examples: the invite request, its response, and the two notifications.</summary>
internal sealed record SeedExample(int Number, string RequestPath, JsonObject Request, JsonObject Response, JsonObject RosterNotification, JsonObject OperationNotification);

/// <summary>Extracts the JSON blocks of the seeds (the wire contract) from the copies in Seeds/.</summary>
internal static partial class SeedExamples
{
    [GeneratedRegex(@"```[ \t]*(\w*)[ \t]*\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fence();

    public static IReadOnlyList<SeedExample> Load(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", fileName));
        var examples = new List<SeedExample>();
        string? path = null;
        JsonObject? request = null, response = null, roster = null, operation = null;
        void Flush()
        {
            if (request is null) return;
            examples.Add(new SeedExample(examples.Count + 1, path!, request, response!, roster!, operation!));
            request = response = roster = operation = null;
        }

        foreach (Match match in Fence().Matches(text))
        {
            var block = match.Groups[2].Value.Trim();
            if (block.StartsWith("POST ", StringComparison.Ordinal) && block.Contains("/participants/invite", StringComparison.Ordinal)
                && block.Contains("\n\n", StringComparison.Ordinal))
            {
                Flush();
                var firstLine = block[..block.IndexOf('\n')].Trim();
                path = firstLine.Split(' ')[1].Replace("https://graph.microsoft.com", "", StringComparison.Ordinal);
                if (!path.StartsWith("/beta/", StringComparison.Ordinal)) path = "/beta" + path;
                request = JsonBody(block);
            }
            else if (block.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                response = JsonBody(block);
            }
            else if (block.StartsWith('{') && JsonNode.Parse(block) is JsonObject notification
                     && notification["@odata.type"]?.GetValue<string>() == "#microsoft.graph.commsNotifications")
            {
                var changeType = notification["value"]![0]!["changeType"]!.GetValue<string>();
                if (string.Equals(changeType, "updated", StringComparison.OrdinalIgnoreCase)) roster = notification; else operation = notification;
            }
        }
        Flush();
        return examples;
    }

    private static JsonObject JsonBody(string httpBlock)
    {
        // Headers, a blank line, then the body (the request line itself may hold "{id}").
        var normalized = httpBlock.Replace("\r\n", "\n", StringComparison.Ordinal);
        var blank = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        return JsonNode.Parse(normalized[(blank + 2)..])!.AsObject();
    }
}
