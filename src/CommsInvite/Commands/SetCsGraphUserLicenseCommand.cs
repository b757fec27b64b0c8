using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core;
using CommsInvite.Core.Provisioning;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsGraphUserLicense: assigns licences through Graph (POST /users/{id}/assignLicense), resolving part numbers
/// through GET /subscribedSkus, and sets the usageLocation first when asked (licences need one). Licences the
/// account already holds are not sent again; an account that has them all is left alone. Errors name a missing
/// or exhausted SKU and a missing usage location before anything changes.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsGraphUserLicense", DefaultParameterSetName = PartNumberSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsGraphUserLicenseCommand : ProvisioningCmdlet
{
    private const string PartNumberSet = "SkuPartNumber";
    private const string SkuIdSet = "SkuId";

    /// <summary>The account: object id or user principal name (binds ObjectId from an application instance).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ObjectId", "UserId", "UserPrincipalName")]
    [ValidateNotNullOrEmpty]
    public string? Identity { get; set; }

    /// <summary>Part numbers such as PHONESYSTEM_VIRTUALUSER, MCOPSTN1 (completed from the tenant's subscriptions).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PartNumberSet)]
    [ArgumentCompleter(typeof(SkuPartNumberCompleter))]
    public string[] SkuPartNumber { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = SkuIdSet)]
    public string[] SkuId { get; set; } = Array.Empty<string>();

    /// <summary>Two-letter country code (US, GB...); set before the licences when the account has another or none.</summary>
    [Parameter]
    public string? UsageLocation { get; set; }

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

    private string? _usageLocation;

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

        _usageLocation = UsageLocation is null ? null : ProvisioningInput.RequireUsageLocation(UsageLocation);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var identity = ProvisioningInput.RequireIdentity(Identity);
        var applicationId = ProvisioningInput.OptionalApplicationId(ApplicationId);
        var synced = ProvisioningInput.OptionalBoolean(Synced, nameof(Synced));
        var phoneNumber = ProvisioningInput.OptionalPhoneNumber(PhoneNumber, nameof(PhoneNumber));
        return PerRecordAsync(async () =>
        {
            var plan = await Connection.Licenses.PlanAsync(
                new LicenseAssignmentRequest { UserId = identity, SkuPartNumbers = SkuPartNumber.ToList(), SkuIds = SkuId.ToList(), UsageLocation = _usageLocation },
                cancellationToken).ConfigureAwait(false);
            var user = plan.User;

            if (!plan.HasChanges)
            {
                QueueVerbose($"{user} already holds {ProvisioningText.Join(plan.AlreadyAssigned)} (usage location {user.UsageLocation}); nothing to assign.");
            }
            else
            {
                var action = (plan.ToAssign.Count > 0 ? $"Assign licences {ProvisioningText.Join(plan.ToAssign)}" : "Keep licences")
                    + (plan.UsageLocationToSet is null ? string.Empty : $" and set usage location {plan.UsageLocationToSet}")
                    + (plan.AlreadyAssigned.Count > 0 ? $" (already holds {ProvisioningText.Join(plan.AlreadyAssigned)})" : string.Empty);
                if (!await ShouldProcessAsync(user.ToString(), action).ConfigureAwait(false))
                {
                    return;
                }

                var result = await Connection.Licenses.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
                user = result.User;
                if (result.AlreadyAssigned.Count > 0)
                {
                    QueueVerbose($"{user} already held {ProvisioningText.Join(result.AlreadyAssigned)}.");
                }
            }

            if (PassThru)
            {
                QueueObject(DescribeAccount(user, applicationId, phoneNumber, synced));
            }
        });
    }
}
