#Requires -Version 7.4
# Pester 5 tests for joining Teams meetings and ending what the module started (docs/meetings.md): join by link
# and by meeting id, dial a phone in from a provisioned bot, remove the phone, hang up (twice), remove a licence,
# and -WhatIf sending nothing. Runs in a real pwsh against the built module (out/CommsInvite) and an emulator
# started here on a free port. Prerequisite: `dotnet build CommsInvite.sln`.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Meetings' -ArgumentList @('--answer-delay-ms', '200', '--replication-delay-ms', '200')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    $script:CallbackUri = 'http://127.0.0.1:9/callback'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop
    Connect-Emulator

    # A new online meeting: id, joinWebUrl, joinMeetingId, passcode, threadId, organizerId.
    function New-TestMeeting([string]$Subject = 'Pester meeting') {
        Invoke-EmulatorAdmin 'meetings' @{ subject = $Subject }
    }

    # Every Graph request so far (tokens and the admin endpoint left out).
    function Get-GraphRequestCount {
        $routes = (Get-EmulatorStats).requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if ($property.Name -like '*/v1.0/*' -or $property.Name -like '*/beta/*') { $total += $property.Value }
        }
        $total
    }

    # Graph requests that change something (POST, PATCH, DELETE).
    function Get-GraphChangeCount {
        $routes = (Get-EmulatorStats).requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if (($property.Name -like '*/v1.0/*' -or $property.Name -like '*/beta/*') -and $property.Name -notlike 'GET *') { $total += $property.Value }
        }
        $total
    }

    # A bot (application instance) with PHONESYSTEM_VIRTUALUSER, MCOPSTN1 and a number of its own.
    $number = '+1206556' + (Get-Random -Minimum 1000 -Maximum 9999)
    $null = Invoke-EmulatorAdmin 'numbers' @{ telephoneNumber = $number; numberType = 'callingPlan' }
    $upn = "meetbot-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
    $script:Bot = New-CsOnlineApplicationInstance -UserPrincipalName $upn -DisplayName 'Meeting bot' -ApplicationId $Connection.clientId -ErrorAction Stop |
        Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
        Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
        Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru -ErrorAction Stop
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Joining a Teams meeting' {
    It 'joins by the join link: established, on the meeting''s thread, with the organizer in the roster' {
        $meeting = New-TestMeeting

        $call = New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl $meeting.joinWebUrl -ErrorAction Stop

        $call.State | Should -Be 'established'
        $call.ChatInfo.ThreadId | Should -Be $meeting.threadId
        $call.ChatInfo.MessageId | Should -Be '0'
        $call.MeetingInfo.Organizer.User.Id | Should -Be $meeting.organizerId
        $roster = Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop
        @($roster | Where-Object { $_.Info.Identity.User.Id -eq $meeting.organizerId }).Count | Should -Be 1
    }

    It 'joins by meeting id (with spaces, as Teams shows it) and passcode' {
        $meeting = New-TestMeeting
        $spaced = ($meeting.joinMeetingId -split '(?<=\G...)' | Where-Object { $_ }) -join ' '

        $call = New-CsGraphCall -CallbackUri $CallbackUri -JoinMeetingId $spaced -Passcode $meeting.passcode -ErrorAction Stop

        $call.State | Should -Be 'established'
        $call.MeetingInfo.JoinMeetingId | Should -Be $meeting.joinMeetingId
        $call.ChatInfo.ThreadId | Should -Be $meeting.threadId
        $call.MeetingInfo.Passcode | Should -BeNullOrEmpty
        ($call | ConvertTo-Json -Depth 8) | Should -Not -BeLike "*$($meeting.passcode)*"
    }

    It 'reports a wrong passcode as MeetingJoinFailed, a non-terminating error, and goes on' {
        $meeting = New-TestMeeting

        $result = Invoke-Captured { New-CsGraphCall -CallbackUri $CallbackUri -JoinMeetingId $meeting.joinMeetingId -Passcode 'wrong1'; 'next' }

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'MeetingJoinFailed,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $result.Errors[0].ToString() | Should -Not -BeLike "*$($meeting.passcode)*"
        $result.Output | Should -Be @('next')
    }

    It 'reports an unknown meeting id as MeetingJoinFailed' {
        $result = Invoke-Captured { New-CsGraphCall -CallbackUri $CallbackUri -JoinMeetingId '999000999000' }
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'MeetingJoinFailed,*'
    }

    It 'returns at once with -NoWait' {
        $meeting = New-TestMeeting
        $call = New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl $meeting.joinWebUrl -NoWait -ErrorAction Stop
        $call.State | Should -Be 'establishing'
    }

    It 'refuses a malformed <Name> with <ErrorId> before any request' -TestCases @(
        @{ Name = 'link host'; ErrorId = 'InvalidJoinWebUrl'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl 'https://teams.contoso.com/l/meetup-join/19%3ameeting_x%40thread.v2/0' } }
        @{ Name = 'link context'; ErrorId = 'InvalidJoinWebUrl'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d' } }
        @{ Name = 'meeting id'; ErrorId = 'InvalidJoinMeetingId'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -JoinMeetingId '12ab' } }
        @{ Name = 'passcode'; ErrorId = 'InvalidMeetingPasscode'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -JoinMeetingId 123456789012 -Passcode 'two words' } }
        @{ Name = 'null sponsor'; ErrorId = 'ParameterArgumentValidationError'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -SourceApplicationInstanceId $null } }
        @{ Name = 'empty sponsor'; ErrorId = 'ParameterArgumentValidationError'; Script = { New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl 'https://teams.microsoft.com/meet/123456789?p=x' -SourceApplicationInstanceId '' } }
    ) {
        param($Name, $ErrorId, $Script)
        $before = Get-GraphRequestCount

        $result = Invoke-Captured $Script

        $result.Errors.Count | Should -BeGreaterThan 0
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $result.Output.Count | Should -Be 0
        Get-GraphRequestCount | Should -Be $before
    }

    It 'sends nothing for a join with -WhatIf' {
        $meeting = New-TestMeeting
        $before = Get-GraphRequestCount
        New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl $meeting.joinWebUrl -SourceApplicationInstanceId $Bot.ObjectId -WhatIf | Should -BeNullOrEmpty
        Get-GraphRequestCount | Should -Be $before
    }
}

Describe 'Dialling a phone into a meeting, then ending it all' {
    BeforeAll {
        $script:Meeting = New-TestMeeting 'Dial-in'
        $script:Phone = '+14255550142'
        $script:Outcome = New-CsGraphCall -CallbackUri $CallbackUri -JoinWebUrl $Meeting.joinWebUrl -SourceApplicationInstanceId $Bot.ObjectId -ErrorAction Stop |
            Invoke-CsGraphParticipantInvite -PhoneNumber $Phone -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $script:CallId = $Outcome.CallId
    }

    It 'is one pipeline: the call binds as -CallId and the phone joins' {
        @($Outcome).Count | Should -Be 1
        $Outcome.Status | Should -Be 'Completed'
        $call = Get-CsGraphCall -CallId $CallId -ErrorAction Stop
        $call.ChatInfo.ThreadId | Should -Be $Meeting.threadId
        $call.Source.Identity.ApplicationInstance.Id | Should -Be $Bot.ObjectId
        $phone = Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone }
        @($phone).Count | Should -Be 1
        $phone.MediaStreams.Count | Should -BeGreaterThan 0
    }

    It 'still binds participants piped into Invoke-CsGraphParticipantInvite, and operations into Wait' {
        $user = (Get-TestSeededUsers)[1]
        $outcome = New-CsGraphInvitationParticipant -UserId $user | Invoke-CsGraphParticipantInvite -CallId $CallId -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'
        $outcome.CallId | Should -Be $CallId
    }

    It 'sends nothing when removing the phone with -WhatIf' {
        $before = Get-GraphChangeCount
        Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone } | Remove-CsGraphCallParticipant -WhatIf
        Get-GraphChangeCount | Should -Be $before
        @(Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone }).Count | Should -Be 1
    }

    It 'removes the phone from the roster piped from Get-CsGraphCallParticipant' {
        $entry = Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone }

        $entry | Remove-CsGraphCallParticipant -ErrorAction Stop

        @(Get-CsGraphCallParticipant -CallId $CallId | Where-Object { $_.Info.Identity.Phone.Id -eq $Phone }).Count | Should -Be 0
        $again = Invoke-Captured { $entry | Remove-CsGraphCallParticipant; 'next' }
        $again.Errors.Count | Should -Be 1
        $again.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ParticipantNotFound,*'
        $again.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $again.Output | Should -Be @('next')
    }

    It 'sends nothing when hanging up with -WhatIf' {
        $before = (Get-EmulatorStats).requestsPerRoute.'DELETE /v1.0/communications/calls/{callId}'
        Remove-CsGraphCall -CallId $CallId -WhatIf
        (Get-EmulatorStats).requestsPerRoute.'DELETE /v1.0/communications/calls/{callId}' | Should -Be $before
        (Get-CsGraphCall -CallId $CallId -ErrorAction Stop).Id | Should -Be $CallId
    }

    It 'hangs up the call piped from Get-CsGraphCall; the second hang-up is CallNotFound' {
        Get-CsGraphCall -CallId $CallId | Remove-CsGraphCall -Confirm:$false -ErrorAction Stop

        $gone = Invoke-Captured { Get-CsGraphCall -CallId $CallId }
        $gone.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $twice = Invoke-Captured { Remove-CsGraphCall -CallId $CallId -Confirm:$false; 'next' }
        $twice.Errors.Count | Should -Be 1
        $twice.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $twice.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $twice.Output | Should -Be @('next')
    }

    It 'sends nothing when removing a licence with -WhatIf' {
        $before = Get-GraphChangeCount
        $Bot | Remove-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -WhatIf
        Get-GraphChangeCount | Should -Be $before
    }

    It 'removes a licence after the trial, and a second removal only warns' {
        $before = Get-GraphChangeCount

        $account = $Bot | Remove-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -PassThru -ErrorAction Stop

        $account.ObjectId | Should -Be $Bot.ObjectId
        $account.PhoneNumber | Should -Be $Bot.PhoneNumber
        Get-GraphChangeCount | Should -Be ($before + 1)
        $Bot | Remove-CsGraphUserLicense -SkuPartNumber MCOPSTN1 -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        ($warned -join "`n") | Should -BeLike '*LicenseNotAssigned*'
        Get-GraphChangeCount | Should -Be ($before + 1)
    }
}
