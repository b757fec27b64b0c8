using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;
using CommsInvite.Emulator.Identity;
using Microsoft.Extensions.Logging;

namespace CommsInvite.Emulator.Graph;

/// <summary>POSTs commsNotifications to callback URIs with a signed bearer token. Failures are counted, never thrown.</summary>
internal sealed class NotificationSender : IDisposable
{
    private readonly EmulatorContext _context;
    private readonly ILogger _logger;
    private readonly HttpClient _http;

    public NotificationSender(EmulatorContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 32,
            SslOptions = new SslClientAuthenticationOptions
            {
                // Normal validation; a loopback test receiver's self-signed certificate is trusted by thumbprint only.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None
                    || (certificate is not null && _context.State.Settings.TrustedCallbackThumbprints.Any(t => EmulatorServer.ThumbprintMatches(certificate, t))),
            },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task SendAsync(string callId, string? callbackUri, string audience, string changeType, string resource, string resourceUrl, JsonNode resourceData)
    {
        if (string.IsNullOrEmpty(callbackUri)) return;
        var body = GraphShapes.Notifications(changeType, resource, resourceUrl, resourceData).ToJsonString();
        int? status = null;
        var delivered = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, callbackUri)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenService.IssueNotificationToken(_context, audience));
            request.Headers.TryAddWithoutValidation("client-request-id", Guid.NewGuid().ToString());
            request.Headers.TryAddWithoutValidation("Scenario-Id", Guid.NewGuid().ToString());
            using var response = await _http.SendAsync(request, _context.Stopping.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            delivered = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or InvalidOperationException)
        {
            _logger.LogInformation("Notification to {CallbackUri} failed: {Reason}", callbackUri, e.Message);
        }
        if (delivered) _context.State.Stats.NotificationSent(); else _context.State.Stats.NotificationFailed();
        _context.State.RecordNotification(new NotificationRecord(callId, callbackUri, changeType, resource, body, delivered, status, DateTimeOffset.UtcNow));
    }

    public void Dispose() => _http.Dispose();
}
