#Requires -Version 7.4
# Pester 5: Test-CsGraphBotReadiness against the emulator (a bot provisioned by the README pipeline passes; each broken
# setup fails the right check with its fix), and the service refusals the module explains (RecommendedAction).
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Readiness' -ArgumentList @('--answer-delay-ms', '200', '--replication-delay-ms', '300')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    $script:AppId = $Connection.clientId
    $script:CallbackUri = 'http://127.0.0.1:9/callback'
    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    function New-TestUpn([string]$Prefix) { "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com" }

    # A number the tenant holds, unassigned, that no other test uses.
    function New-FreeNumber([string[]]$Capabilities) {
        $number = '+1206558' + (Get-Random -Minimum 1000 -Maximum 9999)
        $body = @{ telephoneNumber = $number; numberType = 'callingPlan' }
        if ($Capabilities) { $body.capabilities = $Capabilities }
        Invoke-EmulatorAdmin 'numbers' $body | Out-Null
        $number
    }

    # Connects as another app registered in the emulator (roles, calling, tenant as given).
    function Connect-AsClient([string[]]$Roles, [hashtable]$Extra = @{}) {
        $clientId = [guid]::NewGuid().ToString()
        $secretText = "Readiness-$clientId"
        Invoke-EmulatorAdmin 'clients' (@{ clientId = $clientId; clientSecret = $secretText; roles = $Roles } + $Extra) | Out-Null
        $secret = ConvertTo-SecureString -String $secretText -AsPlainText -Force
        Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -TenantId $Connection.tenantId -ClientId $clientId -ClientSecret $secret -ErrorAction Stop
        $clientId
    }

    $script:AllRoles = @('Calls.InitiateGroupCall.All', 'Calls.Initiate.All', 'Calls.JoinGroupCall.All', 'Organization.Read.All', 'User.ReadWrite.All',
        'LicenseAssignment.ReadWrite.All', 'TeamsTelephoneNumber.ReadWrite.All', 'TeamsAppInstance.ReadWrite.All', 'TeamsUserConfiguration.Read.All')

    # The README's pipeline.
    Connect-Emulator
    $number = (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1 -ErrorAction Stop).TelephoneNumber
    $script:Bot = New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'readybot') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
        Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
        Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
        Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru -ErrorAction Stop
    $script:BotNumber = $number
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module CommsInvite -Force -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Test-CsGraphBotReadiness' {
    BeforeEach { Connect-Emulator }

    It 'reports no Failed check for a bot provisioned by the README pipeline' {
        $checks = @($Bot | Test-CsGraphBotReadiness -PhoneNumber '+14255550123' -ErrorAction Stop)
        $checks.Check | Should -Be @('Connection', 'Tenant', 'Instance', 'AccountType', 'UsageLocation', 'Licenses', 'PhoneNumber', 'EnterpriseVoice', 'DialTarget')
        $checks | Where-Object Status -ne 'Passed' | ForEach-Object { "$($_.Check) $($_.Status): $($_.Detail)" } | Should -BeNullOrEmpty
        ($checks | Where-Object Check -eq 'PhoneNumber').Detail | Should -BeLike "*$BotNumber*"
        $checks | ForEach-Object { $_.Fix } | Where-Object { $_ } | Should -BeNullOrEmpty
        Test-CsGraphBotReadiness -Identity $Bot.UserPrincipalName -Quiet | Should -BeTrue
    }

    It 'fails <Check> for <Name>, with a fix' -ForEach @(
        @{ Name = 'no number'; Check = 'PhoneNumber'; Fix = '*Set-CsPhoneNumberAssignment*'; Setup = {
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'nonumber') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
                    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop } }
        @{ Name = 'wrong app id'; Check = 'Instance'; Fix = '*Set-CsOnlineApplicationInstance*-ApplicationId*'; Setup = {
                $n = New-FreeNumber
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'otherapp') -DisplayName Bot -ApplicationId ([guid]::NewGuid()) -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
                    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
                    Set-CsPhoneNumberAssignment -TelephoneNumber $n -NumberType CallingPlan -PassThru -ErrorAction Stop } }
        @{ Name = 'no usage location'; Check = 'UsageLocation'; Fix = '*-UsageLocation*'; Setup = {
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'nolocation') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop } }
        @{ Name = 'no calling plan'; Check = 'Licenses'; Fix = '*MCOPSTN1*'; Setup = {
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'noplan') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
                    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER -UsageLocation US -PassThru -ErrorAction Stop } }
        @{ Name = 'not synced'; Check = 'Instance'; Fix = '*Sync-CsOnlineApplicationInstance*'; Setup = {
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'nosync') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop } }
        @{ Name = 'a user number'; Check = 'PhoneNumber'; Fix = '*service number*'; Setup = {
                $n = New-FreeNumber -Capabilities 'userAssignment'
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'usernumber') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
                    Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
                    Set-CsPhoneNumberAssignment -TelephoneNumber $n -NumberType CallingPlan -PassThru -ErrorAction Stop } }
        @{ Name = 'no Teams Phone licence'; Check = 'EnterpriseVoice'; Fix = '*PHONESYSTEM_VIRTUALUSER*'; Setup = {
                New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'noev') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
                    Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
                    Set-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop } }
    ) {
        $instance = & $Setup
        $checks = @(Test-CsGraphBotReadiness -Identity $instance.ObjectId -ErrorAction Stop)
        $failed = $checks | Where-Object Check -eq $Check
        $failed.Status | Should -Be 'Failed' -Because ($checks | Format-Table -AutoSize | Out-String)
        $failed.Fix | Should -BeLike $Fix
        $failed.Detail | Should -Not -BeNullOrEmpty
        Test-CsGraphBotReadiness -Identity $instance.ObjectId -Quiet | Should -BeFalse
    }

    It 'fails Connection for a missing role, and names the role in the fix' {
        $roles = $AllRoles | Where-Object { $_ -ne 'Calls.InitiateGroupCall.All' }
        Connect-AsClient -Roles $roles | Out-Null
        $check = Test-CsGraphBotReadiness -Identity $Bot.ObjectId -ErrorAction Stop | Where-Object Check -eq 'Connection'
        $check.Status | Should -Be 'Failed'
        $check.Detail | Should -BeLike '*Calls.InitiateGroupCall.All*'
        $check.Fix | Should -BeLike '*Calls.InitiateGroupCall.All*Grant admin consent*'
    }

    It 'fails Tenant for a token from another tenant' {
        $other = [guid]::NewGuid().ToString()
        Connect-AsClient -Roles $AllRoles -Extra @{ tenantId = $other } | Out-Null
        $check = Test-CsGraphBotReadiness -Identity $Bot.ObjectId -ErrorAction Stop | Where-Object Check -eq 'Tenant'
        $check.Status | Should -Be 'Failed'
        $check.Detail | Should -BeLike "*$other*"
        $check.Fix | Should -BeLike "*Connect-CsGraph -TenantId $($Connection.tenantId)*"
    }

    It 'skips the checks whose permission the connection lacks, naming it' {
        Connect-AsClient -Roles ($AllRoles | Where-Object { $_ -notin 'TeamsUserConfiguration.Read.All', 'TeamsTelephoneNumber.ReadWrite.All' }) | Out-Null
        $checks = @(Test-CsGraphBotReadiness -Identity $Bot.ObjectId -ErrorAction Stop)
        foreach ($name in 'AccountType', 'EnterpriseVoice', 'Tenant') {
            $check = $checks | Where-Object Check -eq $name
            $check.Status | Should -Be 'Skipped'
            $check.Detail | Should -BeLike '*TeamsUserConfiguration.Read.All*'
        }
        ($checks | Where-Object Check -eq 'PhoneNumber').Detail | Should -BeLike '*TeamsTelephoneNumber.Read.All*'
        ($checks | Where-Object Check -eq 'UsageLocation').Status | Should -Be 'Passed'
    }

    It 'judges the callback address: <Uri> is <Status>' -ForEach @(
        @{ Uri = 'https://127.0.0.1/api/calls'; Status = 'Failed' }
        @{ Uri = 'https://localhost/api/calls'; Status = 'Failed' }
        @{ Uri = 'http://127.0.0.1:9/callback'; Status = 'Failed' }
        @{ Uri = 'https://203.0.113.10/api/calls'; Status = 'Warning' }
        @{ Uri = 'https://no-such-host.invalid/api/calls'; Status = 'Failed' }
    ) {
        $check = Test-CsGraphBotReadiness -Identity $Bot.ObjectId -CallbackUri $Uri -ErrorAction Stop | Where-Object Check -eq 'CallbackUri'
        $check.Status | Should -Be $Status
        $check.Fix | Should -BeLike '*https*public host name*'
    }

    It 'reads a meeting join link and compares its tenant' {
        $meeting = Invoke-EmulatorAdmin 'meetings' @{ subject = 'Readiness' }
        $checks = @(Test-CsGraphBotReadiness -Identity $Bot.ObjectId -JoinWebUrl $meeting.joinWebUrl -ErrorAction Stop)
        ($checks | Where-Object Check -eq 'Meeting').Status | Should -Be 'Passed'
        ($checks | Where-Object Check -eq 'Connection').Detail | Should -BeLike '*Calls.JoinGroupCall.All*'
    }

    It 'reports a bad identity in the pipeline and checks the next one' {
        $result = Invoke-Captured { @([pscustomobject]@{ ObjectId = 'not a bot' }, $Bot) | Test-CsGraphBotReadiness -Quiet }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $result.Output | Should -Be @($true)
    }

    It 'never shows the token or the client secret' {
        $text = Test-CsGraphBotReadiness -Identity $Bot.ObjectId | Format-List * | Out-String
        $text | Should -Not -BeLike "*$($Connection.clientSecret)*"
        $text | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}'
    }
}

Describe 'Service refusals explained' {
    BeforeEach { Connect-Emulator }

    It 'explains 7503 (calling not enabled) on New-CsGraphCall' {
        Connect-AsClient -Roles $AllRoles -Extra @{ callingEnabled = $false } | Out-Null
        $result = Invoke-Captured { New-CsGraphCall -CallbackUri $CallbackUri -ThreadId '19:meeting_refused@thread.v2' }
        $result.Errors.Count | Should -Be 1
        "$($result.Errors[0].ErrorDetails.Message) $($result.Errors[0].Exception.Message)" | Should -BeLike '*7503*'
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Enable calling*Test-CsGraphBotReadiness*'
    }

    It 'explains 7505 (another tenant) on New-CsGraphCall' {
        Connect-AsClient -Roles $AllRoles -Extra @{ tenantId = [guid]::NewGuid().ToString() } | Out-Null
        $result = Invoke-Captured { New-CsGraphCall -CallbackUri $CallbackUri -ThreadId '19:meeting_refused@thread.v2' }
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Connect-CsGraph -TenantId*Test-CsGraphBotReadiness*'
    }

    It 'explains 7507 (an instance of another app) on New-CsGraphCall' {
        $other = New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'foreign') -DisplayName Bot -ApplicationId ([guid]::NewGuid()) -ErrorAction Stop
        $result = Invoke-Captured { New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $other.ObjectId }
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*-ApplicationId*Test-CsGraphBotReadiness*'
    }

    It 'explains 412#10073 on the failed invite, in the error and on the outcome' {
        $noNumber = New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn 'sponsorless') -DisplayName Bot -ApplicationId $AppId -ErrorAction Stop |
            Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop
        $call = New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $noNumber.ObjectId -ErrorAction Stop
        $result = Invoke-Captured {
            Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '+14255550111' -ErrorAction Stop | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2
        }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Set-CsPhoneNumberAssignment*Test-CsGraphBotReadiness*'
        $outcome = $result.Output | Where-Object { $_.Status -eq 'Failed' }
        $outcome.RecommendedAction | Should -Be $result.Errors[0].ErrorDetails.RecommendedAction
    }

    It 'explains 403#10151 on a dial-out from a meeting joined without an application instance' {
        $meeting = Invoke-EmulatorAdmin 'meetings' @{ subject = 'Refusals' }
        $call = New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl $meeting.joinWebUrl -ErrorAction Stop
        $result = Invoke-Captured {
            Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '+14255550112' -ErrorAction Stop | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2
        }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Exception.DiagnosticCode | Should -Be '403#10151'
        $result.Errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*-SourceApplicationInstanceId*Test-CsGraphBotReadiness*'
    }
}
