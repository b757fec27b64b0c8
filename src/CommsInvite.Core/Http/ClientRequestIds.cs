using System;
using System.Threading;

namespace CommsInvite.Core.Http;

/// <summary>
/// client-request-id values: GUID-shaped, unique within the process and, with a random base, across processes.
/// </summary>
/// <remarks>
/// <see cref="Guid.NewGuid"/> asks the kernel for random bytes on every call, which costs several microseconds where
/// system calls are expensive (containers, sandboxes), once per request. The id only has to tell one request's log
/// lines from another's, so one random base per process plus a counter is enough.
/// </remarks>
internal static class ClientRequestIds
{
    private static readonly Guid Base = Guid.NewGuid();
    private static long _counter;

    public static string Next()
    {
        var n = (ulong)Interlocked.Increment(ref _counter);
        var bytes = Base.ToByteArray();

        // The counter goes into the last eight bytes (the "node" and clock-sequence fields), leaving the version
        // nibble of the random base untouched so the value still reads as a version-4 GUID.
        for (var i = 0; i < 8; i++)
        {
            bytes[15 - i] ^= (byte)(n >> (8 * i));
        }

        return new Guid(bytes).ToString();
    }
}
