@{
    RootModule           = 'CommsInvite.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5c6f2f7e-6a1d-4b8e-9d3c-2f4a7b1e9c01'
    Author               = 'CommsInvite contributors'
    CompanyName          = 'CommsInvite'
    Copyright            = '(c) CommsInvite contributors. MIT License.'
    Description          = 'Provision a Teams application instance with a PSTN number and invite users, phones and apps into an active Microsoft Graph group call, then wait until they are really in.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('CommsInvite.Format.ps1xml', 'CommsInvite.Provisioning.Format.ps1xml', 'CommsInvite.Notifications.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-CsGraph'
        'Disconnect-CsGraph'
        'Get-CsGraphContext'
        'New-CsGraphCall'
        'Get-CsGraphCall'
        'Get-CsGraphCallParticipant'
        'Remove-CsGraphCall'
        'Remove-CsGraphCallParticipant'
        'New-CsGraphInvitationParticipant'
        'Invoke-CsGraphParticipantInvite'
        'Wait-CsGraphInviteOperation'
        'New-CsOnlineApplicationInstance'
        'Get-CsOnlineApplicationInstance'
        'Set-CsOnlineApplicationInstance'
        'Sync-CsOnlineApplicationInstance'
        'Set-CsGraphUserLicense'
        'Remove-CsGraphUserLicense'
        'Get-CsPhoneNumberAssignment'
        'Set-CsPhoneNumberAssignment'
        'Remove-CsPhoneNumberAssignment'
        'Set-CsOnlineVoiceApplicationInstance'
        'ConvertFrom-CsGraphNotification'
        'Start-CsGraphNotificationListener'
        'Stop-CsGraphNotificationListener'
        'Test-CsGraphBotReadiness'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Teams', 'MicrosoftGraph', 'Calls', 'PSTN', 'CloudCommunications', 'Invite', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/commsinvite/CommsInvite'
            LicenseUri   = 'https://github.com/commsinvite/CommsInvite/blob/main/LICENSE'
            ReleaseNotes = 'First release: Connect-CsGraph; calls, participant invites (batched, exactly once under faults) and waiting by polling or verified notifications; application instance, licence and phone number provisioning; against Microsoft Graph or the bundled emulator.'
        }
    }
}
