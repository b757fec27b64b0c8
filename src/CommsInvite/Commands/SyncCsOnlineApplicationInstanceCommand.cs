using System;
using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Sync-CsOnlineApplicationInstance: syncs a new resource account into Teams' voice directory. A fresh account
/// takes a while to replicate, so the sync is retried (with progress) until it goes through or -Timeout passes.
/// An instance that is already synced is not synced again. -PassThru emits the instance for the next step.
/// </summary>
[Cmdlet(VerbsData.Sync, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SyncCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Identity")]
    public string? ObjectId { get; set; }

    /// <summary>The bot's application id; when it differs from the instance's, the instance is bound to it first.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ApplicationId { get; set; }

    /// <summary>How long to keep retrying while the account replicates (seconds or a TimeSpan); 2 minutes by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string TeamsCommandName => "Sync-CsOnlineApplicationInstance";

    private TimeSpan Bound => Timeout ?? DefaultTimeout;

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        ValidateTimeout();
        if (ObjectId is not null)
        {
            ProvisioningInput.RequireIdentity(ObjectId, "ObjectId");
        }

        ProvisioningInput.OptionalApplicationId(ApplicationId);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(ObjectId, "ObjectId");
        var applicationId = ApplicationIdOrNull();
        try
        {
            var current = await Instances.GetAsync(identity, cancellationToken).ConfigureAwait(false);
            var rebind = applicationId is not null && !string.Equals(applicationId, current.ApplicationId, StringComparison.OrdinalIgnoreCase);
            if (current.Synced && !rebind)
            {
                QueueVerbose($"{current.UserPrincipalName} is already synced (ObjectId {current.ObjectId}); nothing to do.");
                Emit(current);
                return;
            }

            if (!await ShouldProcessAsync(current.UserPrincipalName, Action(current, rebind)).ConfigureAwait(false))
            {
                return;
            }

            if (rebind)
            {
                current = await Instances.SetAsync(current.ObjectId, null, applicationId, cancellationToken).ConfigureAwait(false);
            }

            var progress = new Progress(this);
            var synced = await Instances.SyncAsync(current.ObjectId, Bound, progress, cancellationToken).ConfigureAwait(false);
            progress.Complete(synced.UserPrincipalName);
            QueueVerbose($"{synced.UserPrincipalName} is synced.");
            Emit(synced);
        }
        catch (CommsInviteException ex) when (ex is not CommsValidationException)
        {
            QueueError(ex);
        }
    }

    protected override void ProcessWithMicrosoftTeams()
    {
        var identity = ProvisioningInput.RequireIdentity(ObjectId, "ObjectId");
        var applicationId = ApplicationIdOrNull();
        var current = Teams.TryGet(identity);
        if (!ShouldProcess(current?.UserPrincipalName ?? identity, "Sync the application instance into the Teams voice directory"))
        {
            return;
        }

        var parameters = new Hashtable { ["ObjectId"] = current?.ObjectId ?? identity };
        if (applicationId is not null)
        {
            parameters["ApplicationId"] = applicationId;
        }

        // MicrosoftTeams reports a not-yet-replicated account as an error; retry those until the bound passes.
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Teams.Invoke(TeamsCommandName, parameters, identity);
                WriteProgress(SyncProgressRecord(new SyncProgress { Identity = identity, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = Bound, Message = "Synced" }, completed: true));
                break;
            }
            catch (CommsInviteException ex) when (LooksUnreplicated(ex))
            {
                var report = new SyncProgress { Identity = identity, Attempt = attempt, Elapsed = clock.Elapsed, Timeout = Bound, Message = $"Not replicated yet (attempt {attempt}): {ex.Message}" };
                WriteProgress(SyncProgressRecord(report));
                WriteVerbose(report.Message);
                if (clock.Elapsed + TeamsRetryInterval > Bound)
                {
                    throw new CommsInviteException(ErrorIds.ApplicationInstanceSyncTimedOut, FailureCategory.OperationTimeout,
                        $"{identity} had not replicated after {ProvisioningText.Seconds(clock.Elapsed)} ({attempt} attempts); run Sync-CsOnlineApplicationInstance again later.", identity, ex);
                }

                PauseOrStop(TeamsRetryInterval);
            }
        }

        if (PassThru)
        {
            var synced = Teams.TryGet(identity) ?? current;
            if (synced is not null)
            {
                WriteObject(synced);
            }
        }
    }

    private void ValidateTimeout()
    {
        if (Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(1)))
        {
            throw new CommsValidationException(ErrorIds.InvalidArgument, "Timeout", $"-Timeout must be positive and at most 1 hour (got {timeout}).", timeout);
        }
    }

    private string? ApplicationIdOrNull() => ProvisioningInput.OptionalApplicationId(ApplicationId);

    private static string Action(ApplicationInstance current, bool rebind) =>
        rebind ? $"Bind to application {current.ApplicationId} and sync into the Teams voice directory" : "Sync into the Teams voice directory";

    private static bool LooksUnreplicated(CommsInviteException ex)
    {
        var text = ex.Message;
        return text.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0
            || text.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0
            || text.IndexOf("replicat", StringComparison.OrdinalIgnoreCase) >= 0
            || text.IndexOf("try again", StringComparison.OrdinalIgnoreCase) >= 0
            || ex.Category == FailureCategory.ObjectNotFound;
    }

    private void Emit(ApplicationInstance instance)
    {
        if (PassThru)
        {
            QueueObject(instance);
        }
    }

    /// <summary>The core reports each attempt from its task; the record is written on the pipeline thread.</summary>
    private sealed class Progress : IProgress<SyncProgress>
    {
        private readonly SyncCsOnlineApplicationInstanceCommand _owner;
        private SyncProgress? _last;

        public Progress(SyncCsOnlineApplicationInstanceCommand owner) => _owner = owner;

        public void Report(SyncProgress value)
        {
            _last = value;
            _owner.QueueProgress(SyncProgressRecord(value));
            if (value.Attempt > 1 || !value.Message.EndsWith("synced.", StringComparison.Ordinal))
            {
                _owner.QueueVerbose(value.Message);
            }
        }

        public void Complete(string identity) =>
            _owner.QueueProgress(SyncProgressRecord(_last ?? new SyncProgress { Identity = identity, Message = "Synced" }, completed: true));
    }
}
