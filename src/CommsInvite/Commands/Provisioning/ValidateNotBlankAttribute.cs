using System;
using System.Management.Automation;

namespace CommsInvite.Commands;

/// <summary>
/// An id that names something (-ObjectId, -Identity, -ApplicationId...) refuses null, empty and blank text at
/// binding, before any request: PowerShell reports ParameterArgumentValidationError naming the parameter.
/// (ValidateNotNullOrWhiteSpace exists only in PowerShell 7.4+, and the module also loads in 5.1.)
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateNotBlankAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (value is null || (value is string text && text.Trim().Length == 0))
        {
            throw new ValidationMetadataException("The argument is null, empty or blank: give an object id (GUID) or a user principal name.");
        }

        if (value is Array array)
        {
            foreach (var item in array)
            {
                if (item is null || (item is string s && s.Trim().Length == 0))
                {
                    throw new ValidationMetadataException("An element of the argument is null, empty or blank.");
                }
            }
        }
    }
}
