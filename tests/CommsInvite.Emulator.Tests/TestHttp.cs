using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace CommsInvite.Emulator.Tests;

/// <summary>HTTP helpers: every client trusts the emulator's certificate by its thumbprint only.</summary>
internal static class TestHttp
{
    public static HttpClient PinnedClient(EmulatorServer emulator) => PinnedClient(emulator.BaseUri, emulator.Connection.CertificateThumbprint);

    public static HttpClient PinnedClient(Uri baseUri, string thumbprint) =>
        new(PinnedHandler(thumbprint)) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>A transport that trusts only the certificate with this SHA-1 thumbprint.</summary>
    public static SocketsHttpHandler PinnedHandler(string thumbprint) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(
                    certificate.GetCertHashString(HashAlgorithmName.SHA1), thumbprint, StringComparison.OrdinalIgnoreCase),
        },
    };

    public static async Task<string> GetTokenAsync(HttpClient http, EmulatorServer emulator, string? clientId = null, string? secret = null)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId ?? emulator.Connection.ClientId,
            ["client_secret"] = secret ?? emulator.Connection.ClientSecret,
            ["scope"] = "https://graph.microsoft.com/.default",
        });
        using var response = await http.PostAsync($"{emulator.Connection.TenantId}/oauth2/v2.0/token", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    public static async Task<HttpClient> AuthorizedClientAsync(EmulatorServer emulator)
    {
        var http = PinnedClient(emulator);
        var token = await GetTokenAsync(http, emulator);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = Json(body);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try { parsed = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { parsed = JsonValue.Create(text); }
        }
        return (response, parsed);
    }
}
