#Requires -Version 7.4
# Pester 5 tests for users signing in (Connect-CsGraph -UseDeviceCode / -Interactive), named connections
# (-Name, -Connection, Get-CsGraphContext -ListAvailable) and the refusals made before any request, run in a real
# pwsh against the built module (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.SignIn' -ArgumentList @('--answer-delay-ms', '200', '--replication-delay-ms', '300')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    $script:CallbackUri = 'http://127.0.0.1:9/callback'

    Import-Module -Name $ManifestPath -Force -ErrorAction Stop

    function Set-AutoApprove([string]$UserId) {
        $null = Invoke-EmulatorAdmin 'settings' @{ autoApproveSignIns = $UserId }
    }

    # Requests to the calls API so far (to show a refusal sent none).
    function Get-CallsRequestCount {
        $routes = (Invoke-EmulatorAdmin 'stats').requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if ($property.Name -like '*communications/calls*') { $total += $property.Value }
        }
        $total
    }

    # Runs Connect-CsGraph -UseDeviceCode in a second PowerShell (its own runspace, this process) so that this one can
    # play the user: read the prompt from its Information stream, then approve or deny the code.
    function Start-DeviceCodeSignIn([string[]]$Extra = @()) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Manifest, $File, $Extra)
                Import-Module -Name $Manifest -ErrorAction Stop
                $c = Invoke-Expression "Connect-CsGraph -UseDeviceCode -EmulatorConnectionFile `$File $Extra"
                $c
            }).AddArgument($ManifestPath).AddArgument($ConnectionFile).AddArgument(($Extra -join ' '))
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }

    function Wait-DeviceCodePrompt($SignIn) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ([DateTime]::UtcNow -lt $deadline) {
            $record = $SignIn.PowerShell.Streams.Information | Where-Object { "$($_.MessageData)" -match 'enter the code (\w+)' } | Select-Object -First 1
            if ($record) { return $record }
            if ($SignIn.Handle.IsCompleted) { break }
            Start-Sleep -Milliseconds 100
        }
        throw "No device-code prompt within 30 s. Errors: $($SignIn.PowerShell.Streams.Error)"
    }

    # The second PowerShell's output, and its first error (a terminating error ends up in its Error stream).
    function Complete-SignIn($SignIn) {
        try {
            $output = $SignIn.PowerShell.EndInvoke($SignIn.Handle)
            [pscustomobject]@{ Output = @($output); Error = $SignIn.PowerShell.Streams.Error | Select-Object -First 1 }
        }
        finally {
            $SignIn.PowerShell.Dispose()
        }
    }
}

AfterAll {
    Disconnect-CsGraph -Name Admin -ErrorAction SilentlyContinue
    Disconnect-CsGraph -Name Bot -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Connect-CsGraph -UseDeviceCode' {
    BeforeEach { Set-AutoApprove $null }

    It 'shows the prompt on the host (Information, PSHOST), signs in once approved through the admin route, and outputs only the context' {
        $signIn = Start-DeviceCodeSignIn
        $prompt = Wait-DeviceCodePrompt $signIn
        $prompt.Tags | Should -Contain 'PSHOST'
        $userCode = [regex]::Match("$($prompt.MessageData)", 'enter the code (\w+)').Groups[1].Value

        $pending = (Invoke-EmulatorAdmin 'devicecodes').value | Where-Object userCode -EQ $userCode
        $pending.clientId | Should -Be $Connection.publicClientId
        $null = Invoke-EmulatorAdmin 'devicecodes/approve' @{ userCode = $userCode; userId = $Connection.adminUserId }

        $result = Complete-SignIn $signIn
        $result.Error | Should -BeNullOrEmpty
        $result.Output.Count | Should -Be 1
        $context = $result.Output[0]
        $context.PSObject.TypeNames | Should -Contain 'CommsInvite.Core.GraphContext'
        $context.AuthType | Should -Be 'DeviceCode'
        $context.Account | Should -Be 'admin@contoso.onmicrosoft.com'
        $context.Scopes | Should -Contain 'LicenseAssignment.ReadWrite.All'
        $context.Scopes | Should -Contain 'TeamsTelephoneNumber.ReadWrite.All'
        $context.Roles.Count | Should -Be 0
    }

    It 'reports a refused sign-in as ConsentRequired naming the scopes' {
        $signIn = Start-DeviceCodeSignIn
        $prompt = Wait-DeviceCodePrompt $signIn
        $userCode = [regex]::Match("$($prompt.MessageData)", 'enter the code (\w+)').Groups[1].Value
        $null = Invoke-EmulatorAdmin 'devicecodes/approve' @{ userCode = $userCode; deny = $true }
        $result = Complete-SignIn $signIn
        $result.Error.FullyQualifiedErrorId | Should -BeLike 'ConsentRequired,*'
        $result.Error.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $result.Error.Exception.Message | Should -Match 'LicenseAssignment\.ReadWrite\.All'
    }

    It 'reports a scope without consent as ConsentRequired naming that scope' {
        Set-AutoApprove $Connection.adminUserId
        $err = (Invoke-Captured { Connect-CsGraph -UseDeviceCode -EmulatorConnectionFile $ConnectionFile -Scopes Directory.ReadWrite.All -Name Extra 6>$null }).Errors
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConsentRequired,*'
        $err[0].Exception.Message | Should -Match 'Directory\.ReadWrite\.All'
        $err[0].Exception.Message | Should -Not -Match 'TeamsTelephoneNumber'
        Get-CsGraphContext -ListAvailable | Where-Object Name -EQ Extra | Should -BeNullOrEmpty
    }

    It 'reports a code nobody entered in time as DeviceCodeExpired' {
        $null = Invoke-EmulatorAdmin 'settings' @{ deviceCodeLifetimeSeconds = 2 }
        try {
            $err = (Invoke-Captured { Connect-CsGraph -UseDeviceCode -EmulatorConnectionFile $ConnectionFile -Name Late 6>$null }).Errors
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DeviceCodeExpired,*'
        }
        finally {
            $null = Invoke-EmulatorAdmin 'settings' @{ deviceCodeLifetimeSeconds = 900 }
        }
    }

    It 'stops waiting when the pipeline is stopped (Ctrl+C)' {
        $signIn = Start-DeviceCodeSignIn
        $null = Wait-DeviceCodePrompt $signIn
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $signIn.PowerShell.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $signIn.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $signIn.PowerShell.Dispose()
    }
}

Describe 'Connect-CsGraph -Interactive' {
    BeforeAll {
        # A stand-in for the system browser: first on PATH as xdg-open, it follows the authorize URL (the emulator
        # redirects at once, autoApproveSignIns) to MSAL's loopback listener, as a browser would.
        $script:BrowserFolder = Join-Path $TempFolder 'browser'
        $null = New-Item -ItemType Directory -Path $BrowserFolder -Force
        $script:EmptyFolder = Join-Path $TempFolder 'nobrowser'
        $null = New-Item -ItemType Directory -Path $EmptyFolder -Force
        $opener = Join-Path $BrowserFolder 'xdg-open'
        # Redirects are followed; a form_post page (what MSAL asks for) is submitted as a browser's script would.
        $openerText = @'
#!/bin/sh
(
page=$(curl -sk -L "$1")
action=$(printf '%s\n' "$page" | sed -n 's/.*<form[^>]*action="\([^"]*\)".*/\1/p' | head -n 1)
if [ -n "$action" ]; then
  set --
  for pair in $(printf '%s\n' "$page" | sed -n 's/.*<input type="hidden" name="\([^"]*\)" value="\([^"]*\)".*/\1=\2/p'); do
    set -- "$@" --data-urlencode "$pair"
  done
  curl -s -o /dev/null "$@" "$action"
fi
) >/dev/null 2>&1 &
exit 0
'@
        Set-Content -LiteralPath $opener -Value $openerText.Replace("`r`n", "`n") -NoNewline
        if (-not $IsWindows) { chmod +x $opener }
        $script:SavedPath = $env:PATH
    }

    AfterEach { $env:PATH = $SavedPath }

    It 'signs in through the system browser (loopback redirect, PKCE)' -Skip:$IsWindows {
        Set-AutoApprove $Connection.adminUserId
        $env:PATH = $BrowserFolder + [System.IO.Path]::PathSeparator + $SavedPath
        $context = Connect-CsGraph -Interactive -EmulatorConnectionFile $ConnectionFile -Name Browser -ErrorAction Stop
        $context.AuthType | Should -Be 'Interactive'
        $context.Account | Should -Be 'admin@contoso.onmicrosoft.com'
        $context.Name | Should -Be 'Browser'
        Disconnect-CsGraph -Name Browser
    }

    It 'says when no browser can open, and suggests -UseDeviceCode' -Skip:$IsWindows {
        $env:PATH = $EmptyFolder
        $err = (Invoke-Captured { Connect-CsGraph -Interactive -EmulatorConnectionFile $ConnectionFile -Name Browser }).Errors
        $env:PATH = $SavedPath
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BrowserUnavailable,*'
        $err[0].Exception.Message | Should -Match '-UseDeviceCode'
    }
}

Describe 'An admin and a bot in one pipeline' {
    BeforeAll {
        Set-AutoApprove $Connection.adminUserId
        $null = Connect-CsGraph -Name Admin -UseDeviceCode -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop 6>$null
        Connect-CsGraph -Name Bot -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
        Set-AutoApprove $null
        $script:Upn = 'signin' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '@contoso.onmicrosoft.com'
    }

    It 'lists both connections; the one made last is current' {
        $all = @(Get-CsGraphContext -ListAvailable)
        $all.Name | Should -Contain 'Admin'
        $all.Name | Should -Contain 'Bot'
        (Get-CsGraphContext).Name | Should -Be 'Bot'
        (Get-CsGraphContext -Name Admin).AuthType | Should -Be 'DeviceCode'
        $table = ($all | Format-Table | Out-String -Width 80).Split("`n")
        ($table | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        ($all | Format-List | Out-String -Width 80) | Should -Match 'admin@contoso\.onmicrosoft\.com'
    }

    It 'the admin provisions the licence and the number, the bot dials a phone into a meeting' {
        $number = (Get-CsPhoneNumberAssignment -Connection Admin -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1 -ErrorAction Stop).TelephoneNumber
        $bot = New-CsOnlineApplicationInstance -Connection Admin -UserPrincipalName $Upn -DisplayName 'PSTN bot' -ApplicationId $Connection.clientId -ErrorAction Stop |
            Sync-CsOnlineApplicationInstance -Connection Admin -PassThru -ErrorAction Stop |
            Set-CsGraphUserLicense -Connection Admin -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
            Set-CsPhoneNumberAssignment -Connection Admin -TelephoneNumber $number -NumberType CallingPlan -PassThru -ErrorAction Stop
        $bot.PhoneNumber | Should -Be $number

        $meeting = Invoke-EmulatorAdmin 'meetings' @{ subject = 'Standup' }
        $call = New-CsGraphCall -Connection Bot -CallbackUri $CallbackUri -JoinWebUrl $meeting.joinWebUrl -SourceApplicationInstanceId $bot.ObjectId -ErrorAction Stop
        $outcome = Invoke-CsGraphParticipantInvite -Connection (Get-CsGraphContext -Name Bot) -CallId $call.Id -PhoneNumber '+14255550177' -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Connection Bot -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'
    }

    It 'refuses the calling cmdlets on the admin connection before any request: ApplicationPermissionRequired' {
        $before = Get-CallsRequestCount
        foreach ($refused in @(
                { New-CsGraphCall -Connection Admin -CallbackUri $CallbackUri -ThreadId '19:meeting_x@thread.v2' }
                { Invoke-CsGraphParticipantInvite -Connection Admin -CallId ([guid]::NewGuid()) -PhoneNumber '+14255550177' }
                { Get-CsGraphCall -Connection Admin }
                { Remove-CsGraphCall -Connection Admin -CallId ([guid]::NewGuid()) -Confirm:$false }
            )) {
            $err = (Invoke-Captured $refused).Errors
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ApplicationPermissionRequired,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].Exception.Message | Should -Match 'certificate'
        }
        Get-CallsRequestCount | Should -Be $before
    }

    It 'says which application role a connection lacks (roles claim)' {
        $clientId = [guid]::NewGuid().ToString()
        $null = Invoke-EmulatorAdmin 'clients' @{ clientId = $clientId; clientSecret = 'narrow-secret-123'; roles = @('Calls.JoinGroupCall.All') }
        $secret = ConvertTo-SecureString -String 'narrow-secret-123' -AsPlainText -Force
        Connect-CsGraph -Name Narrow -EmulatorConnectionFile $ConnectionFile -ClientId $clientId -ClientSecret $secret -ErrorAction Stop
        try {
            $err = (Invoke-Captured { Set-CsGraphUserLicense -Connection Narrow -Identity $Upn -SkuPartNumber MCOEV }).Errors
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PermissionMissing,*'
            $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err[0].Exception.Message | Should -Match 'LicenseAssignment\.ReadWrite\.All'
            $err[0].Exception.Message | Should -Match 'roles'
        }
        finally {
            Disconnect-CsGraph -Name Narrow
        }
    }

    It 'names an unknown -Connection: ConnectionNotFound' {
        $err = (Invoke-Captured { Get-CsGraphCall -Connection Nobody }).Errors
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
        $err[0].Exception.Message | Should -Match 'Admin'
    }

    It 'completes -Connection with the connection names' {
        $line = 'Get-CsGraphCall -Connection A'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'Admin'
    }

    It 'disconnects one connection by name and removes the account from the cache' {
        Disconnect-CsGraph -Name Admin
        (Get-CsGraphContext -ListAvailable).Name | Should -Not -Contain 'Admin'
        (Get-CsGraphContext).Name | Should -Be 'Bot'
    }
}

Describe 'Connect-CsGraph -PersistTokenCache' {
    BeforeAll {
        $script:CacheFolder = Join-Path $TempFolder 'tokencache'
        $script:CacheVariable = $env:COMMSINVITE_TOKEN_CACHE_DIRECTORY
        $env:COMMSINVITE_TOKEN_CACHE_DIRECTORY = $CacheFolder
        Set-AutoApprove $Connection.adminUserId
    }
    AfterAll {
        Set-AutoApprove $null
        Disconnect-CsGraph -Name Persisted -ErrorAction SilentlyContinue
        $env:COMMSINVITE_TOKEN_CACHE_DIRECTORY = $CacheVariable
    }

    It 'keeps the sign-in in the platform store, or says it cannot and keeps it in memory; never a plaintext file' {
        $context = Connect-CsGraph -UseDeviceCode -EmulatorConnectionFile $ConnectionFile -Name Persisted -PersistTokenCache -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop 6>$null
        $context.Account | Should -Be 'admin@contoso.onmicrosoft.com'
        $stored = @(Get-ChildItem -LiteralPath $CacheFolder -File -Recurse -ErrorAction SilentlyContinue)
        if ($warnings) {
            # No keyring here (Linux without libsecret or D-Bus): the warning names the store, and nothing is on disk.
            "$($warnings[0])" | Should -Match 'secure store'
            "$($warnings[0])" | Should -Match 'in memory'
            $stored.Count | Should -Be 0
        }
        else {
            # DPAPI or the Keychain: whatever lies in the folder is protected, so no token or account is readable.
            foreach ($file in $stored) {
                $text = [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($file.FullName))
                $text | Should -Not -Match 'refresh_token|secret|admin@contoso'
            }
        }
    }

    It 'still renews the token and disconnects, removing the account' {
        (Get-CsPhoneNumberAssignment -Top 1 -Connection Persisted -ErrorAction Stop).TelephoneNumber | Should -Match '^\+'
        Disconnect-CsGraph -Name Persisted
        (Get-CsGraphContext -ListAvailable).Name | Should -Not -Contain 'Persisted'
    }
}
