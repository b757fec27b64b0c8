#Requires -Version 7.4
# Pester 5 tests for PowerShell's error conventions in every exported cmdlet (docs/ARCHITECTURE.md, "Errors"): a
# record that names nothing is a non-terminating error with its stable id and ObjectNotFound, and the pipeline goes
# on with the next record; -ErrorAction Stop still stops there; an error is terminating only when nothing can go on
# (not connected, malformed input, a stopped pipeline). Run in a real pwsh against the built module
# (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).
#
# Cmdlets without a not-found case, and why (the table below covers every other exported cmdlet):
# - Connect-CsGraph: it names nothing to look up; when it cannot connect, nothing can go on (terminating).
# - Disconnect-CsGraph, Get-CsGraphContext, Stop-CsGraphNotificationListener: no connection or no listener is not an
#   error (a verbose line), as there is nothing to name.
# - New-CsGraphInvitationParticipant: builds objects locally; malformed input is its only error (bad-input table).
# - Start-CsGraphNotificationListener: starts a listener; it looks nothing up.
# - New-CsOnlineApplicationInstance: creates (an existing account is reused), so nothing can be "not found".
# - New-CsGraphCall: creates a call; its nearest case, joining a meeting the service cannot find, is
#   MeetingJoinFailed with InvalidResult, because the service does not tell an unknown meeting from a refused join.
#   It is covered as a record failure below (non-terminating, the next join goes ahead).

BeforeDiscovery {
    # Each row: the cmdlet, the error id its not-found case gives, that case (run with the common parameters it is
    # given), and for a cmdlet that takes pipeline input, a two-record pipeline whose first record fails.
    $script:NotFoundCases = @(
        @{ Cmdlet = 'Get-CsGraphCall'; ErrorId = 'CallNotFound'
            NotFound = { param($Common) Get-CsGraphCall -CallId $EndedCallId @Common } }
        @{ Cmdlet = 'Get-CsGraphCallParticipant'; ErrorId = 'CallNotFound'
            NotFound = { param($Common) Get-CsGraphCallParticipant -CallId $EndedCallId @Common } }
        @{ Cmdlet = 'Invoke-CsGraphParticipantInvite'; ErrorId = 'CallNotFound'
            NotFound = { param($Common) Invoke-CsGraphParticipantInvite -CallId $EndedCallId -UserId $Users[0] @Common } }
        @{ Cmdlet = 'Wait-CsGraphInviteOperation'; ErrorId = 'CallEnded'
            NotFound = { param($Common) $EndedOperation | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 @Common } }
        @{ Cmdlet = 'Remove-CsGraphCall'; ErrorId = 'CallNotFound'
            NotFound = { param($Common) Remove-CsGraphCall -CallId $EndedCallId -Confirm:$false @Common } }
        @{ Cmdlet = 'Remove-CsGraphCallParticipant'; ErrorId = 'ParticipantNotFound'
            NotFound = { param($Common) Remove-CsGraphCallParticipant -CallId $LiveCall.Id -ParticipantId ([guid]::NewGuid()) -Confirm:$false @Common } }
        @{ Cmdlet = 'Get-CsOnlineApplicationInstance'; ErrorId = 'ApplicationInstanceNotFound'
            NotFound = { param($Common) Get-CsOnlineApplicationInstance -Identity $NobodyUpn @Common } }
        @{ Cmdlet = 'Set-CsOnlineApplicationInstance'; ErrorId = 'ApplicationInstanceNotFound'
            NotFound = { param($Common) Set-CsOnlineApplicationInstance -Identity $NobodyUpn -DisplayName 'Nobody' -Confirm:$false @Common } }
        @{ Cmdlet = 'Sync-CsOnlineApplicationInstance'; ErrorId = 'ApplicationInstanceNotFound'
            NotFound = { param($Common) Sync-CsOnlineApplicationInstance -ObjectId $NobodyUpn -Timeout 5 @Common } }
        @{ Cmdlet = 'Set-CsGraphUserLicense'; ErrorId = 'UserNotFound'
            NotFound = { param($Common) Set-CsGraphUserLicense -Identity $NobodyUpn -SkuPartNumber MCOPSTN1 -UsageLocation US -Confirm:$false @Common } }
        @{ Cmdlet = 'Remove-CsGraphUserLicense'; ErrorId = 'UserNotFound'
            NotFound = { param($Common) Remove-CsGraphUserLicense -Identity $NobodyUpn -SkuPartNumber MCOPSTN1 -Confirm:$false @Common } }
        # Get-CsPhoneNumberAssignment takes no pipeline input: its rows have no pipeline.
        @{ Cmdlet = 'Get-CsPhoneNumberAssignment'; ErrorId = 'NumberNotFound'
            NotFound = { param($Common) Get-CsPhoneNumberAssignment -TelephoneNumber $UnknownNumber @Common } }
        @{ Cmdlet = 'Get-CsPhoneNumberAssignment'; ErrorId = 'UserNotFound'
            NotFound = { param($Common) Get-CsPhoneNumberAssignment -AssignedPstnTargetId $NobodyUpn @Common } }
        @{ Cmdlet = 'Set-CsPhoneNumberAssignment'; ErrorId = 'NumberNotFound'
            NotFound = { param($Common) Set-CsPhoneNumberAssignment -Identity $Instance.ObjectId -TelephoneNumber $UnknownNumber -NumberType CallingPlan -Confirm:$false @Common } }
        @{ Cmdlet = 'Remove-CsPhoneNumberAssignment'; ErrorId = 'NumberNotFound'
            NotFound = { param($Common) Remove-CsPhoneNumberAssignment -Identity $Instance.ObjectId -TelephoneNumber $UnknownNumber -Confirm:$false @Common } }
        @{ Cmdlet = 'Set-CsOnlineVoiceApplicationInstance'; ErrorId = 'NumberNotFound'
            NotFound = { param($Common) Set-CsOnlineVoiceApplicationInstance -Identity $Instance.ObjectId -TelephoneNumber $UnknownNumber -Confirm:$false -WarningAction SilentlyContinue @Common } }
        @{ Cmdlet = 'ConvertFrom-CsGraphNotification'; ErrorId = 'NotificationFileNotFound'
            NotFound = { param($Common) ConvertFrom-CsGraphNotification -LiteralPath $MissingFile @Common } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.ErrorConventions' -ArgumentList @('--answer-delay-ms', '300', '--replication-delay-ms', '100')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    $script:Users = Get-TestSeededUsers
    $script:CallbackUri = 'http://127.0.0.1:9/callback'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    function New-TestUpn([string]$Prefix) {
        "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
    }

    # A number the tenant holds, unassigned, that no other test uses.
    function New-FreeNumber {
        $number = '+1206556' + (Get-Random -Minimum 1000 -Maximum 9999)
        $null = Invoke-EmulatorAdmin 'numbers' @{ telephoneNumber = $number; numberType = 'callingPlan' }
        $number
    }

    # A synced application instance (a resource account), fresh for each test that changes one.
    function New-TestInstance([string]$Prefix) {
        New-CsOnlineApplicationInstance -UserPrincipalName (New-TestUpn $Prefix) -DisplayName $Prefix -ApplicationId $Connection.clientId -ErrorAction Stop |
            Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop
    }

    # An instance licensed for a calling-plan number (licences and usage location), ready for one.
    function New-LicensedInstance([string]$Prefix) {
        New-TestInstance $Prefix | Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -Confirm:$false -ErrorAction Stop
    }

    # Runs a row's script with -ErrorAction SilentlyContinue -ErrorVariable; returns its output, its errors and
    # whatever it threw (nothing, if the convention holds).
    function Invoke-SilentlyContinue([scriptblock]$Script) {
        $err = $null
        $thrown = $null
        $output = @()
        try {
            $output = @(. $Script @{ ErrorAction = 'SilentlyContinue'; ErrorVariable = 'err' })
        }
        catch {
            $thrown = $_
        }
        [pscustomobject]@{ Output = $output; Errors = @($err); Thrown = $thrown }
    }

    Connect-Emulator

    # A call that has ended (hung up), and its invite operation, still running when the call went away.
    $ended = New-TestCall 'errconv-ended'
    $script:EndedCallId = $ended.Id
    $script:EndedOperation = Invoke-CsGraphParticipantInvite -CallId $EndedCallId -UserId $Users[1] -ErrorAction Stop
    Remove-CsGraphCall -CallId $EndedCallId -Confirm:$false -ErrorAction Stop
    $script:LiveCall = New-TestCall 'errconv-live'

    $script:NobodyUpn = New-TestUpn 'nobody'
    $script:UnknownNumber = '+19995550199'
    $script:MissingFile = Join-Path $TempFolder 'no-such-notification.json'
    $script:Instance = New-TestInstance 'errconv-bot'
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'A record that names nothing' {
    It '<Cmdlet>: <ErrorId> is non-terminating, ObjectNotFound, with -ErrorAction SilentlyContinue -ErrorVariable' -ForEach $NotFoundCases {
        $result = Invoke-SilentlyContinue $NotFound

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId.Split(',')[0] | Should -Be $ErrorId
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'still stops the script with -ErrorAction Stop (ActionPreferenceStopException with the same id)' {
        $caught = $null
        try {
            Get-CsGraphCall -CallId $EndedCallId -ErrorAction Stop
            'not reached'
        }
        catch [System.Management.Automation.ActionPreferenceStopException] {
            $caught = $_
        }

        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId.Split(',')[0] | Should -Be 'CallNotFound'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Remove-CsGraphCall -CallId $EndedCallId -Confirm:$false -ErrorAction Stop; 'not reached' } | Should -Throw -ErrorId 'CallNotFound,CommsInvite.Commands.RemoveCsGraphCallCommand'
    }

    It 'is terminating when nothing can go on: not connected, even with -ErrorAction SilentlyContinue' {
        Disconnect-CsGraph
        try {
            $thrown = $null
            try {
                $EndedCallId, $LiveCall.Id | Get-CsGraphCall -ErrorAction SilentlyContinue
            }
            catch {
                $thrown = $_
            }
            $thrown.FullyQualifiedErrorId.Split(',')[0] | Should -Be 'NotConnected'
        }
        finally {
            Connect-Emulator
        }
    }

    It 'is terminating for a malformed single value, before any request' {
        $thrown = $null
        try {
            Get-CsPhoneNumberAssignment -TelephoneNumber 'not a number' -ErrorAction SilentlyContinue
        }
        catch {
            $thrown = $_
        }
        $thrown.FullyQualifiedErrorId.Split(',')[0] | Should -Be 'InvalidPhoneNumber'
    }

    It 'Get-CsOnlineApplicationInstance -Identities: each one that names nothing is its own error' {
        $result = Invoke-SilentlyContinue { param($Common) Get-CsOnlineApplicationInstance -Identities "$NobodyUpn,$($Instance.ObjectId)" @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Output.ObjectId | Should -Be $Instance.ObjectId
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId.Split(',')[0] | Should -Be 'ApplicationInstanceNotFound'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'A two-record pipeline whose first record fails and whose second succeeds' {
    It 'Get-CsGraphCall: an ended call id, then a live one' {
        $result = Invoke-SilentlyContinue { param($Common) $EndedCallId, $LiveCall.Id | Get-CsGraphCall @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $result.Output.Id | Should -Be $LiveCall.Id
    }

    It 'Get-CsGraphCallParticipant: an ended call, then a live one' {
        $result = Invoke-SilentlyContinue { param($Common) $EndedCallId, $LiveCall.Id | Get-CsGraphCallParticipant @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $result.Output.Count | Should -BeGreaterThan 0
        $result.Output.CallId | Select-Object -Unique | Should -Be $LiveCall.Id
    }

    It 'Invoke-CsGraphParticipantInvite: an ended call, then a live one' {
        $calls = [pscustomobject]@{ CallId = $EndedCallId }, [pscustomobject]@{ CallId = $LiveCall.Id }
        $result = Invoke-SilentlyContinue { param($Common) $calls | Invoke-CsGraphParticipantInvite -UserId $Users[2] -Confirm:$false @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $result.Output.Count | Should -Be 1
        $result.Output[0].CallId | Should -Be $LiveCall.Id
        ($result.Output | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop).Status | Should -Be 'Completed'
    }

    It 'Wait-CsGraphInviteOperation: an operation on an ended call, then one on a live call' {
        $live = Invoke-CsGraphParticipantInvite -CallId $LiveCall.Id -UserId $Users[3] -ErrorAction Stop
        $result = Invoke-SilentlyContinue { param($Common) $EndedOperation, $live | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'CallEnded,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($result.Output.Status)" | Should -Be 'CallEnded Completed'
    }

    It 'Remove-CsGraphCall: an ended call, then a live one, which is hung up' {
        $doomed = New-TestCall 'errconv-doomed'
        $result = Invoke-SilentlyContinue { param($Common) $EndedCallId, $doomed.Id | Remove-CsGraphCall -Confirm:$false @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        (Invoke-Captured { Get-CsGraphCall -CallId $doomed.Id }).Errors.FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
    }

    It 'Remove-CsGraphCallParticipant: a participant not in the roster, then one who is, who is removed' {
        $null = Invoke-CsGraphParticipantInvite -CallId $LiveCall.Id -UserId $Users[4] -ErrorAction Stop | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $entry = Get-CsGraphCallParticipant -CallId $LiveCall.Id -ErrorAction Stop | Where-Object { $_.Info.Identity.User.Id -eq $Users[4] }
        $entry | Should -Not -BeNullOrEmpty
        $records = [pscustomobject]@{ CallId = $LiveCall.Id; Id = [guid]::NewGuid().ToString() }, $entry
        $result = Invoke-SilentlyContinue { param($Common) $records | Remove-CsGraphCallParticipant -Confirm:$false @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'ParticipantNotFound,*'
        @(Get-CsGraphCallParticipant -CallId $LiveCall.Id -ErrorAction Stop | Where-Object { $_.Id -eq $entry.Id }).Count | Should -Be 0
    }

    It 'New-CsGraphCall: a meeting the service cannot join (MeetingJoinFailed), then one it can' {
        $meeting = Invoke-EmulatorAdmin 'meetings' @{ subject = 'errconv' }
        $joins = [pscustomobject]@{ JoinMeetingId = '999000999001' }, [pscustomobject]@{ JoinMeetingId = $meeting.joinMeetingId; Passcode = $meeting.passcode }
        $result = Invoke-SilentlyContinue { param($Common) $joins | New-CsGraphCall -CallbackUri $CallbackUri -Confirm:$false @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'MeetingJoinFailed,*'
        $result.Output.Count | Should -Be 1
        $result.Output[0].MeetingInfo.JoinMeetingId | Should -Be $meeting.joinMeetingId
    }

    It 'Get-CsOnlineApplicationInstance: an unknown account, then an instance' {
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $Instance
        $result = Invoke-SilentlyContinue { param($Common) $records | Get-CsOnlineApplicationInstance @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'ApplicationInstanceNotFound,*'
        $result.Output.ObjectId | Should -Be $Instance.ObjectId
    }

    It 'Set-CsOnlineApplicationInstance: an unknown account, then an instance, which is renamed' {
        $bot = New-TestInstance 'errconv-rename'
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $bot
        $result = Invoke-SilentlyContinue { param($Common) $records | Set-CsOnlineApplicationInstance -DisplayName 'Renamed bot' -Confirm:$false @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'ApplicationInstanceNotFound,*'
        $result.Output.DisplayName | Should -Be 'Renamed bot'
        (Get-CsOnlineApplicationInstance -Identity $bot.ObjectId -ErrorAction Stop).DisplayName | Should -Be 'Renamed bot'
    }

    It 'Sync-CsOnlineApplicationInstance: an unknown account, then an instance' {
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $Instance
        $result = Invoke-SilentlyContinue { param($Common) $records | Sync-CsOnlineApplicationInstance -PassThru -Timeout 30 @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'ApplicationInstanceNotFound,*'
        $result.Output.ObjectId | Should -Be $Instance.ObjectId
    }

    It 'Set-CsGraphUserLicense and Remove-CsGraphUserLicense: an unknown account, then an instance' {
        $bot = New-TestInstance 'errconv-licence'
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $bot
        $set = Invoke-SilentlyContinue { param($Common) $records | Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER -UsageLocation US -PassThru -Confirm:$false @Common }

        $set.Thrown | Should -BeNullOrEmpty
        $set.Errors.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $set.Output.ObjectId | Should -Be $bot.ObjectId
        ((Invoke-EmulatorAdmin 'users').value | Where-Object id -eq $bot.ObjectId).usageLocation | Should -Be 'US'

        $removed = Invoke-SilentlyContinue { param($Common) $records | Remove-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER -PassThru -Confirm:$false @Common }

        $removed.Thrown | Should -BeNullOrEmpty
        $removed.Errors.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $removed.Output.ObjectId | Should -Be $bot.ObjectId
        # The licence is gone: removing it again only warns that the account does not hold it.
        $null = Remove-CsGraphUserLicense -Identity $bot.ObjectId -SkuPartNumber PHONESYSTEM_VIRTUALUSER -Confirm:$false -ErrorAction Stop -WarningVariable warned -WarningAction SilentlyContinue
        "$warned" | Should -BeLike '*LicenseNotAssigned*'
    }

    It 'Set-CsPhoneNumberAssignment and Remove-CsPhoneNumberAssignment: an unknown account, then an instance' {
        $bot = New-LicensedInstance 'errconv-number'
        $number = New-FreeNumber
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $bot
        $set = Invoke-SilentlyContinue { param($Common) $records | Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru -Confirm:$false @Common }

        $set.Thrown | Should -BeNullOrEmpty
        $set.Errors.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $set.Output.ObjectId | Should -Be $bot.ObjectId
        (Get-CsPhoneNumberAssignment -TelephoneNumber $number -ErrorAction Stop).AssignedPstnTargetId | Should -Be $bot.ObjectId

        $removed = Invoke-SilentlyContinue { param($Common) $records | Remove-CsPhoneNumberAssignment -TelephoneNumber $number -Confirm:$false @Common }

        $removed.Thrown | Should -BeNullOrEmpty
        $removed.Errors.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        (Get-CsPhoneNumberAssignment -TelephoneNumber $number -ErrorAction Stop).AssignedPstnTargetId | Should -BeNullOrEmpty
    }

    It 'Set-CsOnlineVoiceApplicationInstance: an unknown account, then an instance, which gets the number' {
        $bot = New-LicensedInstance 'errconv-voice'
        $number = New-FreeNumber
        $records = [pscustomobject]@{ ObjectId = $NobodyUpn }, $bot
        $result = Invoke-SilentlyContinue { param($Common) $records | Set-CsOnlineVoiceApplicationInstance -TelephoneNumber $number -PassThru -Confirm:$false -WarningAction SilentlyContinue @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $result.Output.ObjectId | Should -Be $bot.ObjectId
        (Get-CsPhoneNumberAssignment -TelephoneNumber $number -ErrorAction Stop).AssignedPstnTargetId | Should -Be $bot.ObjectId
    }

    It 'ConvertFrom-CsGraphNotification: a file that does not exist, then one that does' {
        $file = Join-Path $TempFolder 'errconv-notification.json'
        $operationId = [guid]::NewGuid().ToString()
        @{
            value = @(@{
                    '@odata.type' = '#microsoft.graph.commsNotification'
                    changeType    = 'deleted'
                    resource      = "/app/calls/$($LiveCall.Id)/operations/$operationId"
                    resourceUrl   = "/communications/calls/$($LiveCall.Id)/operations/$operationId"
                    resourceData  = @{ '@odata.type' = '#microsoft.graph.inviteParticipantsOperation'; id = $operationId; status = 'completed'; clientContext = 'errconv'; participants = @() }
                })
        } | ConvertTo-Json -Depth 6 -Compress | Set-Content -LiteralPath $file
        $records = [pscustomobject]@{ LiteralPath = $MissingFile }, [pscustomobject]@{ LiteralPath = $file }
        $result = Invoke-SilentlyContinue { param($Common) $records | ConvertFrom-CsGraphNotification @Common }

        $result.Thrown | Should -BeNullOrEmpty
        $result.Errors.FullyQualifiedErrorId | Should -BeLike 'NotificationFileNotFound,*'
        $result.Output.OperationId | Should -Be $operationId
    }
}
