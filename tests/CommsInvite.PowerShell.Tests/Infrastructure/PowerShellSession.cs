using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SMA = System.Management.Automation;

namespace CommsInvite.PowerShell.Tests.Infrastructure;

/// <summary>What one script produced on every stream.</summary>
public sealed class ScriptResult
{
    public required IReadOnlyList<PSObject> Output { get; init; }
    public required IReadOnlyList<ErrorRecord> Errors { get; init; }
    public required IReadOnlyList<string> Verbose { get; init; }
    public required IReadOnlyList<string> Debug { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required IReadOnlyList<ProgressRecord> Progress { get; init; }
    public required IReadOnlyList<InformationRecord> Information { get; init; }

    /// <summary>The terminating error, if the script stopped with one.</summary>
    public Exception? Terminating { get; init; }

    /// <summary>Every error, terminating or not, as ErrorRecords.</summary>
    public IEnumerable<ErrorRecord> AllErrors =>
        Terminating is IContainsErrorRecord withRecord ? Errors.Append(withRecord.ErrorRecord) : Errors;

    /// <summary>Everything the script wrote to any stream, for assertions that a secret appears nowhere.</summary>
    public string AllText()
    {
        var parts = new List<string>();
        parts.AddRange(Output.Select(o => o?.ToString() ?? string.Empty));
        parts.AddRange(Output.Where(o => o is not null).SelectMany(o => o.Properties.Select(p => $"{p.Name}={SafeValue(p)}")));
        parts.AddRange(AllErrors.Select(e => e.ToString() + " " + e.FullyQualifiedErrorId + " " + e.ErrorDetails?.Message + " " + e.Exception));
        parts.AddRange(Verbose);
        parts.AddRange(Debug);
        parts.AddRange(Warnings);
        parts.AddRange(Information.Select(i => i.MessageData?.ToString() ?? string.Empty));
        return string.Join("\n", parts);
    }

    public ScriptResult ThrowOnError()
    {
        var errors = AllErrors.ToList();
        if (errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("The script failed:\n" + string.Join("\n", errors.Select(Describe)));
        }

        return this;
    }

    public static string Describe(ErrorRecord error) =>
        $"{error.FullyQualifiedErrorId} [{error.CategoryInfo.Category}] {error.Exception.Message}" +
        (error.ErrorDetails?.Message is { } details ? " / " + details : string.Empty);

    private static string SafeValue(PSPropertyInfo property)
    {
        try
        {
            return property.Value?.ToString() ?? string.Empty;
        }
        catch (Exception ex) when (ex is GetValueException or ExtendedTypeSystemException)
        {
            return string.Empty;
        }
    }
}

/// <summary>
/// A real PowerShell 7.6 engine (CreateDefault2: Microsoft.PowerShell.Core only) in its own runspace.
/// Scripts run one at a time; variables set with <see cref="SetVariable"/> carry between them.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public Runspace Runspace => _runspace;

    public void SetVariable(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public object? GetVariable(string name) => _runspace.SessionStateProxy.GetVariable(name);

    /// <summary>Imports the built module (out/CommsInvite/&lt;ver&gt;/CommsInvite.psd1).</summary>
    public ScriptResult ImportModule(bool force = false) =>
        Run("Import-Module -Name $args[0] -ErrorAction Stop" + (force ? " -Force" : string.Empty), ModuleLayout.BuiltManifestPath)
            .ThrowOnError();

    /// <summary>Runs <paramref name="script"/> (arguments in $args) and collects every stream.</summary>
    public ScriptResult Run(string script, params object?[] arguments) =>
        RunAsync(script, CancellationToken.None, arguments).GetAwaiter().GetResult();

    /// <summary>Runs a script; <paramref name="stop"/> stops the pipeline the way Ctrl+C does.</summary>
    public async Task<ScriptResult> RunAsync(string script, CancellationToken stop, params object?[] arguments)
    {
        using var ps = SMA.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var argument in arguments)
        {
            ps.AddArgument(argument);
        }

        var output = new PSDataCollection<PSObject>();
        Exception? terminating = null;
        using (stop.Register(() => ps.BeginStop(null, null)))
        {
            try
            {
                await ps.InvokeAsync<PSObject, PSObject>(null, output).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RuntimeException or PipelineStoppedException or CmdletInvocationException or ActionPreferenceStopException or ParameterBindingException)
            {
                terminating = ex;
            }
        }

        return new ScriptResult
        {
            Output = output.ToList(),
            Errors = ps.Streams.Error.ToList(),
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Debug = ps.Streams.Debug.Select(d => d.Message).ToList(),
            Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
            Progress = ps.Streams.Progress.ToList(),
            Information = ps.Streams.Information.ToList(),
            Terminating = terminating,
        };
    }

    public void Dispose() => _runspace.Dispose();
}
