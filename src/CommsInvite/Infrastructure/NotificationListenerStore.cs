using System;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using CommsInvite.Core.Notifications;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// What Start-CsGraphNotificationListener emits: where the listener is, whether it runs, and its counters. The
/// properties are read live, so the object a script kept shows the current state and statistics (and, after
/// Stop-CsGraphNotificationListener, the final ones).
/// </summary>
public sealed class NotificationListenerInfo
{
    private readonly NotificationListener _listener;

    internal NotificationListenerInfo(NotificationListener listener, string appId, IReadOnlyList<string> issuers, Uri openIdConfigurationUri)
    {
        _listener = listener;
        Uri = listener.Uri.AbsoluteUri;
        IsHttps = string.Equals(listener.Uri.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        Port = listener.Port;
        AppId = appId;
        Issuers = issuers;
        OpenIdConfigurationUri = openIdConfigurationUri;
        StartedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// Where Graph must POST: use it (or the public address that leads to it) as the call's callbackUri. A string,
    /// like every callbackUri the cmdlets take, so that `$listener.Uri` prints as one line.
    /// </summary>
    public string Uri { get; }

    public int Port { get; }

    public bool IsHttps { get; }

    public bool IsRunning => _listener.IsRunning;

    /// <summary>The audience a notification token must carry (the bot's application id).</summary>
    public string AppId { get; }

    public IReadOnlyList<string> Issuers { get; }

    /// <summary>Where the token signing keys come from.</summary>
    public Uri OpenIdConfigurationUri { get; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? StoppedAt { get; internal set; }

    /// <summary>Accepted and rejected requests (per reason, with the recent rejections), as of now.</summary>
    public NotificationListenerStatistics Statistics => _listener.GetStatistics();

    internal NotificationListener Listener => _listener;

    /// <summary>The notifications received and not yet drained, oldest first.</summary>
    public IReadOnlyList<CommsNotification> Peek() => _listener.Peek();

    /// <summary>Removes and returns the notifications received so far, oldest first.</summary>
    public IReadOnlyList<CommsNotification> Drain() => _listener.Drain();

    public override string ToString() => $"{Uri} ({(IsRunning ? "running" : "stopped")})";
}

/// <summary>
/// The notification listener lives per runspace, like the connection: Wait-CsGraphInviteOperation in the same
/// runspace finds it, and closing the runspace stops it (it must not keep a port open in a process that lives on).
/// </summary>
internal static class NotificationListenerStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> Listeners = new();

    public static NotificationListenerInfo? Get(Runspace? runspace) =>
        runspace is not null && Listeners.TryGetValue(runspace, out var holder) ? holder.Current : null;

    /// <summary>The runspace's listener when it is running; null otherwise.</summary>
    public static NotificationListenerInfo? GetRunning(Runspace? runspace) =>
        Get(runspace) is { IsRunning: true } info ? info : null;

    /// <summary>Stores <paramref name="info"/> (null removes) and returns the one it replaced.</summary>
    public static NotificationListenerInfo? Exchange(Runspace runspace, NotificationListenerInfo? info)
    {
        var holder = Listeners.GetValue(runspace, CreateHolder);
        lock (holder)
        {
            var previous = holder.Current;
            holder.Current = info;
            return previous;
        }
    }

    /// <summary>Stops the listener and records when; safe to call twice.</summary>
    public static async Task StopAsync(NotificationListenerInfo info)
    {
        await info.Listener.StopAsync().ConfigureAwait(false);
        info.StoppedAt ??= DateTimeOffset.UtcNow;
        info.Listener.Dispose();
    }

    private static Holder CreateHolder(Runspace runspace)
    {
        var holder = new Holder();
        runspace.StateChanged += (_, e) =>
        {
            if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
            {
                NotificationListenerInfo? current;
                lock (holder)
                {
                    current = holder.Current;
                    holder.Current = null;
                }

                if (current is not null)
                {
                    current.StoppedAt ??= DateTimeOffset.UtcNow;
                    current.Listener.Dispose();
                }
            }
        };
        return holder;
    }

    private sealed class Holder
    {
        public NotificationListenerInfo? Current { get; set; }
    }
}
