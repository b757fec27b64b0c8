using System.Text.Json;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>
/// Compares a response with a seed by shape: every property of the seed is present with the same JSON type
/// (a null in the seed matches anything; extra properties are fine since the seeds are truncated); "status" and
/// "changeType" values are compared case-insensitively; an identitySet matches when both hold one identity of
/// the same shape (the seeds' rosters label users as "application" in places).
/// </summary>
internal static class ShapeAssert
{
    private static readonly string[] IdentityKinds = { "user", "guest", "encrypted", "onPremises", "applicationInstance", "application", "device", "phone" };

    public static void Matches(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        if (expected is null) return;
        Assert.True(actual is not null, $"{path}: expected {expected.GetValueKind()}, got null");
        switch (expected)
        {
            case JsonObject expectedObject:
                Assert.True(actual is JsonObject, $"{path}: expected an object, got {actual!.GetValueKind()}");
                var actualObject = (JsonObject)actual!;
                foreach (var (key, value) in expectedObject)
                {
                    if (key == "identity" && value is JsonObject expectedSet)
                    {
                        IdentitySet(expectedSet, actualObject[key], $"{path}.{key}");
                        continue;
                    }
                    Assert.True(actualObject.ContainsKey(key), $"{path}: property '{key}' missing");
                    if ((key is "status" or "changeType") && value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
                    {
                        Assert.Equal(v.GetValue<string>(), actualObject[key]?.GetValue<string>(), ignoreCase: true);
                        continue;
                    }
                    Matches(value, actualObject[key], $"{path}.{key}");
                }
                break;
            case JsonArray expectedArray:
                Assert.True(actual is JsonArray, $"{path}: expected an array, got {actual!.GetValueKind()}");
                var actualArray = (JsonArray)actual!;
                if (expectedArray.Count == 0) return;
                Assert.True(actualArray.Count > 0, $"{path}: expected a non-empty array");
                // Every element of the seed must have a counterpart of the same shape.
                for (var i = 0; i < expectedArray.Count; i++)
                {
                    Exception? last = null;
                    foreach (var candidate in actualArray)
                    {
                        try { Matches(expectedArray[i], candidate, $"{path}[{i}]"); last = null; break; }
                        catch (Xunit.Sdk.XunitException e) { last = e; }
                    }
                    if (last is not null) throw last;
                }
                break;
            default:
                var expectedKind = Normalize(expected.GetValueKind());
                Assert.True(expectedKind == Normalize(actual!.GetValueKind()), $"{path}: expected {expectedKind}, got {actual.GetValueKind()}");
                break;
        }
    }

    private static void IdentitySet(JsonObject expected, JsonNode? actualNode, string path)
    {
        Assert.True(actualNode is JsonObject, $"{path}: expected an identitySet object");
        var actual = (JsonObject)actualNode!;
        var expectedKinds = IdentityKinds.Where(k => expected[k] is JsonObject).ToArray();
        var actualKinds = IdentityKinds.Where(k => actual[k] is JsonObject).ToArray();
        Assert.True(actualKinds.Length == 1, $"{path}: expected exactly one identity, got [{string.Join(",", actualKinds)}]");
        foreach (var nullKind in IdentityKinds.Where(k => expected.ContainsKey(k) && expected[k] is null))
            Assert.True(actual.ContainsKey(nullKind), $"{path}: property '{nullKind}' (null in the seed) missing");
        if (expected["@odata.type"] is not null) Assert.True(actual.ContainsKey("@odata.type"), $"{path}: '@odata.type' missing");
        if (expectedKinds.Length == 1) Matches(expected[expectedKinds[0]], actual[actualKinds[0]], $"{path}.{actualKinds[0]}");
    }

    private static JsonValueKind Normalize(JsonValueKind kind) => kind == JsonValueKind.False ? JsonValueKind.True : kind;
}
