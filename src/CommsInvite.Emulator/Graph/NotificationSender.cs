using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;
using CommsInvite.Emulator.Hosting;
using CommsInvite.Emulator.Identity;

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

    private sealed record Pending(bool IsRoster, string ChangeType, string Resource, string ResourceUrl, JsonNode? Data);

    /// <summary>
    /// Queues an invite's completion: a roster "updated" then the operation "deleted". Per call, one sender drains
    /// the queue in order; roster updates waiting together collapse into one that carries the roster as it is when
    /// sent (newer than every completion queued before it), so each operation's notification still follows a
    /// roster update that includes its outcome, and 1,000 invites do not send 1,000 full rosters.
    /// </summary>
    public void EnqueueInviteCompletion(CallRecord call, string rosterResource, string operationResource, JsonNode operationData)
    {
        Enqueue(call, new Pending(true, "updated", rosterResource, $"/communications/calls/{call.Id}/participants", null));
        Enqueue(call, new Pending(false, "deleted", operationResource, operationResource.Replace("/app/calls/", "/communications/calls/", StringComparison.Ordinal), operationData));
    }

    /// <summary>Queues a roster "updated" alone (a participant removed), carrying the roster as it is when sent.</summary>
    public void EnqueueRosterUpdate(CallRecord call) =>
        Enqueue(call, new Pending(true, "updated", $"/communications/calls/{call.Id}/participants", $"/communications/calls/{call.Id}/participants", null));

    /// <summary>Queues a notification about the call itself (after any queued before it).</summary>
    public void EnqueueCallNotification(CallRecord call, string changeType, JsonNode callData) =>
        Enqueue(call, new Pending(false, changeType, $"/communications/calls/{call.Id}", $"/communications/calls/{call.Id}", callData));

    private void Enqueue(CallRecord call, Pending item)
    {
        if (string.IsNullOrEmpty(call.CallbackUri)) return;
        bool start;
        lock (call.NotificationSync)
        {
            call.PendingNotifications.Add(item);
            start = !call.NotificationsDraining;
            call.NotificationsDraining = true;
        }
        if (start) _ = Task.Run(() => DrainAsync(call));
    }

    private async Task DrainAsync(CallRecord call)
    {
        while (true)
        {
            List<object> batch;
            lock (call.NotificationSync)
            {
                if (call.PendingNotifications.Count == 0 || _context.Stopping.IsCancellationRequested)
                {
                    call.NotificationsDraining = false;
                    return;
                }
                batch = new List<object>(call.PendingNotifications);
                call.PendingNotifications.Clear();
            }
            var items = batch.Cast<Pending>().ToArray();
            if (items.FirstOrDefault(p => p.IsRoster) is { } roster)
            {
                JsonArray rosterData;
                lock (call.Sync) rosterData = GraphShapes.Roster(call, _context.State.TenantId);
                await SendAsync(call.Id, call.CallbackUri, call.OwnerClientId, roster.ChangeType, roster.Resource, roster.ResourceUrl, rosterData).ConfigureAwait(false);
            }
            foreach (var item in items.Where(p => !p.IsRoster))
            {
                await SendAsync(call.Id, call.CallbackUri, call.OwnerClientId, item.ChangeType, item.Resource, item.ResourceUrl, item.Data!).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The service's notifications capitalise enum values ("changeType": "Updated", "state": "Established") although the
    /// resource type documents them in camelCase; the emulator sends what real traffic carries, so clients are tested
    /// against it. GET answers keep the documented casing.
    /// </summary>
    internal static string ObservedCasing(string value) =>
        string.IsNullOrEmpty(value) ? value : char.ToUpperInvariant(value[0]) + value.Substring(1);

    private static JsonNode ObservedStateCasing(JsonNode resourceData)
    {
        if (resourceData is not JsonObject call || call["state"] is not JsonValue state || !state.TryGetValue<string>(out var text))
        {
            return resourceData;
        }

        var copy = call.DeepClone().AsObject();
        copy["state"] = ObservedCasing(text);
        return copy;
    }

    public async Task SendAsync(string callId, string? callbackUri, string audience, string changeType, string resource, string resourceUrl, JsonNode resourceData)
    {
        if (string.IsNullOrEmpty(callbackUri)) return;
        var body = GraphShapes.Notifications(ObservedCasing(changeType), resource, resourceUrl, ObservedStateCasing(resourceData)).ToJsonString();
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
