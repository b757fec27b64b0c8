using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>Error ids the provisioning cmdlets raise themselves (the core's ids are in <see cref="ErrorIds"/>).</summary>
public static class ProvisioningErrorIds
{
    public const string MicrosoftTeamsModuleRequired = "MicrosoftTeamsModuleRequired";
    public const string MicrosoftTeamsCommandFailed = "MicrosoftTeamsCommandFailed";
    public const string InvalidUserPrincipalName = "InvalidUserPrincipalName";
    public const string InvalidIdentity = "InvalidIdentity";
    public const string InvalidNumberType = "InvalidNumberType";
    public const string InvalidAssignmentStatus = "InvalidAssignmentStatus";
    public const string InvalidAssignmentCategory = "InvalidAssignmentCategory";
    public const string InvalidUsageLocation = "InvalidUsageLocation";
    public const string InvalidSkuPartNumber = "InvalidSkuPartNumber";
    public const string NumberTypeMismatch = "NumberTypeMismatch";
}

/// <summary>Input checks made before anything is sent, each with its own stable error id.</summary>
public static class ProvisioningInput
{
    public static string RequireUserPrincipalName(string? value, string parameterName = "UserPrincipalName")
    {
        try
        {
            return InputRules.RequireUserPrincipalName(value, parameterName);
        }
        catch (CommsValidationException ex)
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidUserPrincipalName, parameterName, ex.Message, value);
        }
    }

    /// <summary>An object id (GUID) or a user principal name.</summary>
    public static string RequireIdentity(string? value, string parameterName = "Identity")
    {
        var trimmed = value?.Trim();
        if (InputRules.IsGuid(trimmed))
        {
            return trimmed!;
        }

        try
        {
            return InputRules.RequireUserPrincipalName(trimmed, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidIdentity, parameterName,
                $"'{value}' is neither an object id (GUID) nor a user principal name (user@domain).", value);
        }
    }

    public static readonly string[] NumberTypes = { "CallingPlan", "DirectRouting", "OperatorConnect" };

    public static readonly string[] AssignmentStatuses = { "Unassigned", "UserAssigned", "ConferenceAssigned", "VoiceApplicationAssigned", "ThirdPartyAppAssigned", "PolicyAssigned" };

    /// <summary>CallingPlan | DirectRouting | OperatorConnect (any case) → Graph's callingPlan | directRouting | operatorConnect.</summary>
    public static string RequireNumberType(string? value, string parameterName = "NumberType")
    {
        try
        {
            return NumberAssignmentClient.NormalizeNumberType(value, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidNumberType, parameterName,
                $"'{value}' is not a number type: use {string.Join(", ", NumberTypes)}.", value);
        }
    }

    public static string RequireAssignmentStatus(string? value, string parameterName = "PstnAssignmentStatus")
    {
        try
        {
            return NumberAssignmentClient.NormalizeAssignmentStatus(value, parameterName);
        }
        catch (CommsValidationException)
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidAssignmentStatus, parameterName,
                $"'{value}' is not an assignment status: use {string.Join(", ", AssignmentStatuses)}.", value);
        }
    }

    public static string RequireAssignmentCategory(string? value, string parameterName = "AssignmentCategory")
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null:
            case "":
            case "primary":
                return "primary";
            case "private":
                return "private";
            default:
                throw new CommsValidationException(ProvisioningErrorIds.InvalidAssignmentCategory, parameterName,
                    $"'{value}' is not an assignment category: use Primary or Private.", value);
        }
    }

    public static string RequireUsageLocation(string? value, string parameterName = "UsageLocation")
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length != 2 || !trimmed.All(c => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidUsageLocation, parameterName,
                $"'{value}' is not a usage location: expected a two-letter ISO 3166 country code such as US.", value);
        }

        return trimmed.ToUpperInvariant();
    }

    public static string RequireSkuPartNumber(string? value, string parameterName = "SkuPartNumber")
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0 || trimmed.Length > 128 || !trimmed.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))
        {
            throw new CommsValidationException(ProvisioningErrorIds.InvalidSkuPartNumber, parameterName,
                $"'{value}' is not a SKU part number (letters, digits and _ such as PHONESYSTEM_VIRTUALUSER).", value);
        }

        return trimmed;
    }

    /// <summary>
    /// An application id carried in from the pipeline (a piped instance may have none): blank is none (null),
    /// anything else must be a GUID, so a malformed one fails here instead of reaching the output or the service.
    /// </summary>
    public static string? OptionalApplicationId(string? value, string parameterName = "ApplicationId") =>
        string.IsNullOrWhiteSpace(value) ? null : InputRules.RequireGuid(value, parameterName);

    /// <summary>A phone number that may be absent ("tel:" accepted): blank is none (null), anything else must be E.164.</summary>
    public static string? OptionalPhoneNumber(string? value, string parameterName)
    {
        var plain = PlainPhoneNumber(value);
        return plain is null ? null : InputRules.RequirePhoneNumber(plain, parameterName);
    }

    /// <summary>"tel:+1234" (MicrosoftTeams' spelling) → "+1234"; empty → null.</summary>
    public static string? PlainPhoneNumber(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return trimmed!.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? trimmed.Substring(4) : trimmed;
    }
}

/// <summary>
/// Base of the application-instance cmdlets. Against the emulator (a CommsInvite session with Environment
/// Emulator) they use its REST surface on a task, like every other cmdlet. Anywhere else there is no public Graph
/// API for application instances, so they run the MicrosoftTeams module's own cmdlets, on the pipeline thread
/// (PowerShell commands may only run there), and map what those return.
/// </summary>
public abstract class ApplicationInstanceCmdlet : AsyncCmdlet
{
    private GraphSession? _session;
    private PipelineLogSink.Scope _logScope;

    /// <summary>How long a re-try loop waits between attempts against MicrosoftTeams.</summary>
    internal static readonly TimeSpan TeamsRetryInterval = TimeSpan.FromSeconds(2);

    protected bool UsesEmulator => _session is not null && _session.Connection.Context.Environment == CloudEnvironment.Emulator;

    protected ApplicationInstanceClient Instances =>
        _session?.Connection.ApplicationInstances ?? throw new InvalidOperationException("No emulator session.");

    protected MicrosoftTeamsBridge Teams { get; private set; } = null!;

    /// <summary>The MicrosoftTeams command this cmdlet runs against the real service.</summary>
    protected abstract string TeamsCommandName { get; }

    protected override void BeginProcessing()
    {
        _session = SessionStore.Get(Runspace.DefaultRunspace);

        // Input checks first: bad input is rejected whichever way the work would go.
        base.BeginProcessing();
        if (!UsesEmulator)
        {
            Teams = MicrosoftTeamsBridge.Require(this, TeamsCommandName);
        }
    }

    protected override void ProcessRecord()
    {
        if (UsesEmulator)
        {
            base.ProcessRecord();
            return;
        }

        try
        {
            ProcessWithMicrosoftTeams();
        }
        catch (CommsValidationException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        catch (CommsInviteException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }

    protected override void EndProcessing()
    {
        if (UsesEmulator)
        {
            base.EndProcessing();
        }
    }

    /// <summary>The real-service path, on the pipeline thread.</summary>
    protected abstract void ProcessWithMicrosoftTeams();

    protected override void OnBlockStarting()
    {
        if (_session is not null)
        {
            _logScope = _session.Log.Attach(new CmdletLogSink(QueueVerbose, QueueDebug, QueueWarning));
        }
    }

    protected override void OnBlockFinished() => _logScope.Dispose();

    /// <summary>Sleeps on the pipeline thread, waking at once when the pipeline stops.</summary>
    protected void PauseOrStop(TimeSpan delay)
    {
        if (StopToken.WaitHandle.WaitOne(delay))
        {
            throw new PipelineStoppedException();
        }
    }

    protected static ProgressRecord SyncProgressRecord(SyncProgress progress, bool completed = false)
    {
        var percent = progress.Timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(99, 100 * progress.Elapsed.TotalMilliseconds / progress.Timeout.TotalMilliseconds);
        return new ProgressRecord(0x5C1, "Sync-CsOnlineApplicationInstance " + progress.Identity, string.IsNullOrEmpty(progress.Message) ? "Waiting for replication" : progress.Message)
        {
            PercentComplete = completed ? 100 : percent,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
    }
}

/// <summary>Runs MicrosoftTeams' cmdlets by their module-qualified names, so ours (same names) never call themselves.</summary>
public sealed class MicrosoftTeamsBridge
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

    private MicrosoftTeamsBridge(PSCmdlet cmdlet)
    {
        _cmdlet = cmdlet;
    }

    /// <summary>Imports MicrosoftTeams when installed; otherwise stops the cmdlet with MicrosoftTeamsModuleRequired.</summary>
    public static MicrosoftTeamsBridge Require(PSCmdlet cmdlet, string commandName)
    {
        string state;
        try
        {
            var result = cmdlet.InvokeCommand.NewScriptBlock(FindScript).Invoke(commandName);
            state = result.Count == 0 ? "missing" : result[result.Count - 1]?.BaseObject?.ToString() ?? "missing";
        }
        catch (RuntimeException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create(ProvisioningErrorIds.MicrosoftTeamsModuleRequired, ErrorCategory.NotInstalled,
                $"{cmdlet.MyInvocation.MyCommand.Name} needs the MicrosoftTeams module against Microsoft 365, and importing it failed: {ex.Message}", ModuleName, ex));
            throw;
        }

        if (state != "ok")
        {
            var why = state == "nocommand"
                ? $"the installed MicrosoftTeams module has no {commandName}; update it (Update-Module MicrosoftTeams)"
                : "it is not installed";
            var record = ErrorRecords.Create(ProvisioningErrorIds.MicrosoftTeamsModuleRequired, ErrorCategory.NotInstalled,
                $"{cmdlet.MyInvocation.MyCommand.Name}: application instances have no public Graph API, so against Microsoft 365 this cmdlet runs MicrosoftTeams\\{commandName}, but {why}. " +
                "Run: Install-Module MicrosoftTeams; Connect-MicrosoftTeams. (Against the emulator, Connect-CsGraph -Environment Emulator first.)",
                ModuleName);
            record.ErrorDetails = new ErrorDetails(record.Exception.Message) { RecommendedAction = "Install-Module MicrosoftTeams; Connect-MicrosoftTeams" };
            cmdlet.ThrowTerminatingError(record);
        }

        return new MicrosoftTeamsBridge(cmdlet);
    }

    /// <summary>Runs MicrosoftTeams\<paramref name="commandName"/>; a failure becomes MicrosoftTeamsCommandFailed.</summary>
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
            throw new CommsInviteException(ProvisioningErrorIds.MicrosoftTeamsCommandFailed, failure,
                $"MicrosoftTeams\\{commandName} failed: {inner.Message}", target, ex);
        }
    }

    /// <summary>Get-CsOnlineApplicationInstance -Identity, or null when it finds nothing (or fails to).</summary>
    public ApplicationInstance? TryGet(string identity)
    {
        try
        {
            var found = Invoke("Get-CsOnlineApplicationInstance", new Hashtable { ["Identity"] = identity }, identity);
            return found.Where(o => o is not null).Select(Map).FirstOrDefault();
        }
        catch (CommsInviteException)
        {
            return null;
        }
    }

    /// <summary>MicrosoftTeams' application instance (ObjectId, UserPrincipalName, ApplicationId, DisplayName, PhoneNumber "tel:+1...").</summary>
    public static ApplicationInstance Map(PSObject value) => new()
    {
        ObjectId = Text(value, "ObjectId") ?? Text(value, "Id") ?? string.Empty,
        UserPrincipalName = Text(value, "UserPrincipalName") ?? string.Empty,
        DisplayName = Text(value, "DisplayName"),
        ApplicationId = Text(value, "ApplicationId"),
        PhoneNumber = ProvisioningInput.PlainPhoneNumber(Text(value, "PhoneNumber")),
        Synced = true,
    };

    private static string? Text(PSObject value, string name)
    {
        var text = value.Properties[name]?.Value?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}

/// <summary>Base of the Graph provisioning cmdlets (licences, numbers): account lookups shared by all.</summary>
public abstract class ProvisioningCmdlet : GraphSessionCmdlet
{
    /// <summary>A GUID is checked to exist; a UPN is looked up to its object id. UserNotFound when absent.</summary>
    protected async Task<Core.Provisioning.GraphUser> ResolveAccountAsync(string identity, CancellationToken cancellationToken) =>
        await Connection.Licenses.GetUserAsync(identity, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The account as an application-instance object, for -PassThru, so a pipeline can go on to the next step:
    /// the emulator's instance when it is one, else built from the directory user and what was piped in.
    /// </summary>
    protected async Task<ApplicationInstance> DescribeAccountAsync(Core.Provisioning.GraphUser user, string? applicationId, string? phoneNumber, CancellationToken cancellationToken)
    {
        if (Connection.ApplicationInstances.IsSupported)
        {
            var instance = await Connection.ApplicationInstances.TryGetAsync(user.Id, cancellationToken).ConfigureAwait(false);
            if (instance is not null)
            {
                return instance;
            }
        }

        return new ApplicationInstance
        {
            ObjectId = user.Id,
            UserPrincipalName = user.UserPrincipalName ?? string.Empty,
            DisplayName = user.DisplayName,
            ApplicationId = string.IsNullOrWhiteSpace(applicationId) ? null : applicationId,
            PhoneNumber = ProvisioningInput.PlainPhoneNumber(phoneNumber),
            Synced = true,
        };
    }

    /// <summary>Runs one pipeline record's work; a service failure is that record's error, not the pipeline's end.</summary>
    protected async Task PerRecordAsync(Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }
}

/// <summary>-NumberType / -PhoneNumberType: CallingPlan, DirectRouting, OperatorConnect.</summary>
public sealed class NumberTypeCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => ProvisioningInput.NumberTypes;
}

/// <summary>-PstnAssignmentStatus: Unassigned, UserAssigned, ...</summary>
public sealed class AssignmentStatusCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => ProvisioningInput.AssignmentStatuses;
}

/// <summary>
/// -SkuPartNumber: the tenant's subscriptions (GET /subscribedSkus, fetched once per connection) when connected,
/// else the part numbers a PSTN bot needs.
/// </summary>
public sealed class SkuPartNumberCompleter : IArgumentCompleter
{
    private static readonly string[] WellKnown = { "PHONESYSTEM_VIRTUALUSER", "MCOPSTN1", "MCOPSTN2", "MCOEV" };
    private static readonly ConditionalWeakTable<GraphConnection, IReadOnlyList<string>> Cache = new();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return PartNumbers()
            .Where(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p))
            .ToList();
    }

    private static IEnumerable<string> PartNumbers()
    {
        var connection = SessionStore.Get(Runspace.DefaultRunspace)?.Connection;
        if (connection is null)
        {
            return WellKnown;
        }

        if (Cache.TryGetValue(connection, out var cached))
        {
            return cached;
        }

        try
        {
            // Completion is synchronous by design; fetch on the thread pool with a short bound so Tab never hangs.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var fetch = Task.Run(() => connection.Licenses.GetSubscribedSkusAsync(timeout.Token), timeout.Token);
            var skus = fetch.GetAwaiter().GetResult();
            IReadOnlyList<string> names = skus.Select(s => s.SkuPartNumber).Where(n => !string.IsNullOrEmpty(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            return Cache.GetValue(connection, _ => names);
        }
        catch (Exception ex) when (ex is CommsInviteException or OperationCanceledException or ObjectDisposedException)
        {
            return WellKnown;
        }
    }
}

internal static class ProvisioningText
{
    public static string Join(IEnumerable<SubscribedSku> skus) => string.Join(", ", skus.Select(s => s.SkuPartNumber));

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
