#Requires -Version 7.4
# Provisions, in an emulator, the bot the live suite expects to find in a tenant (the README's pipeline), and prints
# its object id and number as JSON. build.ps1 runs it before the live suite's emulator run.
param([Parameter(Mandatory)][string]$EmulatorConnectionFile, [Parameter(Mandatory)][string]$ModuleManifest)

$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $EmulatorConnectionFile
$connection = Get-Content -Raw -LiteralPath $EmulatorConnectionFile | ConvertFrom-Json
$number = (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1).TelephoneNumber
$bot = New-CsOnlineApplicationInstance -UserPrincipalName livebot@contoso.onmicrosoft.com -DisplayName 'Live bot' -ApplicationId $connection.clientId |
    Sync-CsOnlineApplicationInstance -PassThru |
    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
    Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru
Disconnect-CsGraph
[pscustomobject]@{ objectId = $bot.ObjectId; phoneNumber = $number } | ConvertTo-Json -Compress
