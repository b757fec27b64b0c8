using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CommsInvite.Core.Notifications;
using Xunit;
using Xunit.Abstractions;

namespace CommsInvite.Core.Tests.Notifications;

/// <summary>
/// 50 clients each POST 200 signed notifications over kept-alive connections: every one must be answered 202 and
/// delivered. The rate and latency percentiles are printed for docs/notifications.md, never asserted.
/// </summary>
public sealed class ListenerLoadTests : IClassFixture<IssuerFixture>
{
    private const int Clients = 50;
    private const int PerClient = 200;

    private readonly IssuerFixture _issuer;
    private readonly ITestOutputHelper _output;

    public ListenerLoadTests(IssuerFixture issuer, ITestOutputHelper output)
    {
        _issuer = issuer;
        _output = output;
    }

    [Fact]
    public async Task FiftyClientsTimesTwoHundredNotificationsLoseNone()
    {
        var options = new NotificationListenerOptions { QueueCapacity = Clients * PerClient * 2, OperationHistoryCapacity = Clients * PerClient * 2 };
        var listener = await NotificationListener.StartAsync(options, new NotificationTokenValidator(_issuer.Server.ValidatorOptions(), _issuer.Http));
        try
        {
            var token = _issuer.ValidToken();
            var latencies = new ConcurrentBag<double>();
            var failures = new ConcurrentBag<string>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });
                for (var i = 0; i < PerClient; i++)
                {
                    var operationId = $"load-{client}-{i}";
                    var body = "{\"value\":[{\"changeType\":\"Deleted\",\"resource\":\"/app/calls/load-call/operations/" + operationId +
                               "\",\"resourceUrl\":\"/communications/calls/load-call/operations/" + operationId +
                               "\",\"resourceData\":{\"id\":\"" + operationId + "\",\"status\":\"Completed\"}}]}";
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(NotificationPosts.Post(listener.Uri, body, token));
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        failures.Add($"{operationId}: {(int)response.StatusCode}");
                    }
                }
            })));
            clock.Stop();

            var delivered = listener.Drain().OfType<OperationNotification>().Select(n => n.OperationId).ToHashSet();
            var sorted = latencies.OrderBy(l => l).ToArray();
            _output.WriteLine(
                $"{Clients} clients x {PerClient} notifications: {sorted.Length / clock.Elapsed.TotalSeconds:0} per second " +
                $"({clock.Elapsed.TotalSeconds:0.00} s); latency p50 {Percentile(sorted, 0.50):0.0} ms, p99 {Percentile(sorted, 0.99):0.0} ms, " +
                $"max {sorted[^1]:0.0} ms; {Environment.ProcessorCount} cores");

            Assert.Empty(failures);
            Assert.Equal(Clients * PerClient, delivered.Count);
            Assert.Equal(Clients * PerClient, listener.GetStatistics().NotificationsReceived);
            Assert.Equal(0, listener.GetStatistics().NotificationsDropped);
        }
        finally
        {
            await listener.StopAsync();
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
