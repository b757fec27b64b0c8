using System.Diagnostics;
using System.Net;
using System.Text;
using CommsInvite.Core;
using CommsInvite.Core.Calls;

namespace CommsInvite.Benchmarks;

/// <summary>
/// Many invites with the emulator throttling invite POSTs (token bucket → 429 + Retry-After), sent by the core
/// client with a bounded number in flight; then every roster is checked for lost and duplicated invitees.
/// </summary>
internal static class BulkBenchmark
{
    public static async Task<BulkResult> RunAsync(Harness harness, RunSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var users = await harness.RegisterUsersAsync(settings.BulkInvitesPerCall, "bulk");
        var calls = await harness.SeedCallsAsync(settings.BulkCalls);
        var targets = calls.SelectMany(call => users.Select(user => InviteTarget.Create(harness.GraphV1, call, user))).ToList();

        // A bulk job is allowed to wait out throttling for as long as it takes; the defaults (5 retries) are for interactive use.
        using var connection = await harness.ConnectCoreAsync(Core.Http.RetryPolicy.Default with
        {
            MaxRetries = 100,
            MaxTotalTime = TimeSpan.FromMinutes(10),
        });

        var stats = harness.Server.State.Stats;
        var result = new BulkResult
        {
            Invites = targets.Count,
            Calls = calls.Count,
            Concurrency = settings.BulkConcurrency,
            ThrottleAvailable = true,
            AllowedRatePerSecond = settings.BulkRatePerSecond,
        };

        await harness.SetThrottleRateAsync(settings.BulkRatePerSecond);
        try
        {
            // The bucket starts full (one second's worth); empty it first so the burst does not flatter the rate.
            await DrainAsync(harness, calls[0], cancellationToken);

            var duplicatesBefore = stats.DuplicateInvites;
            var throttledBefore = Throttled(stats);
            var receivedBefore = stats.InvitesReceived;
            var retriesBefore = connection.Statistics.Retries;
            var failed = 0;
            log($"  {targets.Count} invites over {calls.Count} calls, {settings.BulkConcurrency} in flight, emulator allows {settings.BulkRatePerSecond}/s");

            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = settings.BulkConcurrency, CancellationToken = cancellationToken }, async (target, ct) =>
            {
                try
                {
                    await connection.Calls.InviteAsync(new InviteRequest
                    {
                        CallId = target.CallId,
                        Participants = { InvitationParticipants.User(target.UserId) },
                        ClientContext = target.ClientContext,
                    }, ct).ConfigureAwait(false);
                }
                catch (CommsInviteException ex)
                {
                    Interlocked.Increment(ref failed);
                    lock (result.FailureSamples)
                    {
                        if (result.FailureSamples.Count < 5) result.FailureSamples.Add($"{ex.ErrorId}: {ex.Message}");
                    }
                }
            }).ConfigureAwait(false);
            clock.Stop();

            result.ElapsedSeconds = clock.Elapsed.TotalSeconds;
            result.AchievedPerSecond = targets.Count / clock.Elapsed.TotalSeconds;
            result.AchievedOverAllowed = result.AchievedPerSecond / settings.BulkRatePerSecond;
            result.FailedCalls = failed;
            result.Throttled429 = Throttled(stats) - throttledBefore;
            result.InvitePostsReceived = stats.InvitesReceived - receivedBefore;
            result.Retries = connection.Statistics.Retries - retriesBefore;

            // Lost: an intended invitee not in its call's roster. Duplicated: the emulator's counter of invites for
            // someone already ringing or joined, plus any identity listed twice in a roster.
            var lost = 0;
            var doubled = 0;
            foreach (var call in calls)
            {
                var roster = harness.Server.State.GetRoster(call);
                var present = roster.Where(e => e.IdentityKind == "user").GroupBy(e => e.IdentityId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
                lost += users.Count(u => !present.ContainsKey(u));
                doubled += present.Values.Sum(n => n - 1);
            }

            if (settings.Diagnose)
            {
                // Accepted invites per 100 ms, to see how the throttled cycle uses the allowance.
                var callSet = new HashSet<string>(calls, StringComparer.OrdinalIgnoreCase);
                var accepted = harness.Server.State.Invites.Where(i => callSet.Contains(i.CallId)).Select(i => i.ReceivedAt).OrderBy(t => t).ToList();
                if (accepted.Count > 0)
                {
                    var first = accepted[0];
                    var bins = accepted.GroupBy(t => (int)((t - first).TotalMilliseconds / 100)).ToDictionary(g => g.Key, g => g.Count());
                    var last = bins.Keys.Max();
                    log("  accepted per 100 ms: " + string.Join(" ", Enumerable.Range(0, last + 1).Select(b => bins.TryGetValue(b, out var n) ? n : 0)));
                }
            }

            result.Lost = lost;
            result.Duplicated = (int)(stats.DuplicateInvites - duplicatesBefore) + doubled;
        }
        finally
        {
            await harness.SetThrottleRateAsync(0);
        }

        return result;
    }

    private static long Throttled(Emulator.EmulatorStats stats) =>
        stats.FaultsInjected.TryGetValue("throttleRate", out var n) ? n : 0;

    /// <summary>Takes tokens with invalid invites (the bucket is checked before the body) until the first 429.</summary>
    private static async Task DrainAsync(Harness harness, string callId, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(harness.CreatePinnedHandler());
        var (token, _) = await harness.FetchTokenAsync(http, cancellationToken);
        var uri = new Uri(harness.GraphV1, $"communications/calls/{callId}/participants/invite");
        for (var i = 0; i < 100_000; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return;
            }
        }

        throw new InvalidOperationException("The emulator never throttled: is throttleRatePerSecond supported?");
    }
}
