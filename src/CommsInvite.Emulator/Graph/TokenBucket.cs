namespace CommsInvite.Emulator.Graph;

/// <summary>A token bucket whose rate is read on every call (so tests can change it at run time).</summary>
internal sealed class TokenBucket
{
    private readonly object _sync = new();
    private double _tokens = double.NaN;
    private long _lastTimestamp;

    /// <summary>Takes a token; when none is left, returns false and the wait until the next one.</summary>
    public bool TryTake(double ratePerSecond, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (ratePerSecond <= 0) return true;
        var capacity = Math.Max(1, ratePerSecond);
        lock (_sync)
        {
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (double.IsNaN(_tokens)) _tokens = capacity;
            else _tokens = Math.Min(capacity, _tokens + System.Diagnostics.Stopwatch.GetElapsedTime(_lastTimestamp, now).TotalSeconds * ratePerSecond);
            _lastTimestamp = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / ratePerSecond);
            return false;
        }
    }
}
