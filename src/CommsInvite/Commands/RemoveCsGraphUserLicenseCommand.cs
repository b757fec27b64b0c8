using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using CommsInvite.Core.Provisioning;

namespace CommsInvite.Commands;

/// <summary>
/// Remove-CsGraphUserLicense: the reverse of Set-CsGraphUserLicense (POST /users/{id}/assignLicense with
/// removeLicenses). Part numbers resolve through GET /subscribedSkus. A licence the account does not hold is a
/// warning (LicenseNotAssigned), not an error: removing twice leaves the account as removing once does.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CsGraphUserLicense", DefaultParameterSetName = PartNumberSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ApplicationInstance))]
public sealed class RemoveCsGraphUserLicenseCommand : LicenseCmdlet
{
    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        RequireLicences();
        return Task.CompletedTask;
    }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var (identity, applicationId, phoneNumber, synced) = CarriedInput();
        return PerRecordAsync(async () =>
        {
            var remover = new LicenseRemovalClient(Connection);
            var plan = await remover.PlanAsync(
                new LicenseRemovalRequest { UserId = identity, SkuPartNumbers = SkuPartNumber.ToList(), SkuIds = SkuId.ToList() },
                cancellationToken).ConfigureAwait(false);
            var user = plan.User;
            if (plan.NotAssigned.Count > 0)
            {
                QueueWarning($"{user} does not hold {ProvisioningText.Join(plan.NotAssigned)}; nothing to remove for {(plan.NotAssigned.Count == 1 ? "it" : "them")} ({CommandErrorIds.Licenses.LicenseNotAssigned}).");
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
