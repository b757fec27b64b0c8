using System;
using System.Management.Automation;
using CommsInvite.Core;
using CommsInvite.Core.Validation;

namespace CommsInvite.Commands;

/// <summary>
/// What Set-CsGraphUserLicense and Remove-CsGraphUserLicense share: the account, the licences by part number or SKU
/// id (checked before the first account is touched, so a typo sends nothing), -PassThru, and the application-instance
/// properties a piped object carries on into the -PassThru object.
/// </summary>
public abstract class LicenseCmdlet : ProvisioningCmdlet
{
    private protected const string PartNumberSet = "SkuPartNumber";
    private protected const string SkuIdSet = "SkuId";

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

    /// <summary>Normalises -SkuPartNumber and -SkuId in place, or stops with the first bad one.</summary>
    private protected void RequireLicences()
    {
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
            throw new CommsValidationException(ErrorIds.Input.InvalidArgument, ParameterSetName, "No licence was given: pass -SkuPartNumber or -SkuId.");
        }
    }

    /// <summary>The piped object's carried properties, checked, for the -PassThru object.</summary>
    private protected (string Identity, string? ApplicationId, string? PhoneNumber, bool Synced) CarriedInput() => (
        ProvisioningInput.RequireIdentity(Identity),
        ProvisioningInput.OptionalApplicationId(ApplicationId),
        ProvisioningInput.OptionalPhoneNumber(PhoneNumber, nameof(PhoneNumber)),
        ProvisioningInput.OptionalBoolean(Synced, nameof(Synced)));
}
