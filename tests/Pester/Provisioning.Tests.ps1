#Requires -Version 7.4
# Pester 5 tests for provisioning a PSTN bot in one pipeline: the same behaviour as
# tests/CommsInvite.PowerShell.Tests/ProvisioningTests.cs and ProvisioningMicrosoftTeamsTests.cs, run in a real
# pwsh against the built module (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Provisioning' -ArgumentList @('--answer-delay-ms', '200', '--replication-delay-ms', '500')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection

    # The bot's application: the emulator's dev client (docs/emulator.md).
    $script:AppId = $Connection.clientId
    $script:CallbackUri = 'http://127.0.0.1:9/callback'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    # Requests that could change provisioning state: POST/PATCH/DELETE on /users and /admin/teams routes.
    function Get-ProvisioningChangeCount {
        $routes = (Invoke-EmulatorAdmin 'stats').requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if ($property.Name -notlike 'GET *' -and ($property.Name -like '*/users/*' -or $property.Name -like '*/admin/teams*')) {
                $total += $property.Value
            }
        }
        $total
    }

    # Every Graph request (tokens and the admin endpoint left out).
    function Get-GraphRequestCount {
        $routes = (Invoke-EmulatorAdmin 'stats').requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if ($property.Name -like '*/v1.0/*' -or $property.Name -like '*/beta/*') { $total += $property.Value }
        }
        $total
    }

    function New-TestUpn([string]$Prefix) {
        "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
    }

    # A number the tenant holds, unassigned, that no other test uses.
    function New-FreeNumber {
        $number = '+1206555' + (Get-Random -Minimum 1000 -Maximum 9999)
        $null = Invoke-EmulatorAdmin 'numbers' @{ telephoneNumber = $number; numberType = 'callingPlan' }
        $number
    }

    # The README pipeline, unchanged.
    function Invoke-ProvisionPipeline {
        [CmdletBinding()]
        param([string]$Upn, [string]$Number)
        New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'PSTN bot' -ApplicationId $AppId |
            Sync-CsOnlineApplicationInstance -PassThru |
            Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru |
            Set-CsPhoneNumberAssignment -TelephoneNumber $Number -NumberType CallingPlan -PassThru
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Provisioning a PSTN bot against the emulator' {
    BeforeAll {
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
    }

    AfterAll {
        Disconnect-CsGraph
    }

    Context 'the whole pipeline' {
        BeforeAll {
            $script:BotUpn = New-TestUpn 'pstnbot'
            $script:FreeNumber = (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1 -ErrorAction Stop).TelephoneNumber
            $script:Bot = Invoke-ProvisionPipeline -Upn $BotUpn -Number $FreeNumber -ErrorAction Stop
        }

        It 'emits one application instance with the number' {
            @($Bot).Count | Should -Be 1
            $Bot.GetType().FullName | Should -Be 'CommsInvite.Core.Provisioning.ApplicationInstance'
            $Bot.UserPrincipalName | Should -Be $BotUpn
            $Bot.ApplicationId | Should -Be $AppId
            $Bot.PhoneNumber | Should -Be $FreeNumber
            $Bot.Synced | Should -BeTrue
        }

        It 'leaves the number assigned to the instance' {
            $assignment = Get-CsPhoneNumberAssignment -TelephoneNumber $FreeNumber -ErrorAction Stop
            $assignment.AssignmentTargetId | Should -Be $Bot.ObjectId
            $assignment.AssignmentStatus | Should -Be 'voiceApplicationAssigned'
            (Get-CsOnlineApplicationInstance -Identity $BotUpn -ErrorAction Stop).PhoneNumber | Should -Be $FreeNumber
        }

        It 'lets a call owned by the instance invite a phone, which joins the roster' {
            $call = New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $Bot.ObjectId -ErrorAction Stop
            $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '+14255550123' -ErrorAction Stop |
                Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
            $outcome.Status | Should -Be 'Completed'

            $phone = Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop |
                Where-Object { $_.Info.Identity.Phone.Id -eq '+14255550123' }
            @($phone).Count | Should -Be 1
            $phone.MediaStreams.Count | Should -BeGreaterThan 0
        }

        It 'changes nothing when run again, and says what is in place' {
            $before = Get-ProvisioningChangeCount
            $verbose = Invoke-ProvisionPipeline -Upn $BotUpn -Number $FreeNumber -Verbose -ErrorAction Stop 4>&1
            $again = $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $messages = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message

            Get-ProvisioningChangeCount | Should -Be $before
            $again.ObjectId | Should -Be $Bot.ObjectId
            $again.PhoneNumber | Should -Be $FreeNumber
            ($messages -join "`n") | Should -BeLike '*already exists*'
            ($messages -join "`n") | Should -BeLike '*already synced*'
            ($messages -join "`n") | Should -BeLike '*already holds*MCOPSTN1*'
            ($messages -join "`n") | Should -BeLike "*$FreeNumber is already assigned*"
        }

        It 'completes -SkuPartNumber from the tenant''s subscriptions' {
            $line = 'Set-CsGraphUserLicense -Identity x@contoso.com -SkuPartNumber MCOP'
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Sort-Object
            $completions | Should -Be @('MCOPSTN1', 'MCOPSTN2')
        }
    }

    Context 'failures with clear error ids' {
        It 'refuses a UPN a directory user already holds (UserPrincipalNameTaken)' {
            $result = Invoke-Captured { New-CsOnlineApplicationInstance -UserPrincipalName 'adele@contoso.onmicrosoft.com' -DisplayName Bot -ApplicationId $AppId }
            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UserPrincipalNameTaken,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        }

        It 'refuses a UPN another application''s instance holds, without creating anything' {
            $upn = New-TestUpn 'taken'
            $null = New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName One -ApplicationId ([guid]::NewGuid()) -ErrorAction Stop
            $before = Get-ProvisioningChangeCount
            $result = Invoke-Captured { New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName Two -ApplicationId $AppId }
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UserPrincipalNameTaken,*'
            Get-ProvisioningChangeCount | Should -Be $before
        }

        It 'names an unknown SKU and the tenant''s subscriptions (SkuNotFound)' {
            $before = Get-ProvisioningChangeCount
            $result = Invoke-Captured { Set-CsGraphUserLicense -Identity 'alex@contoso.onmicrosoft.com' -SkuPartNumber MCOPSTN1, ENTERPRISEPREMIUM_NOPSTNCONF }
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SkuNotFound,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $result.Errors[0].Exception.Message | Should -BeLike '*ENTERPRISEPREMIUM_NOPSTNCONF*PHONESYSTEM_VIRTUALUSER*'
            Get-ProvisioningChangeCount | Should -Be $before
        }

        It 'says when no seats are left (NoLicensesAvailable)' {
            $null = Invoke-EmulatorAdmin 'skus' @{ skuPartNumber = 'MCOEV'; enabled = 0 }
            try {
                $before = Get-ProvisioningChangeCount
                $result = Invoke-Captured { Set-CsGraphUserLicense -Identity 'megan@contoso.onmicrosoft.com' -SkuPartNumber MCOEV -PassThru }
                $result.Output | Should -BeNullOrEmpty
                $result.Errors.Count | Should -Be 1
                $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NoLicensesAvailable,*'
                $result.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
                Get-ProvisioningChangeCount | Should -Be $before
            }
            finally {
                $null = Invoke-EmulatorAdmin 'skus' @{ skuPartNumber = 'MCOEV'; enabled = 5 }
            }
        }

        It 'asks for a usage location when the new account has none (UsageLocationMissing)' {
            $upn = New-TestUpn 'nolocation'
            $result = Invoke-Captured {
                New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName Bot -ApplicationId $AppId |
                    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER
            }
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UsageLocationMissing,*'
            $result.Errors[0].Exception.Message | Should -BeLike '*-UsageLocation*'
        }

        It 'refuses a number assigned to someone else (NumberAssignedElsewhere)' {
            $number = New-FreeNumber
            $null = Set-CsGraphUserLicense -Identity 'lee@contoso.onmicrosoft.com' -SkuPartNumber MCOPSTN1 -ErrorAction Stop
            Set-CsPhoneNumberAssignment -Identity 'lee@contoso.onmicrosoft.com' -TelephoneNumber $number -NumberType CallingPlan -ErrorAction Stop
            $before = Get-ProvisioningChangeCount
            $result = Invoke-Captured { Set-CsPhoneNumberAssignment -Identity 'nestor@contoso.onmicrosoft.com' -PhoneNumber $number -PhoneNumberType CallingPlan -PassThru }
            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NumberAssignedElsewhere,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            Get-ProvisioningChangeCount | Should -Be $before
            (Get-CsPhoneNumberAssignment -TelephoneNumber $number).PstnAssignmentStatus | Should -Be 'UserAssigned'
        }

        It 'gives up on an account that does not replicate within -Timeout (ApplicationInstanceSyncTimedOut)' {
            $null = Invoke-EmulatorAdmin 'settings' @{ replicationDelayMs = 300000 }
            try {
                $upn = New-TestUpn 'slowsync'
                $result = Invoke-Captured {
                    New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName Slow -ApplicationId $AppId |
                        Sync-CsOnlineApplicationInstance -Timeout 2 -PassThru
                }
                $result.Output | Should -BeNullOrEmpty
                $result.Errors.Count | Should -Be 1
                $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ApplicationInstanceSyncTimedOut,*'
                $result.Errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
                (Get-CsOnlineApplicationInstance -Identity $upn).Synced | Should -BeFalse
            }
            finally {
                $null = Invoke-EmulatorAdmin 'settings' @{ replicationDelayMs = 500 }
            }
        }

        It 'refuses a number the tenant does not hold (NumberNotFound)' {
            $result = Invoke-Captured { Set-CsPhoneNumberAssignment -Identity 'lidia@contoso.onmicrosoft.com' -TelephoneNumber '+19995550123' -NumberType CallingPlan }
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NumberNotFound,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'fails a PSTN invite from an instance without a number with 412/9999 (InviteOperationFailed)' {
            $upn = New-TestUpn 'nonumber'
            $bot = New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName 'No number' -ApplicationId $AppId -ErrorAction Stop |
                Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop
            $call = New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $bot.ObjectId -ErrorAction Stop
            $result = Invoke-Captured {
                Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '+12345678999' -ErrorAction Stop |
                    Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2
            }
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InviteOperationFailed,*'
            $text = "$($result.Errors[0].ErrorDetails.Message) $($result.Errors[0].Exception.Message)"
            $text | Should -BeLike '*412*'
            $text | Should -BeLike '*9999*'
        }
    }

    Context 'input checks' {
        It 'refuses <Name> with <ErrorId> before any request' -TestCases @(
            @{ Name = 'a bad UPN'; ErrorId = 'InvalidUserPrincipalName'; Script = { New-CsOnlineApplicationInstance -UserPrincipalName 'not a upn' -DisplayName Bot -ApplicationId $AppId } }
            @{ Name = 'a bad application id'; ErrorId = 'InvalidGuid'; Script = { New-CsOnlineApplicationInstance -UserPrincipalName 'bad-guid@contoso.onmicrosoft.com' -DisplayName Bot -ApplicationId 1234 } }
            @{ Name = 'a bad object id'; ErrorId = 'InvalidIdentity'; Script = { Sync-CsOnlineApplicationInstance -ObjectId 'nobody here' } }
            @{ Name = 'a number that is not E.164'; ErrorId = 'InvalidPhoneNumber'; Script = { Set-CsPhoneNumberAssignment -Identity $AppId -TelephoneNumber '425-555-0100' -NumberType CallingPlan } }
            @{ Name = 'an unknown number type'; ErrorId = 'InvalidNumberType'; Script = { Set-CsPhoneNumberAssignment -Identity $AppId -TelephoneNumber '+12345678901' -NumberType Landline } }
            @{ Name = 'an unknown assignment status'; ErrorId = 'InvalidAssignmentStatus'; Script = { Get-CsPhoneNumberAssignment -PstnAssignmentStatus Free } }
            @{ Name = 'a three-letter usage location'; ErrorId = 'InvalidUsageLocation'; Script = { Set-CsGraphUserLicense -Identity $AppId -SkuPartNumber MCOPSTN1 -UsageLocation USA } }
            @{ Name = 'a bad SKU id'; ErrorId = 'InvalidGuid'; Script = { Set-CsGraphUserLicense -Identity $AppId -SkuId 'not-a-guid' } }
            @{ Name = 'a piped instance with a bad application id'; ErrorId = 'InvalidGuid'; Script = { [pscustomobject]@{ ObjectId = $AppId; ApplicationId = 'app' } | Set-CsGraphUserLicense -SkuPartNumber MCOPSTN1 } }
            @{ Name = 'a piped instance with a number that is not E.164'; ErrorId = 'InvalidPhoneNumber'; Script = { [pscustomobject]@{ ObjectId = $AppId; PhoneNumber = 'tel:+1 234 567 8901' } | Set-CsGraphUserLicense -SkuPartNumber MCOPSTN1 } }
            @{ Name = 'an unknown assignment category'; ErrorId = 'InvalidAssignmentCategory'; Script = { Set-CsPhoneNumberAssignment -Identity $AppId -TelephoneNumber '+12345678901' -NumberType CallingPlan -AssignmentCategory Secondary } }
            @{ Name = 'a bad application id to carry through'; ErrorId = 'InvalidGuid'; Script = { Set-CsPhoneNumberAssignment -Identity $AppId -TelephoneNumber '+12345678901' -NumberType CallingPlan -ApplicationId 'app' -PassThru } }
            @{ Name = 'an oversized display name'; ErrorId = 'InvalidArgument'; Script = { Set-CsOnlineApplicationInstance -Identity 'bot@contoso.onmicrosoft.com' -DisplayName ('x' * 5000) } }
            @{ Name = 'a bad identity for the deprecated number cmdlet'; ErrorId = 'InvalidIdentity'; Script = { Set-CsOnlineVoiceApplicationInstance -Identity 'bot' -TelephoneNumber '+12345678901' } }
            @{ Name = 'a piped instance with a bad application id to the deprecated number cmdlet'; ErrorId = 'InvalidGuid'; Script = { [pscustomobject]@{ ObjectId = 'bot@contoso.onmicrosoft.com'; ApplicationId = 'app' } | Set-CsOnlineVoiceApplicationInstance -TelephoneNumber '+12345678901' } }
            @{ Name = 'a bad application id to sync'; ErrorId = 'InvalidGuid'; Script = { Sync-CsOnlineApplicationInstance -ObjectId 'bot@contoso.onmicrosoft.com' -ApplicationId 'app' } }
            @{ Name = 'a zero sync timeout'; ErrorId = 'InvalidArgument'; Script = { Sync-CsOnlineApplicationInstance -ObjectId 'bot@contoso.onmicrosoft.com' -Timeout 0 } }
            @{ Name = 'a sync timeout beyond 1 hour'; ErrorId = 'InvalidArgument'; Script = { Sync-CsOnlineApplicationInstance -ObjectId 'bot@contoso.onmicrosoft.com' -Timeout 01:00:01 } }
        ) {
            param($Name, $ErrorId, $Script)
            $before = Get-GraphRequestCount

            $result = Invoke-Captured $Script

            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-GraphRequestCount | Should -Be $before
        }

        It 'sends no change with -WhatIf' {
            $upn = New-TestUpn 'whatif'
            $null = New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                Sync-CsOnlineApplicationInstance -ErrorAction Stop
            $number = New-FreeNumber
            $before = Get-ProvisioningChangeCount

            New-CsOnlineApplicationInstance -UserPrincipalName 'never@contoso.onmicrosoft.com' -DisplayName Never -ApplicationId $AppId -WhatIf | Should -BeNullOrEmpty
            Set-CsOnlineApplicationInstance -Identity $upn -DisplayName Renamed -WhatIf | Should -BeNullOrEmpty
            Set-CsGraphUserLicense -Identity $upn -SkuPartNumber PHONESYSTEM_VIRTUALUSER -UsageLocation US -WhatIf | Should -BeNullOrEmpty
            Set-CsPhoneNumberAssignment -Identity $upn -TelephoneNumber $number -NumberType CallingPlan -WhatIf | Should -BeNullOrEmpty

            Get-ProvisioningChangeCount | Should -Be $before
            (Get-CsOnlineApplicationInstance -Identity $upn).DisplayName | Should -Be 'Bot'
            (Get-CsPhoneNumberAssignment -TelephoneNumber $number).AssignmentStatus | Should -Be 'unassigned'
        }
    }

    Context 'the seeds'' deprecated form and removal' {
        It 'runs example 4''s lines unchanged, with a deprecation warning' {
            $upn = New-TestUpn 'seedform'
            $number = New-FreeNumber
            $instance = New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName 'Seed bot' -ApplicationId $AppId -ErrorAction Stop
            Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ErrorAction Stop
            # Step 2 of the example (licences, in the admin center there), by cmdlet.
            $null = Set-CsGraphUserLicense -Identity $upn -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -ErrorAction Stop
            Set-CsOnlineVoiceApplicationInstance -Identity $upn -TelephoneNumber $number -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue
            Sync-CsOnlineApplicationInstance -ObjectId $instance.ObjectId -ErrorAction Stop

            (Get-CsOnlineApplicationInstance -Identity $upn).PhoneNumber | Should -Be $number
            ($warnings -join ' ') | Should -BeLike '*deprecated*Set-CsPhoneNumberAssignment*'
        }

        It 'frees a number, and a second removal changes nothing' {
            $number = New-FreeNumber
            $null = Set-CsGraphUserLicense -Identity 'grady@contoso.onmicrosoft.com' -SkuPartNumber MCOPSTN1 -ErrorAction Stop
            Set-CsPhoneNumberAssignment -Identity 'grady@contoso.onmicrosoft.com' -TelephoneNumber $number -NumberType CallingPlan -ErrorAction Stop
            Remove-CsPhoneNumberAssignment -Identity 'grady@contoso.onmicrosoft.com' -PhoneNumber $number -Confirm:$false -ErrorAction Stop
            $before = Get-ProvisioningChangeCount
            $messages = Remove-CsPhoneNumberAssignment -Identity 'grady@contoso.onmicrosoft.com' -PhoneNumber $number -Confirm:$false -Verbose -ErrorAction Stop 4>&1

            (Get-CsPhoneNumberAssignment -TelephoneNumber $number).AssignmentStatus | Should -Be 'unassigned'
            Get-ProvisioningChangeCount | Should -Be $before
            ($messages.Message -join ' ') | Should -BeLike '*nothing to remove*'
        }

        It 'shows instances and numbers as tables by default' {
            (Get-CsPhoneNumberAssignment -TelephoneNumber '+14255550101' | Out-String -Width 400) | Should -BeLike '*PstnAssignmentStatus*'
            (Get-CsOnlineApplicationInstance | Select-Object -First 1 | Out-String -Width 400) | Should -BeLike '*UserPrincipalName*PhoneNumber*'
        }

        It 'refuses a Calling Plan number for an account without the PSTN licence (PstnLicenseRequired), saying what to do' {
            $number = New-FreeNumber
            $before = Get-ProvisioningChangeCount
            $result = Invoke-Captured { Set-CsPhoneNumberAssignment -Identity 'megan@contoso.onmicrosoft.com' -TelephoneNumber $number -NumberType CallingPlan }
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -Be 'PstnLicenseRequired,CommsInvite.Commands.SetCsPhoneNumberAssignmentCommand'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $result.Errors[0].Exception.Message | Should -BeLike '*Set-CsGraphUserLicense*MCOPSTN1*'
            (Get-CsPhoneNumberAssignment -TelephoneNumber $number).PstnAssignmentStatus | Should -Be 'Unassigned'
        }

        It 'refuses a Calling Plan number for a new resource account without a usage location (UsageLocationRequired)' {
            $upn = New-TestUpn 'nolocation'
            $number = New-FreeNumber
            $result = Invoke-Captured {
                New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName 'No location' -ApplicationId $AppId |
                    Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru
            }
            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UsageLocationRequired,*'
            $result.Errors[0].Exception.Message | Should -BeLike '*-UsageLocation*'
        }
    }
}

Describe 'Application instances against Microsoft 365 (through MicrosoftTeams)' {
    BeforeAll {
        Disconnect-CsGraph -ErrorAction SilentlyContinue
    }

    It 'says how to get MicrosoftTeams when it is not installed' -Skip:([bool](Get-Module -ListAvailable -Name MicrosoftTeams)) {
        $result = Invoke-Captured { New-CsOnlineApplicationInstance -UserPrincipalName 'bot@contoso.com' -DisplayName Bot -ApplicationId $AppId }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'MicrosoftTeamsModuleRequired,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'NotInstalled'
        $result.Errors[0].Exception.Message | Should -BeLike '*Install-Module MicrosoftTeams; Connect-MicrosoftTeams*'
    }

    It 'rejects bad input before looking for MicrosoftTeams' {
        $result = Invoke-Captured { New-CsOnlineApplicationInstance -UserPrincipalName 'not a upn' -DisplayName Bot -ApplicationId $AppId }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUserPrincipalName,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    Context 'with a stand-in MicrosoftTeams module' -Skip:([bool](Get-Module -ListAvailable -Name MicrosoftTeams)) {
        BeforeAll {
            $standInFolder = Join-Path $TempFolder 'MicrosoftTeams'
            $null = New-Item -ItemType Directory -Path $standInFolder -Force
            $standIn = Join-Path $standInFolder 'MicrosoftTeams.psm1'
            # It fails as MicrosoftTeams' generated cmdlets are observed to (a RestException with StatusCode, category
            # InvalidOperation, the HTTP status name as the error id), in German, so only the id can be read.
            Set-Content -LiteralPath $standIn -Value @'
class RestException : System.Exception {
    [System.Net.HttpStatusCode] $StatusCode
    RestException([string] $message, [System.Net.HttpStatusCode] $status) : base($message) { $this.StatusCode = $status }
}
function Write-TeamsError($Cmdlet, [string] $Message, [System.Net.HttpStatusCode] $Status, $Target) {
    $Cmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([RestException]::new($Message, $Status), "$Status", 'InvalidOperation', $Target))
}
$script:instances = [ordered]@{}
$script:creates = 0
$script:syncs = 0
function New-CsOnlineApplicationInstance {
    [CmdletBinding()]
    param([string] $UserPrincipalName, [string] $ApplicationId, [string] $DisplayName)
    $script:creates++
    $instance = [pscustomobject]@{ ObjectId = [guid]::NewGuid(); UserPrincipalName = $UserPrincipalName; ApplicationId = [guid] $ApplicationId; DisplayName = $DisplayName; PhoneNumber = $null }
    $script:instances[$UserPrincipalName] = $instance
    $instance
}
function Get-CsOnlineApplicationInstance {
    [CmdletBinding()]
    param([string] $Identity, [string] $Identities, [int] $ResultSize, [int] $Skip, [switch] $Force)
    if ($Identities) { $script:lastGet = @{} + $PSBoundParameters }
    if (-not $Identity) { return $script:instances.Values }
    foreach ($instance in $script:instances.Values) {
        if ($instance.UserPrincipalName -eq $Identity -or "$($instance.ObjectId)" -eq $Identity) { return $instance }
    }
    Write-TeamsError $PSCmdlet "Die Anwendungsinstanz '$Identity' wurde nicht gefunden." NotFound $Identity
}
function Sync-CsOnlineApplicationInstance {
    [CmdletBinding()]
    param([string] $ObjectId, [string] $ApplicationId, [string] $CallbackUri, [string] $AcsResourceId, [switch] $Force)
    $script:syncs++
    $script:lastSync = @{} + $PSBoundParameters
    if ($script:syncs -eq 1) { Write-TeamsError $PSCmdlet "Das Objekt $ObjectId ist noch nicht repliziert." NotFound $ObjectId }
}
function Get-StandInCounters { [pscustomobject]@{ Creates = $script:creates; Syncs = $script:syncs; LastSync = $script:lastSync; LastGet = $script:lastGet } }
'@
            Import-Module -Name $standIn -Force -Global -ErrorAction Stop
        }

        AfterAll {
            Remove-Module -Name MicrosoftTeams -ErrorAction SilentlyContinue
        }

        It 'creates and syncs through MicrosoftTeams, retrying while the account replicates' {
            $bot = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName 'bot@contoso.com' -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                CommsInvite\Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop
            $bot.GetType().FullName | Should -Be 'CommsInvite.Core.Provisioning.ApplicationInstance'
            $bot.UserPrincipalName | Should -Be 'bot@contoso.com'
            $bot.ApplicationId | Should -Be $AppId
            (Get-StandInCounters).Creates | Should -Be 1
            (Get-StandInCounters).Syncs | Should -Be 2
        }

        It 'reuses the instance on a re-run, and refuses its UPN for another application' {
            $null = CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName 'bot@contoso.com' -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop
            (Get-StandInCounters).Creates | Should -Be 1
            $result = Invoke-Captured { CommsInvite\New-CsOnlineApplicationInstance -UserPrincipalName 'bot@contoso.com' -DisplayName Bot -ApplicationId ([guid]::NewGuid()) }
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'UserPrincipalNameTaken,*'
        }

        It 'passes the parameters only MicrosoftTeams can honour through to it' {
            $acs = [guid]::NewGuid().ToString()
            $bot = CommsInvite\Get-CsOnlineApplicationInstance -Identity 'bot@contoso.com' -ErrorAction Stop
            CommsInvite\Sync-CsOnlineApplicationInstance -ObjectId $bot.ObjectId -CallbackUri 'https://bot.contoso.com/api/calls' -AcsResourceId $acs -Force -ErrorAction Stop
            $sync = (Get-StandInCounters).LastSync
            $sync.CallbackUri | Should -Be 'https://bot.contoso.com/api/calls'
            $sync.AcsResourceId | Should -Be $acs
            $sync.Force | Should -BeTrue

            $null = CommsInvite\Get-CsOnlineApplicationInstance -Identities 'bot@contoso.com,other@contoso.com' -ResultSize 10 -Skip 1 -ErrorAction Stop
            $get = (Get-StandInCounters).LastGet
            $get.Identities | Should -Be 'bot@contoso.com,other@contoso.com'
            $get.ResultSize | Should -Be 10
            $get.Skip | Should -Be 1
        }
    }
}
