using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using CommsInvite.Core;

namespace CommsInvite.Commands.Infrastructure;

/// <summary>
/// Base of every cmdlet that talks to Graph: the -Connection parameter, which picks one of the runspace's named
/// connections (Connect-CsGraph -Name) by name or by its context object; without it, the connection made last.
/// </summary>
/// <remarks>
/// The parameter lives in its own base class so that <see cref="GraphSessionCmdlet"/> can keep the name
/// <c>Connection</c> for the resolved <see cref="GraphConnection"/> its cmdlets use (it hides this property from C#;
/// PowerShell binds public properties only, so it still sees this one).
/// </remarks>
public abstract class ConnectionSelectingCmdlet : AsyncCmdlet
{
    /// <summary>The connection to use: its name, or the object Connect-CsGraph -PassThru / Get-CsGraphContext returned.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string? Connection { get; set; }

    /// <summary>
    /// The session -Connection names, else the current one; call from BeginProcessing. A name with no connection stops
    /// the cmdlet (ConnectionNotFound); no connection at all returns null (the caller decides: NotConnected, or another backend).
    /// </summary>
    private protected GraphSession? SelectSession()
    {
        var runspace = Runspace.DefaultRunspace;
        var name = Connection;
        if (name is null)
        {
            return SessionStore.Get(runspace);
        }

        var session = SessionStore.Get(runspace, name);
        if (session is null)
        {
            ThrowTerminatingError(ConnectionNotFound(MyInvocation.MyCommand.Name, name));
        }

        return session;
    }

    internal static ErrorRecord ConnectionNotFound(string commandName, string name)
    {
        var names = new List<string>();
        foreach (var session in SessionStore.List(Runspace.DefaultRunspace))
        {
            names.Add(session.Name);
        }

        var known = names.Count == 0 ? "This session has no connection." : $"This session's connections: {string.Join(", ", names)}.";
        var record = ErrorRecords.Create(CommandErrorIds.Connection.ConnectionNotFound, ErrorCategory.ObjectNotFound, $"{commandName}: there is no connection named '{name}'. {known}", name);
        record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = $"Run Connect-CsGraph -Name {name} ..., or pick one of Get-CsGraphContext -ListAvailable." };
        return record;
    }
}

/// <summary>-Connection takes a name or a context object (GraphContext): the object becomes its name.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ConnectionNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            GraphContext context => context.Name,
            _ => inputData,
        };
    }
}

/// <summary>-Connection and -Name: the names of this runspace's connections, the current one last.</summary>
internal sealed class ConnectionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var session in SessionStore.List(Runspace.DefaultRunspace))
        {
            var name = session.Name;
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(FixedListCompleter.CompletionText(name), name, CompletionResultType.ParameterValue, session.Connection.Context.ToString());
            }
        }
    }
}
