namespace CommsInvite.Core;

/// <summary>
/// Where the core sends diagnostic messages. The core never writes to the console: cmdlets queue these and
/// write them from the pipeline thread. Implementations may be called from any thread.
/// Nothing passed here ever contains a token or a secret.
/// </summary>
internal interface ILogSink
{
    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);
}

/// <summary>A sink that drops everything (used when the caller passes none).</summary>
internal sealed class NullLogSink : ILogSink
{
    public static readonly NullLogSink Instance = new();

    private NullLogSink()
    {
    }

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Warning(string message)
    {
    }
}
