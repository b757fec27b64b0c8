using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Set-CsGraphUserLicense: assigns licences through Graph (POST /users/{id}/assignLicense), resolving part numbers
/// through GET /subscribedSkus, and sets the usageLocation first when asked (licences need one). Licences the
/// account already holds are not sent again; an account that has them all is left alone. Errors name a missing
/// or exhausted SKU and a missing usage location before anything changes.
/// </summary>
[Cmdlet(VerbsCommon.Set, "CsGraphUserLicense", DefaultParameterSetName = PartNumberSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class SetCsGraphUserLicenseCommand : LicenseCmdlet
{
    /// <summary>Two-letter country code (US, GB...); set before the licences when the account has another or none.</summary>
    [Parameter]
    public string? UsageLocation { get; set; }

    private string? _usageLocation;

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        RequireLicences();
        _usageLocation = UsageLocation is null ? null : ProvisioningInput.RequireUsageLocation(UsageLocation);
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var (identity, applicationId, phoneNumber, synced) = CarriedInput();
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
