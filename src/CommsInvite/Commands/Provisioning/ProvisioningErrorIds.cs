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
internal static class ProvisioningErrorIds
{
    public const string MicrosoftTeamsModuleRequired = "MicrosoftTeamsModuleRequired";
    public const string MicrosoftTeamsCommandFailed = "MicrosoftTeamsCommandFailed";
    public const string InvalidUserPrincipalName = "InvalidUserPrincipalName";
    public const string InvalidIdentity = "InvalidIdentity";
    public const string InvalidNumberType = "InvalidNumberType";
    public const string InvalidAssignmentStatus = "InvalidAssignmentStatus";
    public const string InvalidAssignmentCategory = "InvalidAssignmentCategory";
    public const string InvalidActivationState = "InvalidActivationState";
    public const string InvalidReverseNumberLookup = "InvalidReverseNumberLookup";
    public const string InvalidUsageLocation = "InvalidUsageLocation";
    public const string InvalidSkuPartNumber = "InvalidSkuPartNumber";
    public const string NumberTypeMismatch = "NumberTypeMismatch";

    /// <summary>A MicrosoftTeams parameter this backend cannot honour (ErrorCategory.NotImplemented), raised before any request.</summary>
    public const string ParameterNotSupported = "ParameterNotSupported";
}
