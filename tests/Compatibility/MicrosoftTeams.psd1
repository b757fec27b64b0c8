# The MicrosoftTeams module's documented syntax and output for the eight cmdlets CommsInvite also exports, as
# MicrosoftDocs/office-docs-powershell documents them at commit 93336da2bca96c31c0fc8acc52658a30ef8a6c94
# (teams/teams-ps/MicrosoftTeams/<Cmdlet>.md). tests/Pester/TeamsCompatibility.Tests.ps1 checks CommsInvite against
# every row: a script written for MicrosoftTeams must bind against CommsInvite's cmdlet of the same name.
#
# Per cmdlet:
#   Link          the documentation page
#   Parameters    Name = @{ Type; Aliases; Sets = @{ SetName = Mandatory } }   ('(All)' = every set)
#   NotSupported  documented parameters CommsInvite accepts but refuses before any request (ParameterNotSupported,
#                 NotImplemented), with a sample invocation; the backend they are refused on is in Backend
#   Output        documented output properties, and the value spellings MicrosoftTeams' examples show
@{
    'New-CsOnlineApplicationInstance' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/new-csonlineapplicationinstance'
        Parameters = @{
            UserPrincipalName = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $true } }
            ApplicationId     = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            DisplayName       = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Force             = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            WhatIf            = @{ Type = 'SwitchParameter'; Aliases = @('wi'); Sets = @{ '(All)' = $false } }
            Confirm           = @{ Type = 'SwitchParameter'; Aliases = @('cf'); Sets = @{ '(All)' = $false } }
        }
        NotSupported = @{}
        Output     = @{ Properties = @('ObjectId', 'TenantId', 'UserPrincipalName', 'ApplicationId', 'DisplayName', 'PhoneNumber', 'AcsResourceId'); Values = @{} }
    }
    'Get-CsOnlineApplicationInstance' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/get-csonlineapplicationinstance'
        Parameters = @{
            Identity   = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Identities = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            ResultSize = @{ Type = 'Int32'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Skip       = @{ Type = 'Int32'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Force      = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            WhatIf     = @{ Type = 'SwitchParameter'; Aliases = @('wi'); Sets = @{ '(All)' = $false } }
            Confirm    = @{ Type = 'SwitchParameter'; Aliases = @('cf'); Sets = @{ '(All)' = $false } }
        }
        NotSupported = @{}
        Output     = @{ Properties = @('ObjectId', 'TenantId', 'UserPrincipalName', 'ApplicationId', 'DisplayName', 'PhoneNumber', 'AcsResourceId'); Values = @{} }
    }
    'Set-CsOnlineApplicationInstance' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/set-csonlineapplicationinstance'
        Parameters = @{
            Identity          = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $true } }
            OnpremPhoneNumber = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            ApplicationId     = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AcsResourceId     = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            DisplayName       = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Force             = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            WhatIf            = @{ Type = 'SwitchParameter'; Aliases = @('wi'); Sets = @{ '(All)' = $false } }
            Confirm           = @{ Type = 'SwitchParameter'; Aliases = @('cf'); Sets = @{ '(All)' = $false } }
        }
        Backend      = 'emulator'
        NotSupported = @{
            OnpremPhoneNumber = "Set-CsOnlineApplicationInstance -Identity bot@contoso.com -OnpremPhoneNumber '+14255550100'"
            AcsResourceId     = "Set-CsOnlineApplicationInstance -Identity bot@contoso.com -AcsResourceId 0f0c9a43-2f8b-4a6e-9d2c-2a1b3c4d5e6f"
        }
        Output     = @{ Properties = @('ObjectId', 'TenantId', 'UserPrincipalName', 'ApplicationId', 'DisplayName', 'PhoneNumber', 'AcsResourceId'); Values = @{} }
    }
    'Sync-CsOnlineApplicationInstance' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/sync-csonlineapplicationinstance'
        Parameters = @{
            ObjectId      = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $true } }
            CallbackUri   = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Force         = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            ApplicationId = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AcsResourceId = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            WhatIf        = @{ Type = 'SwitchParameter'; Aliases = @('wi'); Sets = @{ '(All)' = $false } }
            Confirm       = @{ Type = 'SwitchParameter'; Aliases = @('cf'); Sets = @{ '(All)' = $false } }
        }
        Backend      = 'emulator'
        NotSupported = @{
            CallbackUri   = 'Sync-CsOnlineApplicationInstance -ObjectId 0f0c9a43-2f8b-4a6e-9d2c-2a1b3c4d5e6f -CallbackUri https://bot.contoso.com/api/calls'
            AcsResourceId = 'Sync-CsOnlineApplicationInstance -ObjectId 0f0c9a43-2f8b-4a6e-9d2c-2a1b3c4d5e6f -AcsResourceId 0f0c9a43-2f8b-4a6e-9d2c-2a1b3c4d5e6f'
        }
        Output     = @{ Properties = @(); Values = @{} }
    }
    'Set-CsOnlineVoiceApplicationInstance' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/set-csonlinevoiceapplicationinstance'
        Parameters = @{
            Identity         = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            TelephoneNumber  = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            DomainController = @{ Type = 'String'; Aliases = @('DC'); Sets = @{ '(All)' = $false } }
            Force            = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Tenant           = @{ Type = 'Guid'; Aliases = @(); Sets = @{ '(All)' = $false } }
            WhatIf           = @{ Type = 'SwitchParameter'; Aliases = @('wi'); Sets = @{ '(All)' = $false } }
            Confirm          = @{ Type = 'SwitchParameter'; Aliases = @('cf'); Sets = @{ '(All)' = $false } }
        }
        Backend      = 'Graph'
        NotSupported = @{
            DomainController = "Set-CsOnlineVoiceApplicationInstance -Identity bot@contoso.com -TelephoneNumber '+12345678901' -DomainController dc1.contoso.com"
            Tenant           = "Set-CsOnlineVoiceApplicationInstance -Identity bot@contoso.com -TelephoneNumber '+12345678901' -Tenant 72f988bf-86f1-41af-91ab-2d7cd011db47"
        }
        Output     = @{ Properties = @(); Values = @{} }
    }
    'Get-CsPhoneNumberAssignment' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/get-csphonenumberassignment'
        Parameters = @{
            ActivationState            = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AssignedPstnTargetId       = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AssignmentCategory         = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            CapabilitiesContain        = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            CivicAddressId             = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Filter                     = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            IsoCountryCode             = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            LocationId                 = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            NetworkSiteId              = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            NumberType                 = @{ Type = 'String'; Aliases = @('PhoneNumberType'); Sets = @{ '(All)' = $false } }
            PstnAssignmentStatus       = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Skip                       = @{ Type = 'Int32'; Aliases = @(); Sets = @{ '(All)' = $false } }
            TelephoneNumber            = @{ Type = 'String'; Aliases = @('PhoneNumber'); Sets = @{ '(All)' = $false } }
            TelephoneNumberContain     = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            TelephoneNumberGreaterThan = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            TelephoneNumberLessThan    = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            TelephoneNumberStartsWith  = @{ Type = 'String'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Top                        = @{ Type = 'Int32'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Break                      = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            HttpPipelineAppend         = @{ Type = 'SendAsyncStep[]'; Aliases = @(); Sets = @{ '(All)' = $false } }
            HttpPipelinePrepend        = @{ Type = 'SendAsyncStep[]'; Aliases = @(); Sets = @{ '(All)' = $false } }
            Proxy                      = @{ Type = 'Uri'; Aliases = @(); Sets = @{ '(All)' = $false } }
            ProxyCredential            = @{ Type = 'PSCredential'; Aliases = @(); Sets = @{ '(All)' = $false } }
            ProxyUseDefaultCredentials = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
        }
        Backend      = 'Graph'
        NotSupported = @{
            CapabilitiesContain        = "Get-CsPhoneNumberAssignment -CapabilitiesContain 'VoiceApplicationAssignment,ConferenceAssignment'"
            CivicAddressId             = 'Get-CsPhoneNumberAssignment -CivicAddressId 703b30e5-dbdd-4132-9809-4c6160a6acc7'
            Filter                     = "Get-CsPhoneNumberAssignment -Filter `"TelephoneNumber -eq '+12065551000'`""
            Break                      = 'Get-CsPhoneNumberAssignment -Break'
            HttpPipelineAppend         = 'Get-CsPhoneNumberAssignment -HttpPipelineAppend @({ })'
            HttpPipelinePrepend        = 'Get-CsPhoneNumberAssignment -HttpPipelinePrepend @({ })'
            Proxy                      = 'Get-CsPhoneNumberAssignment -Proxy http://proxy.contoso.com:8080'
            ProxyUseDefaultCredentials = 'Get-CsPhoneNumberAssignment -ProxyUseDefaultCredentials'
        }
        # Example 1's output; Values are the spellings MicrosoftTeams' examples show for each property.
        Output     = @{
            Properties = @('TelephoneNumber', 'OperatorId', 'NumberType', 'ActivationState', 'AssignedPstnTargetId', 'AssignmentCategory',
                'Capability', 'City', 'CivicAddressId', 'IsoCountryCode', 'IsoSubdivision', 'LocationId', 'LocationUpdateSupported',
                'NetworkSiteId', 'PortInOrderStatus', 'PstnAssignmentStatus', 'PstnPartnerId', 'PstnPartnerName', 'NumberSource',
                'ReverseNumberLookup', 'Tag', 'AssignmentBlockedState', 'AssignmentBlockedUntil', 'SmsActivationState')
            Values     = @{
                NumberType           = @('CallingPlan', 'DirectRouting', 'OperatorConnect')
                ActivationState      = @('Activated')
                AssignmentCategory   = @('Primary', 'Private', 'Alternate', $null)
                PstnAssignmentStatus = @('Unassigned', 'UserAssigned', 'ConferenceAssigned', 'VoiceApplicationAssigned', 'ThirdPartyAppAssigned', 'PolicyAssigned')
                NumberSource         = @('Online', 'OnPremises')
            }
        }
    }
    'Set-CsPhoneNumberAssignment' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/set-csphonenumberassignment'
        Parameters = @{
            TelephoneNumber        = @{ Type = 'String'; Aliases = @('PhoneNumber'); Sets = @{ LocationUpdate = $true; NetworkSiteUpdate = $true; ReverseNumberLookupUpdate = $true; Assignment = $true } }
            LocationId             = @{ Type = 'String'; Aliases = @(); Sets = @{ LocationUpdate = $true; Assignment = $false } }
            NetworkSiteId          = @{ Type = 'String'; Aliases = @(); Sets = @{ NetworkSiteUpdate = $true; Assignment = $false } }
            ReverseNumberLookup    = @{ Type = 'String'; Aliases = @(); Sets = @{ ReverseNumberLookupUpdate = $true; Assignment = $false } }
            Identity               = @{ Type = 'String'; Aliases = @(); Sets = @{ Assignment = $true; Attribute = $true } }
            NumberType             = @{ Type = 'String'; Aliases = @('PhoneNumberType'); Sets = @{ Assignment = $true } }
            AssignmentCategory     = @{ Type = 'String'; Aliases = @(); Sets = @{ Assignment = $false } }
            Notify                 = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ Assignment = $false } }
            EnterpriseVoiceEnabled = @{ Type = 'Boolean'; Aliases = @(); Sets = @{ Attribute = $true } }
            HttpPipelinePrepend    = @{ Type = 'SendAsyncStep[]'; Aliases = @(); Sets = @{ '(All)' = $false } }
        }
        DefaultParameterSet = 'LocationUpdate'
        Backend      = 'Graph'
        NotSupported = @{
            Notify                 = 'Set-CsPhoneNumberAssignment -Identity user1@contoso.com -TelephoneNumber +14255551234 -NumberType CallingPlan -Notify'
            EnterpriseVoiceEnabled = 'Set-CsPhoneNumberAssignment -Identity user3@contoso.com -EnterpriseVoiceEnabled $true'
            HttpPipelinePrepend    = 'Set-CsPhoneNumberAssignment -TelephoneNumber +12065551224 -LocationId x -HttpPipelinePrepend @({ })'
        }
        Output     = @{ Properties = @(); Values = @{} }
    }
    'Remove-CsPhoneNumberAssignment' = @{
        Link       = 'https://learn.microsoft.com/powershell/module/microsoftteams/remove-csphonenumberassignment'
        Parameters = @{
            Identity                 = @{ Type = 'String'; Aliases = @(); Sets = @{ RemoveSome = $true; RemoveAll = $true } }
            TelephoneNumber          = @{ Type = 'String'; Aliases = @('PhoneNumber'); Sets = @{ RemoveSome = $true } }
            NumberType               = @{ Type = 'String'; Aliases = @('PhoneNumberType'); Sets = @{ RemoveSome = $true } }
            RemoveAll                = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ RemoveAll = $true } }
            Notify                   = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AssignmentBlockedForever = @{ Type = 'SwitchParameter'; Aliases = @(); Sets = @{ '(All)' = $false } }
            AssignmentBlockedDays    = @{ Type = 'Int32'; Aliases = @(); Sets = @{ '(All)' = $false } }
            HttpPipelinePrepend      = @{ Type = 'SendAsyncStep[]'; Aliases = @(); Sets = @{ '(All)' = $false } }
        }
        DefaultParameterSet = 'RemoveSome'
        Backend      = 'Graph'
        NotSupported = @{
            Notify                   = 'Remove-CsPhoneNumberAssignment -Identity user2@contoso.com -RemoveAll -Notify'
            AssignmentBlockedForever = 'Remove-CsPhoneNumberAssignment -Identity user1@contoso.com -TelephoneNumber +12065551234 -NumberType CallingPlan -AssignmentBlockedForever'
            AssignmentBlockedDays    = 'Remove-CsPhoneNumberAssignment -Identity user1@contoso.com -TelephoneNumber +12065551234 -NumberType CallingPlan -AssignmentBlockedDays 30'
            HttpPipelinePrepend      = 'Remove-CsPhoneNumberAssignment -Identity user2@contoso.com -RemoveAll -HttpPipelinePrepend @({ })'
        }
        Output     = @{ Properties = @(); Values = @{} }
    }
}
