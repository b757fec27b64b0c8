#Requires -Version 7.4
# Pester 5 tests for CommsInvite's notification side: ConvertFrom-CsGraphNotification, the verified listener
# (Start-/Stop-CsGraphNotificationListener), Wait-CsGraphInviteOperation -Strategy, and bulk invites with
# -SplitIntoBatches. The same behaviour as tests/CommsInvite.PowerShell.Tests/Notification*.cs and Bulk*.cs,
# run in a real pwsh against the built module (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Notifications' -ArgumentList @('--answer-delay-ms', '200')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection

    $script:Users = (Get-TestSeededUsers)[0..2]
    # A loopback port nobody listens on: notifications sent there are lost (delivery failures are not fatal).
    $script:CallbackNowhere = 'http://127.0.0.1:9/callback'
    $script:SeedFolder = Join-Path $RepoRoot 'tests/Seeds'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    # Every ```json block of the seeds that is a commsNotifications body.
    function script:Get-SeedNotificationBody([string]$Path) {
        $text = Get-Content -LiteralPath $Path -Raw
        foreach ($match in [regex]::Matches($text, '```json\s*\n(.*?)\n\s*```', 'Singleline')) {
            $block = $match.Groups[1].Value
            if ($block.Contains('microsoft.graph.commsNotifications')) { $block }
        }
    }

    # Waits (at most 20 s) until the condition holds.
    function script:Wait-Until([scriptblock]$Condition) {
        $until = [DateTime]::UtcNow.AddSeconds(20)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $until) { throw "Still false after 20 s: $Condition" }
            Start-Sleep -Milliseconds 100
        }
    }

    # RejectedByReason as a hashtable reason name -> count.
    function script:Get-Rejection($Listener) {
        $counts = @{}
        foreach ($entry in $Listener.Statistics.RejectedByReason.GetEnumerator()) {
            $counts["$($entry.Key)"] = [long]$entry.Value
        }
        $counts
    }

    function script:ConvertTo-Base64Url([byte[]]$Bytes) {
        [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    }

    # A token issuer of our own: an OpenID configuration and JWKS served over loopback HTTP (a bare TcpListener in a
    # background runspace: HttpListener would need a URL reservation on Windows), so the listener's real validation
    # runs against keys this test controls.
    function script:Start-TestIssuer {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $tcp.Start()
        $prefix = "http://127.0.0.1:$($tcp.LocalEndpoint.Port)/"

        $public = $rsa.ExportParameters($false)
        $jwks = @{ keys = @(@{ kty = 'RSA'; use = 'sig'; alg = 'RS256'; kid = 'pester-key'; n = (ConvertTo-Base64Url $public.Modulus); e = (ConvertTo-Base64Url $public.Exponent) }) } |
            ConvertTo-Json -Depth 4 -Compress
        $configuration = @{ issuer = 'https://api.botframework.com'; jwks_uri = "${prefix}keys"; id_token_signing_alg_values_supported = @('RS256') } |
            ConvertTo-Json -Compress

        $server = [powershell]::Create()
        $null = $server.AddScript({
                param($tcp, $configuration, $jwks)
                while ($true) {
                    try { $client = $tcp.AcceptTcpClient() } catch { break }
                    try {
                        $stream = $client.GetStream()
                        $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII, $false, 1024, $true)
                        $requestLine = $reader.ReadLine()
                        do { $line = $reader.ReadLine() } while (-not [string]::IsNullOrEmpty($line))
                        $path = ($requestLine -split ' ')[1]
                        $body = if ($path -like '*/keys') { $jwks } else { $configuration }
                        $bytes = [System.Text.Encoding]::UTF8.GetBytes($body)
                        $head = [System.Text.Encoding]::ASCII.GetBytes("HTTP/1.1 200 OK`r`nContent-Type: application/json`r`nContent-Length: $($bytes.Length)`r`nConnection: close`r`n`r`n")
                        $stream.Write($head, 0, $head.Length)
                        $stream.Write($bytes, 0, $bytes.Length)
                        $stream.Flush()
                    }
                    catch {
                        # One broken request must not end the issuer.
                    }
                    finally {
                        $client.Dispose()
                    }
                }
            }).AddArgument($tcp).AddArgument($configuration).AddArgument($jwks)
        $handle = $server.BeginInvoke()

        [pscustomobject]@{
            Rsa              = $rsa
            Tcp              = $tcp
            Server           = $server
            Handle           = $handle
            KeyId            = 'pester-key'
            ConfigurationUri = "${prefix}.well-known/openid-configuration"
        }
    }

    function script:Stop-TestIssuer($Issuer) {
        $Issuer.Tcp.Stop()
        $null = $Issuer.Handle.AsyncWaitHandle.WaitOne(5000)
        $Issuer.Server.Dispose()
        $Issuer.Rsa.Dispose()
    }

    # An RS256 JWT signed with -Rsa (or with no signature at all: -Unsigned).
    function script:New-TestToken {
        param(
            [System.Security.Cryptography.RSA]$Rsa,
            [string]$KeyId,
            [string]$Audience,
            [string]$Issuer = 'https://api.botframework.com',
            [int]$ExpiresInSeconds = 3600,
            [switch]$Unsigned
        )
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $header = if ($Unsigned) { @{ alg = 'none'; typ = 'JWT' } } else { @{ alg = 'RS256'; typ = 'JWT'; kid = $KeyId } }
        $payload = [ordered]@{ iss = $Issuer; aud = $Audience; nbf = $now - 7200; iat = $now - 7200; exp = $now + $ExpiresInSeconds }
        $signingInput = (ConvertTo-Base64Url ([System.Text.Encoding]::UTF8.GetBytes(($header | ConvertTo-Json -Compress)))) + '.' +
            (ConvertTo-Base64Url ([System.Text.Encoding]::UTF8.GetBytes(($payload | ConvertTo-Json -Compress))))
        if ($Unsigned) { return $signingInput + '.' }
        $signature = $Rsa.SignData([System.Text.Encoding]::ASCII.GetBytes($signingInput),
            [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $signingInput + '.' + (ConvertTo-Base64Url $signature)
    }

    # POSTs a body to the listener; returns the HTTP status code.
    function script:Send-Notification([uri]$Uri, [string]$Token, [string]$Body) {
        $headers = @{}
        if ($Token) { $headers['Authorization'] = "Bearer $Token" }
        (Invoke-WebRequest -Uri $Uri -Method Post -Headers $headers -Body $Body -ContentType 'application/json' -SkipHttpErrorCheck).StatusCode
    }

    function script:New-OperationCompletedBody([string]$CallId, [string]$OperationId) {
        @{
            value = @(@{
                    '@odata.type' = '#microsoft.graph.commsNotification'
                    changeType    = 'deleted'
                    resource      = "/app/calls/$CallId/operations/$OperationId"
                    resourceUrl   = "/communications/calls/$CallId/operations/$OperationId"
                    resourceData  = @{ '@odata.type' = '#microsoft.graph.inviteParticipantsOperation'; id = $OperationId; status = 'completed'; clientContext = 'pester'; participants = @() }
                })
        } | ConvertTo-Json -Depth 6 -Compress
    }
}

AfterAll {
    Stop-CsGraphNotificationListener -ErrorAction SilentlyContinue
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'ConvertFrom-CsGraphNotification' {
    It 'converts every notification body of the seed <Name>' -TestCases @(
        Get-ChildItem -Path (Join-Path $PSScriptRoot '../Seeds') -Filter '*.txt' |
            ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } }
    ) {
        param($Name, $Path)
        $bodies = @(Get-SeedNotificationBody $Path)
        $bodies.Count | Should -Be 8
        foreach ($body in $bodies) {
            $notification = @($body | ConvertFrom-CsGraphNotification -ErrorAction Stop)
            $notification.Count | Should -Be 1
            $notification[0].GetType().Name | Should -BeIn @('OperationNotification', 'RosterNotification')
            $notification[0].CallId | Should -Not -BeNullOrEmpty
        }
    }

    It 'gives the final operation of the seed''s first example' {
        $body = Get-SeedNotificationBody (Get-ChildItem -Path $SeedFolder -Filter '*.txt' | Select-Object -First 1).FullName |
            Where-Object { $_.Contains('"deleted"') } | Select-Object -First 1
        $operation = ConvertFrom-CsGraphNotification -InputObject $body -ErrorAction Stop
        $operation.GetType().Name | Should -Be 'OperationNotification'
        $operation.CallId | Should -Be 'ab6233a5-20b7-4c5e-bea2-ce56c9776429'
        $operation.OperationId | Should -Be 'eec3812a-fdc3-4fb4-825c-a06c9f35414e'
        "$($operation.Status)" | Should -Be 'Completed'
        $operation.IsFinal | Should -BeTrue
    }

    It 'joins the lines Get-Content pipes in, and reads -Path' {
        $body = Get-SeedNotificationBody (Get-ChildItem -Path $SeedFolder -Filter '*.txt' | Select-Object -First 1).FullName |
            Where-Object { $_.Contains('"updated"') -and $_.Contains('"phone"') } | Select-Object -First 1
        $file = Join-Path $TestDrive 'roster.json'
        Set-Content -LiteralPath $file -Value $body

        $fromLines = @(Get-Content -LiteralPath $file | ConvertFrom-CsGraphNotification -ErrorAction Stop)
        $fromPath = @(ConvertFrom-CsGraphNotification -Path $file -ErrorAction Stop)

        $fromLines.Count | Should -Be 1
        $fromLines[0].GetType().Name | Should -Be 'RosterNotification'
        $fromLines[0].Participants[0].Info.Identity.Phone.Id | Should -Be '+12345678901'
        $fromPath.Count | Should -Be 1
        $fromPath[0].CallId | Should -Be $fromLines[0].CallId
    }

    It 'writes NotificationFileNotFound for <Name>' -TestCases @(
        @{ Name = 'a -Path that does not exist'; Script = { ConvertFrom-CsGraphNotification -Path (Join-Path $TempFolder 'no-such-notification.json') } }
        @{ Name = 'a -LiteralPath that does not exist'; Script = { ConvertFrom-CsGraphNotification -LiteralPath (Join-Path $TempFolder 'no-such-notification.json') } }
        @{ Name = 'a -LiteralPath with wildcard characters, taken literally'; Script = { ConvertFrom-CsGraphNotification -LiteralPath (Join-Path $TempFolder 'no-such-[notification]*.json') } }
    ) {
        param($Name, $Script)
        $result = Invoke-Captured $Script
        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotificationFileNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'passes an unknown resource kind through as a GenericNotification' {
        $body = '{"value":[{"changeType":"updated","resource":"/communications/calls/0b1f6a00-1111-2222-3333-444455556666/audioRoutingGroups/x1","resourceData":{"@odata.type":"#microsoft.graph.audioRoutingGroup","id":"x1"}}]}'
        $notification = $body | ConvertFrom-CsGraphNotification -ErrorAction Stop
        $notification.GetType().Name | Should -Be 'GenericNotification'
        "$($notification.Kind)" | Should -Be 'Generic'
        $notification.ResourceDataType | Should -Be '#microsoft.graph.audioRoutingGroup'
    }

    It 'gives an entry it cannot understand as an InvalidNotification and still converts the others' {
        $callId = '0b1f6a00-1111-2222-3333-444455556666'
        $body = '{"value":[{"changeType":"Deleted"},' +
            '{"changeType":"Updated","resource":"/app/calls/' + $callId + '","resourceUrl":"/communications/calls/' + $callId + '","resourceData":{"state":"Established"}},' +
            '{"changeType":"deleted","resourceUrl":"/communications/calls/' + $callId + '/operations/op-1","resourceData":{"id":"op-1","status":"Completed"}}]}'
        $result = Invoke-Captured { ConvertFrom-CsGraphNotification -InputObject $body -WarningVariable warnings -WarningAction SilentlyContinue; $warnings.Count }
        $result.Errors.Count | Should -Be 0
        $result.Output.Count | Should -Be 4
        $result.Output[0].GetType().Name | Should -Be 'InvalidNotification'
        "$($result.Output[0].Kind)" | Should -Be 'Invalid'
        $result.Output[0].Index | Should -Be 0
        $result.Output[0].Reason | Should -BeLike "*neither 'resource' nor 'resourceUrl'*"
        $result.Output[1].GetType().Name | Should -Be 'CallNotification'
        $result.Output[1].State | Should -Be 'Established'
        "$($result.Output[1].ChangeType)" | Should -Be 'Updated'
        $result.Output[2].GetType().Name | Should -Be 'OperationNotification'
        $result.Output[2].OperationId | Should -Be 'op-1'
        "$($result.Output[2].Status)" | Should -Be 'Completed'
        $result.Output[3] | Should -Be 1
    }

    It 'writes a non-terminating InvalidNotificationBody error for <Name>' -TestCases @(
        @{ Name = 'text that is not JSON'; Body = 'this is not json' }
        @{ Name = 'a truncated body'; Body = '{"value":[{"@odata.type":"#microsoft.graph.commsNotification",' }
        @{ Name = 'a value that is not an array'; Body = '{"value":{"changeType":"deleted"}}' }
    ) {
        param($Name, $Body)
        $result = Invoke-Captured { ConvertFrom-CsGraphNotification -InputObject $Body; 'after' }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidNotificationBody,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $result.Output.Count | Should -Be 1
        $result.Output[0] | Should -Be 'after'
    }
}

Describe 'The notification listener with the emulator' {
    BeforeAll {
        Connect-Emulator
    }

    AfterEach {
        Stop-CsGraphNotificationListener
    }

    AfterAll {
        Disconnect-CsGraph
    }

    It 'receives the emulator''s signed notifications for a call that calls it back' {
        $listener = Start-CsGraphNotificationListener -ErrorAction Stop
        $listener.IsRunning | Should -BeTrue
        $listener.Uri | Should -BeLike 'http://*'
        $listener.AppId | Should -Be $Connection.clientId

        $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_pester_listen@thread.v2' -ErrorAction Stop
        $null = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0], $Users[1] -ErrorAction Stop

        Wait-Until { $listener.Statistics.NotificationsReceived -ge 2 }
        $kinds = $listener.Peek() | Where-Object { $_.CallId -eq $call.Id } | ForEach-Object { "$($_.Kind)" }
        $kinds | Should -Contain 'Roster'
        $kinds | Should -Contain 'Operation'
        $listener.Statistics.RequestsRejected | Should -Be 0

        $final = Stop-CsGraphNotificationListener -PassThru
        $final.IsRunning | Should -BeFalse
        $final.Statistics.RequestsAccepted | Should -BeGreaterOrEqual 2
    }

    It 'completes Wait -Strategy Notification from the notification (Source Notification)' {
        $listener = Start-CsGraphNotificationListener -ErrorAction Stop
        $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_pester_strategy@thread.v2' -ErrorAction Stop

        $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[2] -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Strategy Notification -Timeout 30 -ErrorAction Stop

        "$($outcome.Status)" | Should -Be 'Completed'
        "$($outcome.Source)" | Should -Be 'Notification'
    }

    It 'falls back to polling under Auto when the notifications go elsewhere (Source Poll)' {
        $null = Start-CsGraphNotificationListener -ErrorAction Stop
        $call = New-CsGraphCall -CallbackUri $CallbackNowhere -ThreadId '19:meeting_pester_auto@thread.v2' -ErrorAction Stop

        $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Strategy Auto -Timeout 30 -PollInterval 0.2 -ErrorAction Stop

        "$($outcome.Status)" | Should -Be 'Completed'
        "$($outcome.Source)" | Should -Be 'Poll'
    }

    It 'refuses -Strategy Notification without a listener, before waiting' {
        $call = New-CsGraphCall -CallbackUri $CallbackNowhere -ThreadId '19:meeting_pester_nolistener@thread.v2' -ErrorAction Stop
        $operation = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -ErrorAction Stop

        $result = Invoke-Captured { $operation | Wait-CsGraphInviteOperation -Strategy Notification -Timeout 30 }

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotificationListenerNotRunning,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
    }

    It 'refuses the emulator''s notifications as WrongAudience when it listens for another app' {
        $listener = Start-CsGraphNotificationListener -AppId ([guid]::NewGuid().ToString()) -ErrorAction Stop
        $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_pester_audience@thread.v2' -ErrorAction Stop
        $null = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -ErrorAction Stop

        Wait-Until { $listener.Statistics.RequestsRejected -ge 2 }
        (Get-Rejection $listener)['WrongAudience'] | Should -Be 2
        $listener.Statistics.NotificationsReceived | Should -Be 0
    }

    It 'refuses <Name> with <ErrorId>, and nothing listens' -TestCases @(
        @{ Name = 'an application id that is not a GUID'; ErrorId = 'InvalidGuid'; Script = { Start-CsGraphNotificationListener -AppId 'bot' } }
        @{ Name = 'an issuer without a scheme'; ErrorId = 'InvalidUri'; Script = { Start-CsGraphNotificationListener -Issuer 'api.botframework.com' } }
        @{ Name = 'an http:// issuer on a public host'; ErrorId = 'InvalidUri'; Script = { Start-CsGraphNotificationListener -Issuer 'https://api.botframework.com', 'http://issuer.contoso.com' } }
        @{ Name = 'keys over http:// from a public host'; ErrorId = 'InvalidUri'; Script = { Start-CsGraphNotificationListener -OpenIdConfigurationUri 'http://keys.contoso.com/openid' } }
        @{ Name = 'a relative key address'; ErrorId = 'InvalidUri'; Script = { Start-CsGraphNotificationListener -OpenIdConfigurationUri 'keys/openid' } }
        @{ Name = 'an address that is not an IP'; ErrorId = 'InvalidArgument'; Script = { Start-CsGraphNotificationListener -Address 'localhost:80' } }
    ) {
        param($Name, $ErrorId, $Script)
        $result = Invoke-Captured $Script
        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Stop-CsGraphNotificationListener -PassThru | Should -BeNullOrEmpty
    }

    It 'refuses a second start while one runs' {
        $null = Start-CsGraphNotificationListener -ErrorAction Stop
        $result = Invoke-Captured { Start-CsGraphNotificationListener }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotificationListenerAlreadyRunning,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'starts nothing with -WhatIf' {
        Start-CsGraphNotificationListener -WhatIf | Should -BeNullOrEmpty
        Stop-CsGraphNotificationListener -PassThru | Should -BeNullOrEmpty
    }
}

Describe 'Rejected notifications' {
    BeforeAll {
        $script:Issuer = Start-TestIssuer
        $script:AppId = [guid]::NewGuid().ToString()
        # Not connected: the listener for a bot host that only listens, with its own app id and issuer keys.
        $script:Listener = Start-CsGraphNotificationListener -AppId $AppId -OpenIdConfigurationUri $Issuer.ConfigurationUri -ErrorAction Stop
        $script:Body = New-OperationCompletedBody -CallId ([guid]::NewGuid()) -OperationId ([guid]::NewGuid())
        $script:Forger = [System.Security.Cryptography.RSA]::Create(2048)
    }

    AfterAll {
        Stop-CsGraphNotificationListener
        Stop-TestIssuer $Issuer
        $Forger.Dispose()
    }

    It 'answers <Status> to <Name>' -TestCases @(
        @{ Name = 'a forged token (another key, same kid)'; Status = 401; Token = { New-TestToken -Rsa $Forger -KeyId $Issuer.KeyId -Audience $AppId } }
        @{ Name = 'an expired token'; Status = 401; Token = { New-TestToken -Rsa $Issuer.Rsa -KeyId $Issuer.KeyId -Audience $AppId -ExpiresInSeconds -3600 } }
        @{ Name = 'a token for another app'; Status = 401; Token = { New-TestToken -Rsa $Issuer.Rsa -KeyId $Issuer.KeyId -Audience ([guid]::NewGuid()) } }
        @{ Name = 'an unsigned token'; Status = 401; Token = { New-TestToken -Audience $AppId -Unsigned } }
        @{ Name = 'a malformed token'; Status = 401; Token = { 'not-a-jwt' } }
        @{ Name = 'no token'; Status = 401; Token = { $null } }
    ) {
        param($Name, $Status, $Token)
        Send-Notification -Uri $Listener.Uri -Token (& $Token) -Body $Body | Should -Be $Status
    }

    It 'answers 400 to a malformed body with a valid token, and 202 to a valid notification' {
        $valid = New-TestToken -Rsa $Issuer.Rsa -KeyId $Issuer.KeyId -Audience $AppId
        Send-Notification -Uri $Listener.Uri -Token $valid -Body '{"value":[{"changeType":' | Should -Be 400
        Send-Notification -Uri $Listener.Uri -Token $valid -Body $Body | Should -Be 202
    }

    It 'counts every rejection by reason and queues only the valid notification' {
        $rejections = Get-Rejection $Listener
        foreach ($reason in 'BadSignature', 'Expired', 'WrongAudience', 'Unsigned', 'Malformed', 'Missing', 'MalformedBody') {
            $rejections[$reason] | Should -Be 1 -Because "one $reason request was sent"
        }
        $Listener.Statistics.RequestsRejected | Should -Be 7
        $Listener.Statistics.RequestsAccepted | Should -Be 1
        @($Listener.Peek()).Count | Should -Be 1
        ($Listener.Statistics.RecentRejections | Out-String) | Should -Not -BeLike '*not-a-jwt*'
    }
}

Describe 'A notification listener facing hostile peers' {
    BeforeAll {
        $script:Issuer = Start-TestIssuer
        $script:AppId = [guid]::NewGuid().ToString()
        $script:Listener = Start-CsGraphNotificationListener -AppId $AppId -OpenIdConfigurationUri $Issuer.ConfigurationUri -ErrorAction Stop
        $script:Forger = [System.Security.Cryptography.RSA]::Create(2048)

        # Raw bytes to the listener; returns what it answered before closing the connection.
        function script:Send-Raw([int]$Port, [string]$Text) {
            $tcp = [System.Net.Sockets.TcpClient]::new()
            try {
                $tcp.Connect([System.Net.IPAddress]::Loopback, $Port)
                $stream = $tcp.GetStream()
                $stream.ReadTimeout = 10000
                $bytes = [System.Text.Encoding]::ASCII.GetBytes($Text)
                $stream.Write($bytes, 0, $bytes.Length)
                $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII)
                try { $reader.ReadToEnd() } catch [System.IO.IOException] { '' }
            }
            finally {
                $tcp.Dispose()
            }
        }
    }

    AfterAll {
        Stop-CsGraphNotificationListener
        Stop-TestIssuer $Issuer
        $Forger.Dispose()
    }

    It 'answers 202 to a body with an entry it cannot understand, delivers the rest and counts the bad one' {
        $valid = New-TestToken -Rsa $Issuer.Rsa -KeyId $Issuer.KeyId -Audience $AppId
        $callId = [guid]::NewGuid().ToString()
        $body = '{"value":[{"changeType":"Deleted"},{"changeType":"Deleted","resourceUrl":"/communications/calls/' + $callId +
            '/operations/op-1","resourceData":{"id":"op-1","status":"Completed"}}]}'

        Send-Notification -Uri $Listener.Uri -Token $valid -Body $body | Should -Be 202

        $Listener.Statistics.NotificationsInvalid | Should -Be 1
        $received = @($Listener.Peek())
        $received.Count | Should -Be 2
        $received[0].GetType().Name | Should -Be 'InvalidNotification'
        $received[1].OperationId | Should -Be 'op-1'
    }

    It 'refuses Content-Length with Transfer-Encoding with 400, closes, and answers no request hidden behind it' {
        $request = "POST /api/calls HTTP/1.1`r`nHost: x`r`nContent-Length: 5`r`nTransfer-Encoding: chunked`r`n`r`n0`r`n`r`nGET /hidden HTTP/1.1`r`nHost: x`r`n`r`n"
        $answer = Send-Raw -Port $Listener.Port -Text $request
        $answer | Should -BeLike 'HTTP/1.1 400 *'
        $answer | Should -BeLike '*Connection: close*'
        ([regex]::Matches($answer, 'HTTP/1\.1 \d{3}')).Count | Should -Be 1
    }

    It 'judges the signature first and keeps a forged issuer''s line breaks out of the statistics' {
        $forged = New-TestToken -Rsa $Forger -KeyId $Issuer.KeyId -Audience $AppId -Issuer "https://evil.example`r`nFAKE LOG LINE"
        Send-Notification -Uri $Listener.Uri -Token $forged -Body '{"value":[]}' | Should -Be 401
        $rejection = @($Listener.Statistics.RecentRejections)[-1]
        "$($rejection.Reason)" | Should -Be 'BadSignature'
        $rejection.Message | Should -Not -Match "[`r`n]"
    }

    It 'routes by path only, whatever the query string holds' {
        $valid = New-TestToken -Rsa $Issuer.Rsa -KeyId $Issuer.KeyId -Audience $AppId
        $uri = [uri]"$($Listener.Uri)?next=https://a/b"
        Send-Notification -Uri $uri -Token $valid -Body '{"value":[]}' | Should -Be 202
    }
}

Describe 'Bulk invites' {
    BeforeAll {
        Connect-Emulator
        # Fifty directory users of our own (invitees must be known users).
        $script:BulkUsers = 1..50 | ForEach-Object {
            $id = [guid]::NewGuid().ToString()
            $null = Invoke-RestMethod -Uri "$($Connection.adminEndpoint)/users" -Method Post -SkipCertificateCheck -ContentType 'application/json' `
                -Body (@{ id = $id; userPrincipalName = "bulk$_.$id@contoso.example"; displayName = "Bulk $_" } | ConvertTo-Json)
            $id
        }
    }

    AfterAll {
        Disconnect-CsGraph
    }

    It 'invites 50 participants in batches of 5, all end in the roster, nobody twice' {
        $call = New-CsGraphCall -CallbackUri $CallbackNowhere -ThreadId '19:meeting_pester_bulk@thread.v2' -ErrorAction Stop
        $before = Get-EmulatorStats

        $operations = @($BulkUsers | New-CsGraphInvitationParticipant -ErrorAction Stop |
                Invoke-CsGraphParticipantInvite -CallId $call.Id -SplitIntoBatches -ErrorAction Stop)
        $outcomes = @($operations | Wait-CsGraphInviteOperation -ThrottleLimit 10 -Timeout 60 -PollInterval 0.2 -ErrorAction Stop)

        $operations.Count | Should -Be 10
        $operations | ForEach-Object { $_.Participants.Count | Should -BeLessOrEqual 5 }
        $outcomes.Count | Should -Be 10
        $outcomes | ForEach-Object { "$($_.Status)" | Should -Be 'Completed' }

        $roster = Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop
        $joined = @($roster | Where-Object { $_.Info.Identity.Primary.Id -in $BulkUsers -and $_.MediaStreams.Count -gt 0 })
        $joined.Count | Should -Be 50
        @($joined | ForEach-Object { $_.Info.Identity.Primary.Id } | Sort-Object -Unique).Count | Should -Be 50

        $after = Get-EmulatorStats
        $after.duplicateInvites | Should -Be $before.duplicateInvites
        ($after.invitesReceived - $before.invitesReceived) | Should -Be 10
    }

    It 'refuses more than 5 participants without -SplitIntoBatches, before anything is sent' {
        $call = New-CsGraphCall -CallbackUri $CallbackNowhere -ThreadId '19:meeting_pester_toomany@thread.v2' -ErrorAction Stop
        $before = (Get-EmulatorStats).invitesReceived

        $result = Invoke-Captured { Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $BulkUsers }

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'TooManyParticipants,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-EmulatorStats).invitesReceived | Should -Be $before
    }
}
