using System.Threading;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// The ILogSink a connection keeps for its whole life. The core may log from any thread at any time; only the
/// cmdlet that is running can write those lines (from its pipeline thread), so the sink forwards to whichever
/// cmdlet is attached and drops lines when none is.
/// </summary>
internal sealed class PipelineLogSink : ILogSink
{
    private ILogSink? _target;

    /// <summary>Routes the lines to <paramref name="target"/> until the returned scope is disposed.</summary>
    public Scope Attach(ILogSink target)
    {
        var previous = Interlocked.Exchange(ref _target, target);
        return new Scope(this, target, previous);
    }

    public void Verbose(string message) => Volatile.Read(ref _target)?.Verbose(message);

    public void Debug(string message) => Volatile.Read(ref _target)?.Debug(message);

    public void Warning(string message) => Volatile.Read(ref _target)?.Warning(message);

    public readonly struct Scope : System.IDisposable
    {
        private readonly PipelineLogSink? _sink;
        private readonly ILogSink? _attached;
        private readonly ILogSink? _previous;

        internal Scope(PipelineLogSink sink, ILogSink attached, ILogSink? previous)
        {
            _sink = sink;
            _attached = attached;
            _previous = previous;
        }

        public void Dispose()
        {
            if (_sink is not null)
            {
                // Only undo our own attachment: a later one (a nested pipeline) stays in place.
                Interlocked.CompareExchange(ref _sink._target, _previous, _attached);
            }
        }
    }
}

/// <summary>Queues the core's lines onto a running cmdlet's verbose, debug and warning streams.</summary>
internal sealed class CmdletLogSink : ILogSink
{
    private readonly System.Action<string> _verbose;
    private readonly System.Action<string> _debug;
    private readonly System.Action<string> _warning;

    public CmdletLogSink(System.Action<string> verbose, System.Action<string> debug, System.Action<string> warning)
    {
        _verbose = verbose;
        _debug = debug;
        _warning = warning;
    }

    public void Verbose(string message) => Try(_verbose, message);

    public void Debug(string message) => Try(_debug, message);

    public void Warning(string message) => Try(_warning, message);

    private static void Try(System.Action<string> write, string message)
    {
        try
        {
            write(message);
        }
        catch (System.OperationCanceledException)
        {
            // The cmdlet is stopping; a diagnostic line must not turn into the failure.
        }
        catch (System.InvalidOperationException)
        {
            // Logged between blocks (a background continuation): nobody to write to.
        }
    }
}
