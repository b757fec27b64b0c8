using System.Management.Automation;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommsInvite.Emulator;
using CommsInvite.PowerShell.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CommsInvite.PowerShell.Tests;

/// <summary>The seeds' commsNotifications bodies (the same files the core's parser tests read).</summary>
internal static class NotificationSeeds
{
    public static string Directory => Path.Combine(ModuleLayout.RepoRoot, "tests", "Seeds");

    public static IReadOnlyList<string> Files() =>
        System.IO.Directory.GetFiles(Directory, "*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>Every ```json block of a seed that is a commsNotifications body.</summary>
    public static IReadOnlyList<string> Blocks(string seedFile) =>
        Regex.Matches(File.ReadAllText(seedFile), "```json\\s*\\n(.*?)\\n\\s*```", RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .Where(block => block.Contains("microsoft.graph.commsNotifications", StringComparison.Ordinal))
            .ToList();
}

/// <summary>
/// Notification tokens that are wrong in one way each. The "right" ones are signed with the emulator's own
/// notification key (the running emulator's, which it shares only with its test projects), so only the flaw under test differs.
/// </summary>
internal sealed class NotificationTokenFactory : IDisposable
{
    private readonly RsaSecurityKey _emulatorKey;
    private readonly RSA _forgedRsa = RSA.Create(2048);

    public NotificationTokenFactory(EmulatorServer server)
    {
        _emulatorKey = server.NotificationSigningKey;
        Audience = server.Connection.ClientId;
    }

    public string Audience { get; }

    public string Issuer => EmulatorDefaults.NotificationIssuer;

    public string Valid() => Sign(_emulatorKey, Issuer, Audience, DateTime.UtcNow.AddHours(1));

    /// <summary>Signed by another key that claims the emulator's key id.</summary>
    public string Forged() => Sign(new RsaSecurityKey(_forgedRsa) { KeyId = _emulatorKey.KeyId }, Issuer, Audience, DateTime.UtcNow.AddHours(1));

    /// <summary>Expired an hour ago, well beyond any clock skew.</summary>
    public string Expired() => Sign(_emulatorKey, Issuer, Audience, DateTime.UtcNow.AddHours(-1), notBefore: DateTime.UtcNow.AddHours(-2));

    public string WrongAudience() => Sign(_emulatorKey, Issuer, Guid.NewGuid().ToString(), DateTime.UtcNow.AddHours(1));

    /// <summary>alg "none": a valid-looking token with no signature at all.</summary>
    public string Unsigned()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["nbf"] = now - 60, ["iat"] = now - 60, ["exp"] = now + 3600,
        }));
        return header + "." + payload + ".";
    }

    private static string Sign(SecurityKey key, string issuer, string audience, DateTime expires, DateTime? notBefore = null)
    {
        var start = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _forgedRsa.Dispose();
}

internal static class NotificationPosts
{
    /// <summary>A commsNotifications body for an invite operation that completed.</summary>
    public static string OperationCompleted(string callId, string operationId) => $$$"""
        {"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"deleted",
          "resource":"/app/calls/{{{callId}}}/operations/{{{operationId}}}",
          "resourceUrl":"/communications/calls/{{{callId}}}/operations/{{{operationId}}}",
          "resourceData":{"@odata.type":"#microsoft.graph.inviteParticipantsOperation","id":"{{{operationId}}}",
            "status":"completed","clientContext":"test","participants":[]}}]}
        """;

    /// <summary>POSTs <paramref name="body"/> to the listener with <paramref name="token"/> (none when null); returns the status code.</summary>
    public static async Task<int> PostAsync(Uri listener, string? token, string body)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Post, listener) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>The listener's RejectedByReason as reason name → count, read through PowerShell as a script would.</summary>
    public static Dictionary<string, long> Rejections(PowerShellSession session, string listenerVariable)
    {
        var lines = session.Run($"foreach ($entry in ${listenerVariable}.Statistics.RejectedByReason.GetEnumerator()) {{ '{{0}}={{1}}' -f $entry.Key, $entry.Value }}").ThrowOnError();
        return lines.Output.Select(o => o.ToString().Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static object? Property(PSObject value, string name) => value.Properties[name]?.Value;
}
