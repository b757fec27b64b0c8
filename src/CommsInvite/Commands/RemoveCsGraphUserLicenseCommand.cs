using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Calls;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsGraphUserLicense: the reverse of Set-CsGraphUserLicense (POST /users/{id}/assignLicense with
/// removeLicenses). Part numbers resolve through GET /subscribedSkus. A licence the account does not hold is a
/// warning (LicenseNotAssigned), not an error: removing twice leaves the account as removing once does.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsGraphUserLicense", DefaultParameterSetName = PartNumberSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class RemoveCsGraphUserLicenseCommand : ProvisioningCmdlet
{
    private const string PartNumberSet = "SkuPartNumber";
    private const string SkuIdSet = "SkuId";

    /// <summary>The account: object id or user principal name (binds ObjectId from an application instance).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PartNumberSet)]
    [ArgumentCompleter(typeof(SkuPartNumberCompleter))]
    public string[] SkuPartNumber { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = SkuIdSet)]
    public string[] SkuId { get; set; } = Array.Empty<string>();

    /// <summary>Emits the account (as an application-instance object) so the pipeline can go on.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? ApplicationId { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? PhoneNumber { get; set; }

    /// <summary>Carried from a piped application instance into the -PassThru object.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? Synced { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        // Checked before the first account is touched, so a typo sends nothing.
        for (var i = 0; i < SkuPartNumber.Length; i++)
        {
            SkuPartNumber[i] = ProvisioningInput.RequireSkuPartNumber(SkuPartNumber[i]);
        }

        for (var i = 0; i < SkuId.Length; i++)
        {
            SkuId[i] = InputRules.RequireGuid(SkuId[i], "SkuId");
        }

        if (SkuPartNumber.Length == 0 && SkuId.Length == 0)
        {
            throw new CommsValidationException(ErrorIds.InvalidArgument, ParameterSetName, "No licence was given: pass -SkuPartNumber or -SkuId.");
        }

        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        var applicationId = ProvisioningInput.OptionalApplicationId(ApplicationId);
        var phoneNumber = ProvisioningInput.OptionalPhoneNumber(PhoneNumber, nameof(PhoneNumber));
        var synced = ProvisioningInput.OptionalBoolean(Synced, nameof(Synced));
        return PerRecordAsync(async () =>
        {
            var remover = new LicenseRemovalClient(Connection);
            var plan = await remover.PlanAsync(
                new LicenseRemovalRequest { UserId = identity, SkuPartNumbers = SkuPartNumber.ToList(), SkuIds = SkuId.ToList() },
                cancellationToken).ConfigureAwait(false);
            var user = plan.User;
            if (plan.NotAssigned.Count > 0)
            {
                QueueWarning($"{user} does not hold {ProvisioningText.Join(plan.NotAssigned)}; nothing to remove for {(plan.NotAssigned.Count == 1 ? "it" : "them")} ({CallErrorIds.LicenseNotAssigned}).");
            }

            if (plan.ToRemove.Count > 0)
            {
                if (!await ShouldProcessAsync(user.ToString(), $"Remove licences {ProvisioningText.Join(plan.ToRemove)}").ConfigureAwait(false))
                {
                    return;
                }

                user = await remover.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
            }

            if (PassThru)
            {
                QueueObject(DescribeAccount(user, applicationId, phoneNumber, synced));
            }
        });
    }
}
