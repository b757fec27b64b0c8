using System.Diagnostics;

namespace CommsInvite.Benchmarks;

/// <summary>Summary of a set of durations in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double MedianMs, double P95Ms, double P99Ms, double MeanMs, double MinMs, double MaxMs)
{
    public static LatencySummary Of(IReadOnlyCollection<double> samplesMs)
    {
        if (samplesMs.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = samplesMs.OrderBy(x => x).ToArray();
        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted.Average(), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of a sorted array.</summary>
    public static double Percentile(double[] sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Process CPU time and allocated bytes around a sequential loop. Both are process-wide: the per-invite benchmark
/// runs the emulator in a child process so that they hold the clients' work (and the runtime's: its thread pool, GC
/// and JIT) and not the server's, and interleaves the clients so that the runtime's share falls on all of them alike.
/// </summary>
internal readonly struct CostMeter
{
    private readonly TimeSpan _cpu;
    private readonly long _bytes;
    private readonly long _timestamp;

    private CostMeter(TimeSpan cpu, long bytes, long timestamp)
    {
        _cpu = cpu;
        _bytes = bytes;
        _timestamp = timestamp;
    }

    public static CostMeter Start() => new(Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes(precise: true), Stopwatch.GetTimestamp());

    public (TimeSpan Cpu, long Bytes, TimeSpan Wall) Stop() =>
        (Environment.CpuUsage.TotalTime - _cpu, GC.GetTotalAllocatedBytes(precise: true) - _bytes, Stopwatch.GetElapsedTime(_timestamp));
}

/// <summary>What one client cost over the measured invites.</summary>
internal sealed class ClientTally
{
    public List<double> LatenciesMs { get; } = new();
    public TimeSpan Cpu { get; set; }
    public long Bytes { get; set; }
    public int Count { get; set; }

    public double CpuMicrosecondsPerInvite => Count == 0 ? double.NaN : Cpu.TotalMilliseconds * 1000.0 / Count;

    public double BytesPerInvite => Count == 0 ? double.NaN : (double)Bytes / Count;
}
