using System.Threading;

namespace CommsInvite.Core.Http;

/// <summary>Counters for diagnostics and the chaos tests.</summary>
internal sealed class RequestStatistics
{
    private long _requests;
    private long _attempts;
    private long _retries;
    private long _ambiguous;
    private long _tokenRefreshes;

    public long Requests => Interlocked.Read(ref _requests);
    public long Attempts => Interlocked.Read(ref _attempts);
    public long Retries => Interlocked.Read(ref _retries);
    public long AmbiguousFailures => Interlocked.Read(ref _ambiguous);
    public long ForcedTokenRefreshes => Interlocked.Read(ref _tokenRefreshes);

    internal void Request() => Interlocked.Increment(ref _requests);
    internal void Attempt() => Interlocked.Increment(ref _attempts);
    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void Ambiguous() => Interlocked.Increment(ref _ambiguous);
    internal void TokenRefresh() => Interlocked.Increment(ref _tokenRefreshes);

    public override string ToString() =>
        $"requests {Requests}, attempts {Attempts}, retries {Retries}, ambiguous {AmbiguousFailures}, token refreshes {ForcedTokenRefreshes}";
}
