#Requires -Version 7.4
# Pester 5 tests of Wait-CsGraphInviteOperation under faults, run in a real pwsh against the built module (out/CommsInvite)
# and an emulator started here on a free port: every operation yields exactly one outcome, a failed poll never ends the
# wait of the others, and failed operations carry the service's diagnostic code.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Wait' -ArgumentList @('--answer-delay-ms', '100')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    $script:Users = Get-TestSeededUsers
    $script:DecliningUser = Get-TestDecliningUser
    # Notifications go nowhere (delivery failures are not fatal): these waits poll.
    $script:CallbackUri = 'http://127.0.0.1:9/callback'
    # The reads a wait makes: the call, its roster and the operation.
    $script:Reads = '/communications/calls/[^/]+(/participants|/operations/[^/]+)?$'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    function script:Invoke-Admin([string]$Method, [string]$Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$($Connection.adminEndpoint)/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) {
            $arguments.Body = ($Body | ConvertTo-Json -Depth 5)
            $arguments.ContentType = 'application/json'
        }
        Invoke-RestMethod @arguments
    }

    # 8 calls x 5 invitees, one operation each (40); the fifth invitee always declines.
    function script:New-FortyOperations([string]$Tag) {
        $invitees = @($Users[0..3]) + $DecliningUser
        foreach ($c in 1..8) {
            $call = New-TestCall "wait_${Tag}_$c"
            foreach ($user in $invitees) { Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $user -ErrorAction Stop }
        }
    }

    # Runs the wait with debug output on (the waiter logs each failed poll it tries again) and sorts what came back.
    function script:Invoke-Wait($Operations, [hashtable]$Parameters) {
        $DebugPreference = 'Continue'
        $waitErrors = $null
        $all = @($Operations | Wait-CsGraphInviteOperation @Parameters -ErrorVariable waitErrors -ErrorAction SilentlyContinue 5>&1)
        [pscustomobject]@{
            Outcomes = @($all | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] })
            Debug    = @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
            Errors   = @($waitErrors)
        }
    }

    # Exactly one outcome per operation, in input order; the declined ones Failed with their own error, the rest Completed.
    function script:Assert-OneOutcomeEach($Operations, $Result) {
        $Result.Outcomes.Count | Should -Be $Operations.Count
        @($Result.Outcomes.OperationId) | Should -Be @($Operations.Id)
        @($Result.Outcomes.OperationId | Select-Object -Unique).Count | Should -Be $Operations.Count
        $declined = @($Operations | Where-Object { $_.Participants[0].Identity.User.Id -eq $DecliningUser } | ForEach-Object Id)
        foreach ($outcome in $Result.Outcomes) {
            $expected = if ($outcome.OperationId -in $declined) { 'Failed' } else { 'Completed' }
            "$($outcome.Status)" | Should -Be $expected -Because "operation $($outcome.OperationId): $($outcome.Error.Message)"
        }
        $Result.Errors.Count | Should -Be $declined.Count
        @($Result.Errors | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] } | Select-Object -Unique) | Should -Be @('InviteOperationFailed')
        @($Result.Errors.TargetObject.Id | Sort-Object) | Should -Be @($declined | Sort-Object)
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Wait-CsGraphInviteOperation under faults' {
    BeforeEach {
        # One retry per request, so that polls really fail and the wait has to try them again.
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -MaxRetryCount 1 -MaxRetryDelay 0.2 -RequestTimeout 1 -ErrorAction Stop
    }

    AfterEach {
        Invoke-Admin DELETE 'faults' | Out-Null
    }

    It 'loses no outcome of 40 operations with faults on every kind of request' {
        $operations = @(New-FortyOperations 'mix')
        $operations.Count | Should -Be 40
        foreach ($kind in 'throttle', 'unavailable', 'gatewayTimeout', 'resetBefore', 'resetAfter', 'truncate', 'nonJson', 'expiredToken') {
            Invoke-Admin POST 'faults' @{ route = $Reads; method = 'GET'; kind = $kind; retryAfterSeconds = 0; probability = 0.06 } | Out-Null
        }
        Invoke-Admin POST 'faults' @{ route = $Reads; method = 'GET'; kind = 'latency'; latencyMs = 20; probability = 0.1 } | Out-Null
        # A 401 makes the client renew its token: the token endpoint fails too.
        Invoke-Admin POST 'faults' @{ route = '/oauth2/v2.0/token$'; kind = 'resetBefore'; probability = 0.2 } | Out-Null
        $before = [long](Get-EmulatorStats).faultsInjectedTotal

        $result = Invoke-Wait $operations @{ Strategy = 'Poll'; PollInterval = 0.1; Timeout = 90; ThrottleLimit = 8 }

        ([long](Get-EmulatorStats).faultsInjectedTotal - $before) | Should -BeGreaterThan 20
        @($result.Debug | Where-Object { $_ -like '*trying again at the next interval*' }).Count | Should -BeGreaterThan 0 -Because 'some polls failed after their retries and were tried again'
        Assert-OneOutcomeEach $operations $result
    }

    It 'survives two expired-token 401s in a row on one poll' {
        $operations = [System.Collections.Generic.List[object]]::new()
        $operations.AddRange(@(New-FortyOperations '401'))
        # Only this operation's polls read this call, so both 401s hit the same GET: the token renewal between them
        # (one per request) does not help, and that poll fails.
        $victimCall = New-TestCall 'wait_401_victim'
        $victim = Invoke-CsGraphParticipantInvite -CallId $victimCall.Id -UserId $Users[5] -ErrorAction Stop
        $operations.Insert(20, $victim)
        $rule = Invoke-Admin POST 'faults' @{ route = "/communications/calls/$($victimCall.Id)$"; method = 'GET'; kind = 'expiredToken'; count = 2 }

        $result = Invoke-Wait $operations.ToArray() @{ Strategy = 'Poll'; PollInterval = 0.1; Timeout = 60; ThrottleLimit = 8 }

        @((Invoke-Admin GET 'faults') | Where-Object id -eq $rule.id).fired | Should -Be 2
        @($result.Debug | Where-Object { $_ -like "Poll 1 of operation $($victim.Id) failed (AuthenticationFailed*" }).Count | Should -Be 1
        Assert-OneOutcomeEach $operations.ToArray() $result
    }

    It 'gives an operation that cannot be polled its own <Id> error (<Category>) and completes the others' -ForEach @(
        @{ Kind = 'expiredToken'; Id = 'InviteWaitPollFailed'; Category = 'AuthenticationError'; Cause = '*HTTP 401*' }
        @{ Kind = 'resetBefore'; Id = 'InviteWaitPollFailed'; Category = 'ConnectionError'; Cause = '*GraphRequestFailed: GET *' }
        @{ Kind = 'throttle'; Id = 'InviteWaitPollFailed'; Category = 'LimitsExceeded'; Cause = '*HTTP 429*' }
    ) {
        $open = New-TestCall "wait_open_$Kind"
        $blocked = New-TestCall "wait_blocked_$Kind"
        $operations = @(
            Invoke-CsGraphParticipantInvite -CallId $open.Id -UserId $Users[0] -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $blocked.Id -UserId $Users[1] -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $open.Id -UserId $Users[2] -ErrorAction Stop
        )
        Invoke-Admin POST 'faults' @{ route = "/communications/calls/$($blocked.Id)"; method = 'GET'; kind = $Kind; retryAfterSeconds = 0 } | Out-Null

        $result = Invoke-Wait $operations @{ Strategy = 'Poll'; PollInterval = 0.1; Timeout = 3 }

        @($result.Outcomes.Status | ForEach-Object { "$_" }) | Should -Be @('Completed', 'TimedOut', 'Completed')
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($result.Errors[0].CategoryInfo.Category)" | Should -Be $Category
        $result.Errors[0].TargetObject.Id | Should -Be $operations[1].Id
        $result.Errors[0].Exception.Message | Should -BeLike $Cause
        $result.Errors[0].Exception.InnerException.RequestId + $result.Errors[0].Exception.InnerException.ClientRequestId | Should -Not -BeNullOrEmpty
    }
}

Describe 'Diagnostic codes' {
    BeforeAll {
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
    }

    It 'puts the service''s DiagCode on failed outcomes and their errors' {
        # A call with no application instance behind it has no PSTN sponsor: the phone invite fails with 412.
        $call = New-TestCall 'wait_diag'
        $operations = @(
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $DecliningUser -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -PhoneNumber '+14255550100' -ErrorAction Stop
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[3] -ErrorAction Stop
        )

        $result = Invoke-Wait $operations @{ PollInterval = 0.1; Timeout = 30 }

        @($result.Outcomes.DiagnosticCode) | Should -Be @('410#301004', '412#10073', $null)
        @($result.Errors.Exception.DiagnosticCode) | Should -Be @('410#301004', '412#10073')
        $result.Errors[1].ToString() | Should -BeLike '*DiagCode: 412#10073*'
        ($result.Outcomes[1] | Format-List -Property DiagnosticCode | Out-String) | Should -BeLike '*412#10073*'
    }
}

Describe 'Ctrl+C during a wait whose polls are throttled for ten minutes' {
    It 'stops at once, after emitting the outcome already known' {
        $ps = [powershell]::Create()
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        try {
            $null = $ps.AddScript({
                    param($Manifest, $File, $Callback, $Answering, $Blocked)
                    Import-Module -Name $Manifest -ErrorAction Stop
                    Connect-CsGraph -EmulatorConnectionFile $File -MaxRetryCount 100 -MaxRetryDelay 3600 -MaxRetryTotalTime 7200 -ErrorAction Stop
                    $open = New-CsGraphCall -CallbackUri $Callback -ThreadId '19:meeting_wait_stop_open@thread.v2' -ErrorAction Stop
                    $first = Invoke-CsGraphParticipantInvite -CallId $open.Id -UserId $Answering -ErrorAction Stop
                    $second = Invoke-CsGraphParticipantInvite -CallId $Blocked -UserId $Answering -ErrorAction Stop
                    $first, $second | Wait-CsGraphInviteOperation -Strategy Poll -PollInterval 0.1 -Timeout 900
                }).AddArgument($ManifestPath).AddArgument($ConnectionFile).AddArgument($CallbackUri).AddArgument($Users[4])
            $blocked = New-TestCall 'wait_stop_blocked'
            $null = $ps.AddArgument($blocked.Id)
            Invoke-Admin POST 'faults' @{ route = "/communications/calls/$($blocked.Id)$"; method = 'GET'; kind = 'throttle'; retryAfterSeconds = 600 } | Out-Null
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($output.Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $output.Count | Should -Be 1 -Because 'the first outcome is emitted while the second is still pending'
            "$($output[0].Status)" | Should -Be 'Completed'

            $ps.Stop()

            # A hang guard, not a timing test: without Ctrl+C working this would take ten minutes.
            $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $output.Count | Should -Be 1
        }
        finally {
            Invoke-Admin DELETE 'faults' | Out-Null
            $ps.Dispose()
        }
    }
}
