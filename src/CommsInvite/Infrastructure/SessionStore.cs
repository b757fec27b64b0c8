using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>One runspace's connection, with the log sink it reports through and the calls it has seen.</summary>
internal sealed class GraphSession : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<string> _recentCallIds = new();

    public GraphSession(GraphConnection connection, PipelineLogSink log)
    {
        Connection = connection;
        Log = log;
    }

    public GraphConnection Connection { get; }

    public PipelineLogSink Log { get; }

    /// <summary>Call ids this session created or read, newest first (for -CallId completion).</summary>
    public IReadOnlyList<string> RecentCallIds
    {
        get
        {
            lock (_gate)
            {
                return new List<string>(_recentCallIds);
            }
        }
    }

    public void RememberCall(string? callId)
    {
        if (string.IsNullOrEmpty(callId))
        {
            return;
        }

        lock (_gate)
        {
            _recentCallIds.Remove(callId!);
            _recentCallIds.AddFirst(callId!);
            while (_recentCallIds.Count > 50)
            {
                _recentCallIds.RemoveLast();
            }
        }
    }

    /// <summary>Drops a call that has ended from completion.</summary>
    public void ForgetCall(string? callId)
    {
        if (string.IsNullOrEmpty(callId))
        {
            return;
        }

        lock (_gate)
        {
            _recentCallIds.Remove(callId!);
        }
    }

    public void Dispose() => Connection.Dispose();
}

/// <summary>
/// Connections live per runspace: two runspaces in one process (ForEach-Object -Parallel, a hosted engine, a
/// test run) each have their own, and one's Disconnect-CsGraph never ends the other's.
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new();

    public static GraphSession? Get(Runspace? runspace) =>
        runspace is not null && Sessions.TryGetValue(runspace, out var holder) ? holder.Session : null;

    /// <summary>Stores <paramref name="session"/> (null removes) and returns the one it replaced.</summary>
    public static GraphSession? Exchange(Runspace runspace, GraphSession? session)
    {
        var holder = Sessions.GetValue(runspace, _ => new Holder());
        lock (holder)
        {
            var previous = holder.Session;
            holder.Session = session;
            return previous;
        }
    }

    private sealed class Holder
    {
        public GraphSession? Session { get; set; }
    }
}
