using System;

namespace CommsInvite.Core.Provisioning;

/// <summary>Turns the operation error codes of licence and usage-location refusals into errors that say what to do.</summary>
internal static class NumberOperationErrors
{
    public const string LicenseCode = "PstnLicenseRequired";
    public const string UsageLocationCode = "UsageLocationRequired";

    public static CommsInviteException? Refusal(NumberOperation operation, string number, string target)
    {
        var code = operation.Error?.Code;
        if (string.Equals(code, LicenseCode, StringComparison.OrdinalIgnoreCase))
        {
            return new CommsInviteException(ErrorIds.Numbers.PstnLicenseRequired, FailureCategory.InvalidOperation,
                $"{number} was not assigned: {operation.Error?.Message} Assign the licences first, e.g. Set-CsGraphUserLicense -Identity {target} -SkuPartNumber MCOPSTN1 " +
                "(a resource account also needs PHONESYSTEM_VIRTUALUSER), then run the assignment again.", number);
        }

        if (string.Equals(code, UsageLocationCode, StringComparison.OrdinalIgnoreCase))
        {
            return new CommsInviteException(ErrorIds.Numbers.UsageLocationRequired, FailureCategory.InvalidOperation,
                $"{number} was not assigned: {operation.Error?.Message} Set the account's usage location first (Set-CsGraphUserLicense -Identity {target} -UsageLocation US -SkuPartNumber ...), then run the assignment again.", number);
        }

        return null;
    }
}
