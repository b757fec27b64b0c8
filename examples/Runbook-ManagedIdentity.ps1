<#
.SYNOPSIS
    Azure Automation runbook: provision (or check) a PSTN bot and invite a phone into a running group call,
    signed in with the Automation account's managed identity. No secret is stored anywhere.
.DESCRIPTION
    Setup, once:
      1. Import the modules into the Automation account (runtime PowerShell 7.4): CommsInvite, and MicrosoftTeams
         for the application-instance steps (New/Sync-CsOnlineApplicationInstance have no public Graph API).
      2. Turn on the account's managed identity and grant it Microsoft Graph application permissions
         Calls.InitiateGroupCall.All, User.ReadWrite.All, LicenseAssignment.ReadWrite.All,
         TeamsTelephoneNumber.ReadWrite.All, Organization.Read.All; and the Teams Administrator role for
         Connect-MicrosoftTeams -Identity.
      3. The bot's own app registration owns the calls: -ApplicationId is its client id.
    Every step is safe to re-run: what is already in place is reported (verbose) and left alone.
.PARAMETER TenantId
    The tenant (GUID).
.PARAMETER ApplicationId
    The bot's application (client) id.
.PARAMETER UserPrincipalName
    The bot's resource account.
.PARAMETER TelephoneNumber
    An acquired calling-plan number for the resource account; by default the first free one.
.PARAMETER CallId
    A running group call of the bot to invite -InvitePhoneNumber into (optional).
.PARAMETER InvitePhoneNumber
    E.164 number to invite (optional).
.PARAMETER ManagedIdentityClientId
    Client id of a user-assigned managed identity; omit for the system-assigned one.
.PARAMETER EmulatorConnectionFile
    Try the runbook against the bundled emulator instead: its managed identity endpoint signs in, and it serves the
    application instances itself, so MicrosoftTeams is not needed. tests/Pester/Documentation.Tests.ps1 runs it so.
#>
param(
    [Parameter(Mandatory)] [string] $TenantId,
    [Parameter(Mandatory)] [string] $ApplicationId,
    [Parameter(Mandatory)] [string] $UserPrincipalName,
    [string] $TelephoneNumber,
    [string] $CallId,
    [string] $InvitePhoneNumber,
    [string] $ManagedIdentityClientId,
    [string] $EmulatorConnectionFile
)

$ErrorActionPreference = 'Stop'
$VerbosePreference = 'Continue'   # Automation's job stream shows what was already in place

$emulator = @{}
if ($EmulatorConnectionFile) {
    $emulator.EmulatorConnectionFile = $EmulatorConnectionFile
}
else {
    Import-Module MicrosoftTeams
}
Import-Module CommsInvite   # after MicrosoftTeams: the shared cmdlet names resolve to CommsInvite, which delegates

if ($ManagedIdentityClientId) {
    Connect-CsGraph -ManagedIdentity -ClientId $ManagedIdentityClientId -TenantId $TenantId @emulator
    if (-not $EmulatorConnectionFile) { Connect-MicrosoftTeams -Identity -AccountId $ManagedIdentityClientId | Out-Null }
}
else {
    Connect-CsGraph -ManagedIdentity -TenantId $TenantId @emulator
    if (-not $EmulatorConnectionFile) { Connect-MicrosoftTeams -Identity | Out-Null }
}
Get-CsGraphContext | Format-List TenantId, ClientId, AuthType, Environment, Roles

$existing = Get-CsOnlineApplicationInstance -Identity $UserPrincipalName -ErrorAction SilentlyContinue
if (-not $TelephoneNumber) {
    $TelephoneNumber = if ($existing -and $existing.PhoneNumber) { $existing.PhoneNumber }
    else { (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1).TelephoneNumber }
}
if (-not $TelephoneNumber) { throw 'No free calling-plan number: acquire one in the Teams admin center first.' }

$bot = New-CsOnlineApplicationInstance -UserPrincipalName $UserPrincipalName -DisplayName 'PSTN bot' -ApplicationId $ApplicationId |
    Sync-CsOnlineApplicationInstance -PassThru -Timeout 00:10:00 |
    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
    Set-CsPhoneNumberAssignment -TelephoneNumber $TelephoneNumber -NumberType CallingPlan -PassThru
$bot | Format-List ObjectId, UserPrincipalName, ApplicationId, PhoneNumber

if ($CallId -and $InvitePhoneNumber) {
    $outcome = Invoke-CsGraphParticipantInvite -CallId $CallId -PhoneNumber $InvitePhoneNumber |
        Wait-CsGraphInviteOperation -Timeout 00:02:00
    $outcome | Format-List OperationId, CallId, Status, Elapsed
}

Disconnect-CsGraph
