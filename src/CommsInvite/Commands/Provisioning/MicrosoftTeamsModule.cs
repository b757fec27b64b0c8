using System;
using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;

namespace CommsInvite.Commands;

/// <summary>
/// Finds and runs the MicrosoftTeams module's cmdlets by their module-qualified names, so ours (same names) never
/// call themselves. PowerShell commands may only run on the pipeline thread: callers on a task go through
/// <see cref="MicrosoftTeamsApplicationInstanceStore"/>, which marshals there.
/// </summary>
internal sealed class MicrosoftTeamsModule
{
    public const string ModuleName = "MicrosoftTeams";

    private const string FindScript = @"
param([string] $Name)
if (-not (Get-Module -Name MicrosoftTeams)) {
    if (-not (Get-Module -ListAvailable -Name MicrosoftTeams)) { return 'missing' }
    Import-Module -Name MicrosoftTeams -Global -ErrorAction Stop
}
if (Get-Command -Module MicrosoftTeams -Name $Name -ErrorAction SilentlyContinue) { 'ok' } else { 'nocommand' }
";

    private const string InvokeScript = @"
param([string] $Name, [hashtable] $Parameters)
& ""MicrosoftTeams\$Name"" @Parameters -ErrorAction Stop
";

    private readonly PSCmdlet _cmdlet;

    private MicrosoftTeamsModule(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
    }

    /// <summary>Imports MicrosoftTeams when installed; otherwise stops the cmdlet with MicrosoftTeamsModuleRequired.</summary>
    public static MicrosoftTeamsModule Require(PSCmdlet cmdlet, string commandName)
    {
        string state;
        try
        {
            var result = cmdlet.InvokeCommand.NewScriptBlock(FindScript).Invoke(commandName);
            state = result.Count == 0 ? "missing" : result[result.Count - 1]?.BaseObject?.ToString() ?? "missing";
        }
        catch (RuntimeException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(CommandErrorIds.MicrosoftTeams.MicrosoftTeamsModuleRequired, ErrorCategory.NotInstalled,
                $"{cmdlet.MyInvocation.MyCommand.Name} needs the MicrosoftTeams module against Microsoft 365, and importing it failed: {ex.Message}", ModuleName, ex));
            throw;
        }

        if (state != "ok")
        {
            var why = state == "nocommand"
                ? $"the installed MicrosoftTeams module has no {commandName}; update it (Update-Module MicrosoftTeams)"
                : "it is not installed";
            var record = ErrorRecords.Create(CommandErrorIds.MicrosoftTeams.MicrosoftTeamsModuleRequired, ErrorCategory.NotInstalled,
                $"{cmdlet.MyInvocation.MyCommand.Name}: application instances have no public Graph API, so against Microsoft 365 this cmdlet runs MicrosoftTeams\\{commandName}, but {why}. " +
                "Run: Install-Module MicrosoftTeams; Connect-MicrosoftTeams. (Against the emulator, Connect-CsGraph -Environment Emulator first.)",
                ModuleName);
            record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = "Install-Module MicrosoftTeams; Connect-MicrosoftTeams" };
            cmdlet.ThrowTerminatingError(record);
        }

        return new MicrosoftTeamsModule(cmdlet);
    }

    /// <summary>Runs MicrosoftTeams\<paramref name="commandName"/> on the pipeline thread; a failure becomes MicrosoftTeamsCommandFailed.</summary>
    public Collection<PSObject> Invoke(string commandName, IDictionary parameters, object? target)
    {
        try
        {
            return _cmdlet.InvokeCommand.NewScriptBlock(InvokeScript).Invoke(commandName, new Hashtable(parameters));
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            var inner = ex.ErrorRecord?.Exception ?? ex;
            var category = ex.ErrorRecord?.CategoryInfo.Category ?? ErrorCategory.NotSpecified;
            var failure = Enum.TryParse(category.ToString(), out FailureCategory mapped) ? mapped : FailureCategory.InvalidOperation;
            throw new CommsInviteException(CommandErrorIds.MicrosoftTeams.MicrosoftTeamsCommandFailed, failure,
                $"MicrosoftTeams\\{commandName} failed: {inner.Message}", target, ex);
        }
    }
}
