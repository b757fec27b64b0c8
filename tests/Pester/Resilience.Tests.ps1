#Requires -Version 7.4
# Pester 5 resilience tests for CommsInvite, mirroring tests/CommsInvite.PowerShell.Tests/Chaos*, BadInput*, Secrets* and Transport* (engine tests), run in
# a real pwsh against the built module (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Resilience' -ArgumentList @('--answer-delay-ms', '40')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection

    # Seeded in the emulator (docs/emulator.md): users who answer, and one who always declines.
    $script:Users = Get-TestSeededUsers
    $script:DecliningUser = Get-TestDecliningUser
    # Notifications go nowhere (delivery failures are not fatal); loopback http is accepted for callbacks.
    $script:CallbackUri = 'http://127.0.0.1:9/callback'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    function script:Invoke-Admin([string]$Method, [string]$Path, $Body) {
        $arguments = @{ Method = $Method; Uri = "$($Connection.adminEndpoint)/$Path"; SkipCertificateCheck = $true }
        if ($null -ne $Body) {
            $arguments.Body = ($Body | ConvertTo-Json -Depth 5)
            $arguments.ContentType = 'application/json'
        }
        Invoke-RestMethod @arguments
    }

    function script:Get-ServiceRequests {
        $routes = (Get-EmulatorStats).requestsPerRoute
        ($routes.PSObject.Properties | Where-Object { $_.Name -notlike '*/_emulator*' } | Measure-Object -Property Value -Sum).Sum
    }

    function script:Get-ClientCounters {
        $store = (Get-Command Connect-CsGraph).ImplementingType.Assembly.GetType('CommsInvite.Commands.Infrastructure.SessionStore', $true)
        $store::Get([System.Management.Automation.Runspaces.Runspace]::DefaultRunspace).Connection.Statistics
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Chaos: 200 invites through the cmdlets under each fault mix' {
    BeforeAll {
        # The 401 mix invites 9 users per call: the seeded users who answer (docs/emulator.md).
        $script:NineUsers = @($Users) + @('0f4e8d2c-9b1a-4e6f-a7c3-5d2e1f0a9b64', '6b2a9c8d-3e4f-4a1b-b5c6-7d8e9f0a1b75', 'e7d6c5b4-a3f2-4e1d-8c9b-0a1f2e3d4c86')
    }

    AfterEach {
        Invoke-Admin DELETE 'faults' | Out-Null
    }

    It 'puts each participant in the roster exactly once under <Mix>' -ForEach @(
        @{ Mix = '429 Retry-After seconds and HTTP-date'; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 3; MaxRetryTotalTime = 60 }; Rules = @(
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'throttle'; retryAfterSeconds = 0; probability = 0.2 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'throttle'; retryAfterSeconds = 1; retryAfterDate = $true; probability = 0.1; count = 3 }
                @{ route = '/communications/calls/[^/]+/participants$'; method = 'GET'; kind = 'throttle'; retryAfterSeconds = 0; probability = 0.1 }) }
        @{ Mix = '503 and 504, latency'; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 0.25; MaxRetryTotalTime = 60 }; Rules = @(
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'unavailable'; retryAfterSeconds = 0; probability = 0.1 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'unavailable'; probability = 0.05 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'gatewayTimeout'; probability = 0.05 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'latency'; latencyMs = 30; probability = 0.2 }) }
        @{ Mix = 'connection resets before and after processing'; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 0.25; MaxRetryTotalTime = 60 }; Rules = @(
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'resetBefore'; probability = 0.1 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'resetAfter'; probability = 0.15 }
                @{ route = '/communications/calls/[^/]+/participants$'; method = 'GET'; kind = 'resetAfter'; probability = 0.05 }) }
        @{ Mix = 'truncated and non-JSON bodies'; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 0.25; MaxRetryTotalTime = 60 }; Rules = @(
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'truncate'; probability = 0.15 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'nonJson'; probability = 0.1 }
                @{ route = '/communications/calls/[^/]+$'; method = 'GET'; kind = 'nonJson'; probability = 0.05 }) }
        @{ Mix = 'expired tokens'; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 0.25; MaxRetryTotalTime = 60 }; Rules = @(); ExpiredTokenPerCall = $true }
        # 180 invitees over 20 calls; no route means every Graph route, so every GET the invites and the wait send. One
        # invite answer in five is lost after the service acted: its roster read meets the 401s too.
        @{ Mix = '30 % of every GET answered 401'; Calls = 20; UsersPerCall = 9; Connect = @{ MaxRetryCount = 10; MaxRetryDelay = 0.25; MaxRetryTotalTime = 60 }; Rules = @(
                @{ method = 'GET'; kind = 'expiredToken'; probability = 0.3 }
                @{ route = '/participants/invite$'; method = 'POST'; kind = 'resetAfter'; probability = 0.2 }) }
    ) {
        $connectParameters = $Connect
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile @connectParameters -ErrorAction Stop
        $tag = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $callCount = if ($Calls) { $Calls } else { 40 }
        $perCall = if ($UsersPerCall) { $UsersPerCall } else { 5 }
        $invites = $callCount * $perCall
        $callIds = foreach ($i in 1..$callCount) { (New-TestCall "chaos_${tag}_$i").Id }
        $invitees = $NineUsers[0..($perCall - 1)]
        # A token is renewed once per request on a 401, so expired-token faults are aimed: each call's first invite gets one.
        $rules = @($Rules) + @(if ($ExpiredTokenPerCall) { foreach ($id in $callIds) { @{ route = "/calls/$id/participants/invite$"; method = 'POST'; kind = 'expiredToken'; count = 1 } } })
        $before = Get-EmulatorStats
        $countersBefore = Get-ClientCounters
        foreach ($rule in $rules) { Invoke-Admin POST 'faults' $rule | Out-Null }

        $result = Invoke-Captured {
            & { foreach ($callId in $callIds) { foreach ($userId in $invitees) { Invoke-CsGraphParticipantInvite -CallId $callId -UserId $userId } } } |
                Wait-CsGraphInviteOperation -Timeout 90 -PollInterval 0.25
        }
        Invoke-Admin DELETE 'faults' | Out-Null

        $after = Get-EmulatorStats
        $counters = Get-ClientCounters
        $calls = Invoke-Admin GET 'calls'
        $lost = 0
        $duplicated = 0
        foreach ($callId in $callIds) {
            $roster = @(($calls | Where-Object id -EQ $callId).roster)
            foreach ($userId in $invitees) {
                $entries = @($roster | Where-Object identityId -EQ $userId).Count
                if ($entries -eq 0) { $lost++ } elseif ($entries -gt 1) { $duplicated += $entries - 1 }
            }
        }
        $faults = $after.faultsInjectedTotal - $before.faultsInjectedTotal
        $duplicateInvites = $after.duplicateInvites - $before.duplicateInvites
        Write-Host ("chaos [{0}]: {8} invites ({9} calls x {10} users), faults injected {1}, retries made {2}, checked against the roster {3}, token refreshes {4}, invites lost {5}, duplicated {6} (DuplicateInvites {7})" -f
            $Mix, $faults, ($counters.Retries - $countersBefore.Retries), ($counters.AmbiguousFailures - $countersBefore.AmbiguousFailures),
            ($counters.ForcedTokenRefreshes - $countersBefore.ForcedTokenRefreshes), $lost, $duplicated, $duplicateInvites, $invites, $callCount, $perCall)

        $faults | Should -BeGreaterThan 0
        $result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" } | Should -BeNullOrEmpty
        @($result.Output | Where-Object { "$($_.Status)" -eq 'Completed' }).Count | Should -Be $invites
        $lost | Should -Be 0
        $duplicated | Should -Be 0
        $duplicateInvites | Should -Be 0
        ($after.invitesReceived - $before.invitesReceived) | Should -Be $invites
    }
}

Describe 'Ctrl+C under endless throttling' {
    It 'stops a retry loop at once and leaves the session usable' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Manifest, $File, $Callback, $User)
                    Import-Module -Name $Manifest -ErrorAction Stop
                    Connect-CsGraph -EmulatorConnectionFile $File -MaxRetryCount 100 -MaxRetryDelay 3600 -MaxRetryTotalTime 7200 -ErrorAction Stop
                    $call = New-CsGraphCall -CallbackUri $Callback -ThreadId '19:meeting_pester_stop@thread.v2' -ErrorAction Stop
                    Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $User -Wait -Timeout 900
                }).AddArgument($ManifestPath).AddArgument($ConnectionFile).AddArgument($CallbackUri).AddArgument($Users[5])
            Invoke-Admin POST 'faults' @{ route = '/participants/invite$'; method = 'POST'; kind = 'throttle'; retryAfterSeconds = 600 } | Out-Null
            $throttledBefore = [long](Get-EmulatorStats).faultsInjected.throttle
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ([long](Get-EmulatorStats).faultsInjected.throttle -le $throttledBefore -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

            $ps.Stop()

            # A hang guard, not a timing test: without Ctrl+C working this would take ten minutes.
            $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(60)) | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Invoke-Admin DELETE 'faults' | Out-Null
            $ps.Commands.Clear()
            $null = $ps.AddScript({ param($User) Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $User -Wait -Timeout 30 -PollInterval 0.2 -ErrorAction Stop }).AddArgument($Users[5])
            $again = $ps.Invoke()
            "$($again[0].Status)" | Should -Be 'Completed'
        }
        finally {
            Invoke-Admin DELETE 'faults' | Out-Null
            $ps.Dispose()
        }
    }
}

Describe 'An answer that stalls mid-body' {
    It 'gives the invite up after -RequestTimeout and settles it from the roster, inviting nobody twice' {
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -RequestTimeout 1 -ErrorAction Stop
        try {
            $call = New-TestCall 'pester_stall'
            Invoke-Admin POST 'faults' @{ route = '/participants/invite$'; method = 'POST'; kind = 'stallBody'; count = 1 } | Out-Null
            $before = Get-EmulatorStats
            $clock = [System.Diagnostics.Stopwatch]::StartNew()

            $all = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[4] -Verbose -ErrorAction Stop 4>&1
            $clock.Stop()

            $operation = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
            $operation.Count | Should -Be 1
            $operation[0].RecoveredFromRoster | Should -BeTrue
            $verbose | Should -BeLike '*No response within*'
            $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
            $after = Get-EmulatorStats
            ($after.duplicateInvites - $before.duplicateInvites) | Should -Be 0
            @(Get-CsGraphCallParticipant -CallId $call.Id | Where-Object { $_.Info.Identity.User.Id -eq $Users[4] }).Count | Should -Be 1
        }
        finally {
            Invoke-Admin DELETE 'faults' | Out-Null
            Connect-Emulator
        }
    }
}

Describe 'Bad input gets its error id and category before any request' {
    BeforeAll {
        Connect-Emulator
        $script:BadCallId = (New-TestCall 'pester_badinput').Id
    }

    It '<Name>' -ForEach @(
        @{ Name = 'bad GUID'; Script = { Invoke-CsGraphParticipantInvite -CallId $BadCallId -UserId 'not-a-guid' }; ErrorId = 'InvalidGuid'; Category = 'InvalidArgument' }
        @{ Name = 'not E.164'; Script = { New-CsGraphInvitationParticipant -PhoneNumber '2345678901' }; ErrorId = 'InvalidPhoneNumber'; Category = 'InvalidArgument' }
        @{ Name = 'six participants'; Script = { Invoke-CsGraphParticipantInvite -CallId $BadCallId -UserId ($Users + $DecliningUser) }; ErrorId = 'TooManyParticipants'; Category = 'InvalidArgument' }
        @{ Name = 'replacesCallId with two'; Script = { Invoke-CsGraphParticipantInvite -CallId $BadCallId -UserId $Users[0], $Users[1] -ReplacesCallId 57dab8b1-894c-409a-b240-bd8beae78896 }; ErrorId = 'ReplacesCallIdWithMultipleParticipants'; Category = 'InvalidArgument' }
        @{ Name = '257-char clientContext'; Script = { Invoke-CsGraphParticipantInvite -CallId $BadCallId -UserId $Users[0] -ClientContext ('x' * 257) }; ErrorId = 'ClientContextTooLong'; Category = 'InvalidArgument' }
        @{ Name = 'call id with a slash'; Script = { Get-CsGraphCall -CallId '../users' }; ErrorId = 'InvalidCallId'; Category = 'InvalidArgument' }
        @{ Name = 'http callback to another host'; Script = { New-CsGraphCall -CallbackUri 'http://bot.contoso.com/callback' }; ErrorId = 'InvalidUri'; Category = 'InvalidArgument' }
        @{ Name = 'negative retry count'; Script = { Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -MaxRetryCount -1 }; ErrorId = 'InvalidArgument'; Category = 'InvalidArgument' }
        @{ Name = 'zero total retry time'; Script = { Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -MaxRetryTotalTime 0 }; ErrorId = 'InvalidArgument'; Category = 'InvalidArgument' }
        @{ Name = 'zero request timeout'; Script = { Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -RequestTimeout 0 }; ErrorId = 'InvalidArgument'; Category = 'InvalidArgument' }
        @{ Name = 'request timeout over an hour'; Script = { Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -RequestTimeout 01:00:01 }; ErrorId = 'InvalidArgument'; Category = 'InvalidArgument' }
        @{ Name = 'a string piped where an operation is expected'; Script = { 'not-an-operation' | Wait-CsGraphInviteOperation }; ErrorId = 'InputObjectNotBound'; Category = 'InvalidArgument' }
        @{ Name = 'a participant piped where a call is expected'; Script = { New-CsGraphInvitationParticipant -UserId $Users[0] | Get-CsGraphCallParticipant }; ErrorId = 'InvalidCallId'; Category = 'InvalidArgument' }
    ) {
        $before = Get-ServiceRequests
        $result = Invoke-Captured $Script
        $after = Get-ServiceRequests

        $result.Errors.Count | Should -BeGreaterThan 0
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        "$($result.Errors[0].CategoryInfo.Category)" | Should -Be $Category
        # The admin stats request itself is not counted (only identity and Graph routes are).
        $after | Should -Be $before
    }
}

Describe 'Secrets never leak' {
    It 'keeps a canary client secret out of every stream, error, context and file' {
        $canary = 'Canary-Client-Secret-Pester-7f3a9c1e-DoNotLeak'
        $clientId = [guid]::NewGuid().ToString()
        Invoke-Admin POST 'clients' @{ clientId = $clientId; clientSecret = $canary; roles = @('Calls.InitiateGroupCall.All', 'Calls.Initiate.All', 'Calls.JoinGroupCall.All') } | Out-Null
        $secret = ConvertTo-SecureString -String $canary -AsPlainText -Force
        $wrong = ConvertTo-SecureString -String "Wrong-$canary" -AsPlainText -Force
        $Error.Clear()

        $everything = & {
            # -Debug without -Verbose makes pwsh inquire on every verbose line (its own behaviour, fatal in a
            # non-interactive run), so debug output is asked for through the preference variable instead.
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
            # Some steps below fail on purpose; their errors are part of what is checked, so they must not stop the
            # block (Pester's own try/catch would otherwise take a statement-terminating error as the test's failure).
            $ErrorActionPreference = 'Continue'
            Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -TenantId $Connection.tenantId -ClientId $clientId -ClientSecret $secret -PassThru -Verbose
            Get-CsGraphContext | Format-List * | Out-String
            $call = New-CsGraphCall -CallbackUri $CallbackUri -ThreadId '19:meeting_pester_secrets@thread.v2' -Verbose
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -Verbose | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -Verbose
            Get-CsGraphCallParticipant -CallId $call.Id -Verbose
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $DecliningUser -Wait -Timeout 30 -PollInterval 0.2 -Verbose
            try { Get-CsGraphCall -CallId 11111111-2222-3333-4444-555555555555 -Verbose } catch { $_ }
            Disconnect-CsGraph -Verbose
            try { Connect-CsGraph -EmulatorConnectionFile $ConnectionFile -TenantId $Connection.tenantId -ClientId $clientId -ClientSecret $wrong -Verbose } catch { $_ }
        } *>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                $_ | Format-List * -Force | Out-String
                $e = $_.Exception
                while ($e) { $e.ToString(); $e = $e.InnerException }
                "$($_.ErrorDetails) $($_.TargetObject)"
            }
            else {
                $_ | Format-List * -Force | Out-String
            }
        } | Out-String
        $everything += ($Error | ForEach-Object { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() }) -join "`n"

        $everything.Length | Should -BeGreaterThan 1000
        $everything | Should -Not -BeLike "*$canary*"
        $everything | Should -Not -Match 'eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}'
        foreach ($folder in @((Join-Path $RepoRoot 'out'), $TempFolder)) {
            Get-ChildItem -LiteralPath $folder -Recurse -File | Select-String -SimpleMatch -Pattern $canary -List | Should -BeNullOrEmpty
        }
        Connect-Emulator
    }
}

Describe 'Transport' {
    It 'refuses a connection file whose <Field> is <Value>' -ForEach @(
        @{ Field = 'graphEndpoint'; Value = 'http://127.0.0.1:{port}' }
        @{ Field = 'authorityHost'; Value = 'https://login.contoso.example:{port}' }
        @{ Field = 'graphEndpoint'; Value = 'https://graph.contoso.example:{port}' }
    ) {
        $port = ([uri]$Connection.graphEndpoint).Port
        $changed = Get-Content -LiteralPath $ConnectionFile -Raw | ConvertFrom-Json
        $changed.$Field = $Value.Replace('{port}', "$port")
        $file = Join-Path $TempFolder "$([guid]::NewGuid().ToString('N')).json"
        $changed | ConvertTo-Json | Set-Content -LiteralPath $file
        $before = Get-ServiceRequests

        $result = Invoke-Captured { Connect-CsGraph -EmulatorConnectionFile $file }

        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'EmulatorConnectionFileInvalid,*'
        "$($result.Errors[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        Get-ServiceRequests | Should -Be $before
    }

    It 'fails the TLS handshake with a ConnectionError when the pinned thumbprint is wrong' {
        $changed = Get-Content -LiteralPath $ConnectionFile -Raw | ConvertFrom-Json
        $changed.certificateThumbprint = '0123456789ABCDEF0123456789ABCDEF01234567'
        $file = Join-Path $TempFolder 'wrong-thumbprint.json'
        $changed | ConvertTo-Json | Set-Content -LiteralPath $file
        $tokensBefore = (Get-EmulatorStats).tokensIssued

        $result = Invoke-Captured { Connect-CsGraph -EmulatorConnectionFile $file }

        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        "$($result.Errors[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
        "$($result.Errors[0].ErrorDetails) $($result.Errors[0].Exception.Message)" | Should -BeLike '*thumbprint*'
        (Get-EmulatorStats).tokensIssued | Should -Be $tokensBefore
    }
}
