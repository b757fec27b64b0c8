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

    /// <summary>Connect-CsGraph -Name ("Default" when none was given).</summary>
    public string Name => Connection.Name;

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
/// test run) each have their own, and one's Disconnect-CsGraph never ends the other's. A runspace holds any number
/// of named connections (an admin signed in as themselves, a bot's application); the one made last is the current
/// one, which cmdlets use when -Connection does not name another.
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new();

    /// <summary>The current connection (the one made last), or null.</summary>
    public static GraphSession? Get(Runspace? runspace)
    {
        if (runspace is null || !Sessions.TryGetValue(runspace, out var holder))
        {
            return null;
        }

        lock (holder)
        {
            return holder.Sessions.Count == 0 ? null : holder.Sessions[holder.Sessions.Count - 1];
        }
    }

    /// <summary>The connection of that name (case-insensitive), or null.</summary>
    public static GraphSession? Get(Runspace? runspace, string name)
    {
        if (runspace is null || !Sessions.TryGetValue(runspace, out var holder))
        {
            return null;
        }

        lock (holder)
        {
            return holder.Sessions.Find(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Every connection, oldest first (the last is the current one).</summary>
    public static IReadOnlyList<GraphSession> List(Runspace? runspace)
    {
        if (runspace is null || !Sessions.TryGetValue(runspace, out var holder))
        {
            return Array.Empty<GraphSession>();
        }

        lock (holder)
        {
            return holder.Sessions.ToArray();
        }
    }

    /// <summary>Stores <paramref name="session"/> as the current one; returns the one of the same name it replaces.</summary>
    public static GraphSession? Add(Runspace runspace, GraphSession session)
    {
        var holder = Sessions.GetValue(runspace, _ => new Holder());
        lock (holder)
        {
            var index = holder.Sessions.FindIndex(s => string.Equals(s.Name, session.Name, StringComparison.OrdinalIgnoreCase));
            GraphSession? previous = null;
            if (index >= 0)
            {
                previous = holder.Sessions[index];
                holder.Sessions.RemoveAt(index);
            }

            holder.Sessions.Add(session);
            return previous;
        }
    }

    /// <summary>Removes and returns the named connection (the current one when name is null); null when there is none.</summary>
    public static GraphSession? Remove(Runspace runspace, string? name)
    {
        if (!Sessions.TryGetValue(runspace, out var holder))
        {
            return null;
        }

        lock (holder)
        {
            var index = name is null
                ? holder.Sessions.Count - 1
                : holder.Sessions.FindIndex(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }

            var removed = holder.Sessions[index];
            holder.Sessions.RemoveAt(index);
            return removed;
        }
    }

    private sealed class Holder
    {
        public List<GraphSession> Sessions { get; } = new();
    }
}
