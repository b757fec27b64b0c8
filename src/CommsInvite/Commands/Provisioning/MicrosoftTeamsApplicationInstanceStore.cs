using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// The real-service backend of <see cref="IApplicationInstanceStore"/>: MicrosoftTeams' own cmdlets, found by their
/// module-qualified names (so ours, which have the same names, never call themselves) and run on the pipeline thread,
/// the only thread where PowerShell commands may run (the cmdlet's task awaits them like HTTP requests, and Ctrl+C
/// still stops the pipeline). Every documented parameter is passed through as given.
/// </summary>
internal sealed class MicrosoftTeamsApplicationInstanceStore : IApplicationInstanceStore
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

    private readonly AsyncCmdlet _cmdlet;

    private MicrosoftTeamsApplicationInstanceStore(AsyncCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
    }

    public string Name => ModuleName;

    /// <summary>MicrosoftTeams asks for a new account a while longer than the emulator does.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Imports MicrosoftTeams when installed; otherwise stops the cmdlet with MicrosoftTeamsModuleRequired.</summary>
    public static MicrosoftTeamsApplicationInstanceStore Require(AsyncCmdlet cmdlet, string commandName)
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

        return new MicrosoftTeamsApplicationInstanceStore(cmdlet);
    }

    public bool Supports(string commandName, string parameterName) => true;

    public async Task<ApplicationInstance?> TryGetAsync(string identity, CancellationToken cancellationToken)
    {
        try
        {
            var found = await RunAsync("Get-CsOnlineApplicationInstance", new Hashtable { ["Identity"] = identity }, identity).ConfigureAwait(false);
            return found.FirstOrDefault();
        }
        catch (CommsInviteException ex) when (KindOf(ex) == MicrosoftTeamsFailureKind.NotFound)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<ApplicationInstance>> ListAsync(ApplicationInstanceQuery query, CancellationToken cancellationToken)
    {
        var parameters = new Hashtable();
        if (query.Identities.Count > 0)
        {
            parameters["Identities"] = string.Join(",", query.Identities);
        }

        if (query.ResultSize is { } size)
        {
            parameters["ResultSize"] = size;
        }

        if (query.Skip is { } skip)
        {
            parameters["Skip"] = skip;
        }

        AddSwitch(parameters, "Force", query.Force);
        return RunAsync("Get-CsOnlineApplicationInstance", parameters, null);
    }

    public async Task<ApplicationInstance> CreateAsync(ApplicationInstanceSpec spec, CancellationToken cancellationToken)
    {
        var parameters = new Hashtable { ["UserPrincipalName"] = spec.UserPrincipalName };
        AddText(parameters, "ApplicationId", spec.ApplicationId);
        AddText(parameters, "DisplayName", spec.DisplayName);
        AddSwitch(parameters, "Force", spec.Force);
        var created = await RunAsync("New-CsOnlineApplicationInstance", parameters, spec.UserPrincipalName).ConfigureAwait(false);
        return created.FirstOrDefault()
            ?? await TryGetAsync(spec.UserPrincipalName, cancellationToken).ConfigureAwait(false)
            ?? throw ApplicationInstanceService.NotFound(spec.UserPrincipalName, Name);
    }

    public async Task<ApplicationInstance> UpdateAsync(string objectId, ApplicationInstanceChanges changes, CancellationToken cancellationToken)
    {
        var parameters = new Hashtable { ["Identity"] = objectId };
        AddText(parameters, "DisplayName", changes.DisplayName);
        AddText(parameters, "ApplicationId", changes.ApplicationId);
        AddText(parameters, "AcsResourceId", changes.AcsResourceId);
        AddText(parameters, "OnpremPhoneNumber", changes.OnpremPhoneNumber);
        AddSwitch(parameters, "Force", changes.Force);
        var output = await RunAsync("Set-CsOnlineApplicationInstance", parameters, objectId).ConfigureAwait(false);
        return output.FirstOrDefault()
            ?? await TryGetAsync(objectId, cancellationToken).ConfigureAwait(false)
            ?? throw ApplicationInstanceService.NotFound(objectId, Name);
    }

    public async Task<SyncAttempt> TrySyncAsync(string objectId, ApplicationInstanceSyncRequest request, CancellationToken cancellationToken)
    {
        var parameters = new Hashtable { ["ObjectId"] = objectId };
        AddText(parameters, "ApplicationId", request.ApplicationId);
        AddText(parameters, "CallbackUri", request.CallbackUri);
        AddText(parameters, "AcsResourceId", request.AcsResourceId);
        AddSwitch(parameters, "Force", request.Force);
        try
        {
            await RunAsync("Sync-CsOnlineApplicationInstance", parameters, objectId).ConfigureAwait(false);
            return new SyncAttempt { Done = true };
        }
        catch (CommsInviteException ex) when (KindOf(ex) is MicrosoftTeamsFailureKind.NotFound or MicrosoftTeamsFailureKind.Transient)
        {
            // A new account takes a while to reach the Teams service; until then it is not found there.
            return new SyncAttempt { Done = false, RetryAfter = RetryInterval, Message = ex.Message };
        }
        catch (CommsInviteException ex) when (ex.ErrorId == CommandErrorIds.MicrosoftTeams.MicrosoftTeamsCommandFailed)
        {
            // The mapping exists (MicrosoftTeams' documentation, example 2, shows this failure only by its English
            // text, so the instance's own ApplicationId decides as well): the instance is synced.
            if (KindOf(ex) == MicrosoftTeamsFailureKind.AlreadyExists ||
                await IsMappedAlreadyAsync(objectId, request, cancellationToken).ConfigureAwait(false))
            {
                return new SyncAttempt { Done = true, Message = "already synced" };
            }

            throw;
        }
    }

    /// <summary>
    /// Whether the instance already carries the application id a sync asks for: MicrosoftTeams says an instance
    /// created with an application id needs no sync, so a sync that fails for it changes nothing. Not with -Force,
    /// which asks for the sync itself: its failure is reported.
    /// </summary>
    private async Task<bool> IsMappedAlreadyAsync(string objectId, ApplicationInstanceSyncRequest request, CancellationToken cancellationToken)
    {
        if (request.Force || string.IsNullOrEmpty(request.ApplicationId))
        {
            return false;
        }

        try
        {
            var instance = await TryGetAsync(objectId, cancellationToken).ConfigureAwait(false);
            return instance?.ApplicationId is { } current && string.Equals(current, request.ApplicationId, StringComparison.OrdinalIgnoreCase);
        }
        catch (CommsInviteException)
        {
            // The sync's own failure is the one to report.
            return false;
        }
    }

    /// <summary>MicrosoftTeams' application instance (ObjectId, TenantId, UserPrincipalName, ApplicationId, DisplayName, PhoneNumber "tel:+1...").</summary>
    internal static ApplicationInstance Map(PSObject value) => new()
    {
        ObjectId = Text(value, "ObjectId") ?? Text(value, "Id") ?? string.Empty,
        TenantId = Text(value, "TenantId"),
        UserPrincipalName = Text(value, "UserPrincipalName") ?? string.Empty,
        DisplayName = Text(value, "DisplayName"),
        ApplicationId = Text(value, "ApplicationId"),
        PhoneNumber = ProvisioningInput.PlainPhoneNumber(Text(value, "PhoneNumber")),
        AcsResourceId = Text(value, "AcsResourceId"),

        // MicrosoftTeams does not say whether an instance is synced; a sync is always attempted through it.
        Synced = false,
    };

    private async Task<IReadOnlyList<ApplicationInstance>> RunAsync(string command, Hashtable parameters, object? target)
    {
        var output = await _cmdlet.OnPipelineThreadAsync(() => Invoke(command, parameters, target)).ConfigureAwait(false);
        return output.Where(o => o is not null).Select(Map).ToArray();
    }

    /// <summary>Runs MicrosoftTeams\<paramref name="commandName"/> on the pipeline thread; a failure becomes MicrosoftTeamsCommandFailed.</summary>
    private Collection<PSObject> Invoke(string commandName, IDictionary parameters, object? target)
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

    private static void AddText(Hashtable parameters, string name, string? value)
    {
        if (value is not null)
        {
            parameters[name] = value;
        }
    }

    private static void AddSwitch(Hashtable parameters, string name, bool value)
    {
        if (value)
        {
            parameters[name] = new SwitchParameter(true);
        }
    }

    /// <summary>How MicrosoftTeams' failure inside <paramref name="ex"/> is to be read (by its error record, never its text).</summary>
    private static MicrosoftTeamsFailureKind KindOf(CommsInviteException ex) =>
        MicrosoftTeamsFailure.Classify((ex.InnerException as IContainsErrorRecord)?.ErrorRecord);

    private static string? Text(PSObject value, string name)
    {
        var text = value.Properties[name]?.Value?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
