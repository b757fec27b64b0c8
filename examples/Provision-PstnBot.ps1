<#
.SYNOPSIS
    The provisioning pipeline: provision a Teams application instance with a PSTN number, then let a call owned by
    it invite a phone. Safe to run again: every step reports what is already in place and changes nothing.
.DESCRIPTION
    Against the emulator (build.ps1 starts one and passes -EmulatorConnectionFile):
        dotnet pwsh ./build.ps1 -Task Demo -Example Provision-PstnBot
    Against Microsoft 365, connect with Connect-CsGraph (certificate or managed identity) and, for the
    application-instance steps, Connect-MicrosoftTeams; the pipeline itself is the same.
.PARAMETER EmulatorConnectionFile
    The emulator's connection file.
.PARAMETER UserPrincipalName
    The resource account to create (or reuse).
.PARAMETER TelephoneNumber
    The number to assign; by default a free calling-plan number of the tenant (or the one the account holds).
.PARAMETER InvitePhoneNumber
    The phone (E.164) to invite into the call.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [string] $EmulatorConnectionFile,

    [string] $UserPrincipalName = 'pstnbot@contoso.onmicrosoft.com',

    [string] $TelephoneNumber,

    [string] $InvitePhoneNumber = '+14255550123'
)

$ErrorActionPreference = 'Stop'

$context = Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $EmulatorConnectionFile -PassThru
# The bot's application id: here the emulator's dev client, in a tenant your bot's app registration.
$applicationId = $context.ClientId

# A re-run keeps the number the account already holds; a first run takes a free one.
if (-not $TelephoneNumber) {
    $existing = Get-CsOnlineApplicationInstance -Identity $UserPrincipalName -ErrorAction SilentlyContinue
    $TelephoneNumber = if ($existing -and $existing.PhoneNumber) {
        $existing.PhoneNumber
    }
    else {
        (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1).TelephoneNumber
    }
}
if (-not $TelephoneNumber) { throw 'The tenant has no free calling-plan number; acquire one first.' }

Write-Host "Provisioning $UserPrincipalName with $TelephoneNumber"
$bot = New-CsOnlineApplicationInstance -UserPrincipalName $UserPrincipalName -DisplayName 'PSTN bot' -ApplicationId $applicationId |
    Sync-CsOnlineApplicationInstance -PassThru |
    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
    Set-CsPhoneNumberAssignment -TelephoneNumber $TelephoneNumber -NumberType CallingPlan -PassThru
if (-not $bot) { return }   # -WhatIf
$bot | Out-Default

# A group call owned by the application instance: its number sponsors the PSTN invite.
$call = New-CsGraphCall -CallbackUri 'https://bot.contoso.com/api/calls' -Subject 'PSTN demo' -SourceApplicationInstanceId $bot.ObjectId
$call | Out-Default

# The seeds' example 4: invite one phone into the call and wait until it has answered.
Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber $InvitePhoneNumber -ClientContext 'f2fa86af-3c51-4bc2-8fc0-475452d9764f' |
    Wait-CsGraphInviteOperation -Timeout 00:01:00 | Out-Default

Get-CsGraphCallParticipant -CallId $call.Id | Out-Default
Disconnect-CsGraph
