using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Commands.Infrastructure;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Sync-CsOnlineApplicationInstance: syncs a new resource account into Teams' voice directory (Agent Provisioning
/// Service). A fresh account takes a while to replicate, so the sync is retried (with progress) until it goes
/// through or -Timeout passes. An instance that is already synced to this application is not synced again unless
/// -Force. -PassThru emits the instance for the next step.
/// </summary>
[Cmdlet(VerbsData.Sync, "CsOnlineApplicationInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SyncCsOnlineApplicationInstanceCommand : ApplicationInstanceCmdlet
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The instance's object id (a UPN is accepted too).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Identity")]
    [ValidateNotNullOrEmpty]
    public string? ObjectId { get; set; }

    /// <summary>The bot's application id; when it differs from the instance's, the instance is bound to it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ApplicationId { get; set; }

    /// <summary>Agent Provisioning callback (MicrosoftTeams backend only).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CallbackUri { get; set; }

    /// <summary>Azure Communication Services resource id (MicrosoftTeams backend only).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AcsResourceId { get; set; }

    /// <summary>Syncs even an instance that is already synced (and is passed through to MicrosoftTeams).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long to keep retrying while the account replicates (seconds or a TimeSpan); 2 minutes by default.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override IEnumerable<string> PassThroughParameters => new[] { "CallbackUri", "AcsResourceId" };

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        if (Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > ApplicationInstanceService.MaxSyncTimeout))
        {
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, "Timeout", $"-Timeout must be positive and at most 1 hour (got {timeout}).", timeout);
        }

        if (ObjectId is not null)
        {
            ProvisioningInput.RequireIdentity(ObjectId, "ObjectId");
        }

        ProvisioningInput.OptionalApplicationId(ApplicationId);
        if (AcsResourceId is not null)
        {
            InputRules.RequireGuid(AcsResourceId, "AcsResourceId");
        }

        if (CallbackUri is not null)
        {
            InputRules.RequireCallbackUri(CallbackUri);
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(ObjectId, "ObjectId");
        var request = new ApplicationInstanceSyncRequest
        {
            ApplicationId = ProvisioningInput.OptionalApplicationId(ApplicationId),
            CallbackUri = CallbackUri?.Trim(),
            AcsResourceId = AcsResourceId?.Trim(),
            Force = Force,
        };
        return PerRecordAsync(() => SyncAsync(identity, request, cancellationToken));
    }

    private async Task SyncAsync(string identity, ApplicationInstanceSyncRequest request, CancellationToken cancellationToken)
    {
        var current = await Instances.GetAsync(identity, cancellationToken).ConfigureAwait(false);
        if (!ApplicationInstanceService.NeedsSync(current, request))
        {
            QueueVerbose($"{current.UserPrincipalName} is already synced (ObjectId {current.ObjectId}); nothing to do.");
            Emit(current);
            return;
        }

        var action = ApplicationInstanceService.Rebinds(current, request)
            ? $"Bind to application {request.ApplicationId} and sync into the Teams voice directory"
            : "Sync into the Teams voice directory";
        if (!await ShouldProcessAsync(current.UserPrincipalName, action).ConfigureAwait(false))
        {
            return;
        }

        var progress = new Progress(this);
        var synced = await Instances.SyncUntilReplicatedAsync(current.ObjectId, request, Timeout ?? DefaultTimeout, progress, cancellationToken).ConfigureAwait(false);
        progress.Complete(synced.UserPrincipalName);
        QueueVerbose($"{synced.UserPrincipalName} is synced.");
        Emit(synced);
    }

    private void Emit(ApplicationInstance instance)
    {
        if (PassThru)
        {
            QueueObject(instance);
        }
    }

    private static ProgressRecord SyncProgressRecord(SyncProgress progress, bool completed = false)
    {
        var percent = progress.Timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(99, 100 * progress.Elapsed.TotalMilliseconds / progress.Timeout.TotalMilliseconds);
        return new ProgressRecord(0x5C1, "Sync-CsOnlineApplicationInstance " + progress.Identity, string.IsNullOrEmpty(progress.Message) ? "Waiting for replication" : progress.Message)
        {
            PercentComplete = completed ? 100 : percent,
            RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
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
