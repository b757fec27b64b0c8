#Requires -Version 7.4
# Pester 5: the documentation runs. Every ```powershell block of README.md runs in a new pwsh (this one's) against
# the emulator after the prelude in DocumentationPrelude.ps1 (placeholders such as $callId, $tenantId, $thumbprint
# become real values; docs/testing.md lists them), and fails on any error record it writes. A block that cannot run
# here says why in an HTML comment right before its fence, `<!-- not-run: reason -->`, and is reported as skipped
# with that reason. Every examples/*.ps1 runs too, pointed at the emulator with -EmulatorConnectionFile.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeDiscovery {
    $readmePath = Join-Path $PSScriptRoot '../../README.md'
    $lines = @(Get-Content -LiteralPath $readmePath)
    $script:BlockCases = [System.Collections.Generic.List[hashtable]]::new()
    $heading = '(top)'
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -match '^#{1,6}\s+(.+)$') { $heading = $Matches[1].Trim() }
        if ($lines[$i] -notmatch '^(\s*)```\s*(powershell|pwsh|ps1)\s*$') {
            if ($lines[$i] -match '^\s*```') {
                # Another language's block: skip it whole, so its '# comment' lines are not taken for headings.
                for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) { }
            }
            continue
        }
        $indent = $Matches[1].Length
        $start = $i
        # The mark stands on the line before the fence (blank lines allowed between).
        $reason = $null
        $j = $i - 1
        while ($j -ge 0 -and -not $lines[$j].Trim()) { $j-- }
        if ($j -ge 0 -and $lines[$j] -match '<!--\s*not-run:\s*(.+?)\s*-->') { $reason = $Matches[1] }
        # The code, without the indentation of a fence inside a list item.
        $body = [System.Collections.Generic.List[string]]::new()
        for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) {
            $body.Add(($lines[$i] -replace "^\s{0,$indent}", ''))
        }
        $BlockCases.Add(@{ Line = $start + 1; Heading = $heading; Code = $body -join "`n"; Reason = $reason })
    }
    $script:ExampleCases = @(Get-ChildItem -Path (Join-Path $PSScriptRoot '../../examples') -Filter '*.ps1' | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    . (Join-Path $PSScriptRoot 'ChildProcess.ps1')
    . (Join-Path $PSScriptRoot 'PackageSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Documentation' -ArgumentList @('--answer-delay-ms', '200', '--replication-delay-ms', '0')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection

    # This process provisions what a reader's tenant already has: an application instance with a number, whose
    # calls can invite phones.
    Import-Module -Name (Get-TestModuleManifest -RepoRoot $RepoRoot) -Force -ErrorAction Stop
    Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
    $freeNumbers = @(Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -ErrorAction Stop).TelephoneNumber
    $script:Bot = New-CsOnlineApplicationInstance -UserPrincipalName 'docsbot@contoso.onmicrosoft.com' -DisplayName 'Docs bot' -ApplicationId $Connection.clientId -ErrorAction Stop |
        Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
        Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
        Set-CsPhoneNumberAssignment -TelephoneNumber $freeNumbers[1] -NumberType CallingPlan -PassThru -ErrorAction Stop

    # The calls the README names by id (the seeds' ids): a group call with a chatInfo for each -CallId, a peer-to-peer
    # call for each -ReplacesCallId.
    $readme = Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md') -Raw
    $guid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
    $seeded = @{}
    foreach ($match in [regex]::Matches($readme, "-(?<kind>CallId|ReplacesCallId)\s+'?(?<id>$guid)")) {
        $id = $match.Groups['id'].Value
        if ($seeded.ContainsKey($id)) { continue }
        $seeded[$id] = $true
        $body = if ($match.Groups['kind'].Value -eq 'ReplacesCallId') { @{ id = $id; peerToPeer = $true } }
        else { @{ id = $id; peerToPeer = $false; chatInfo = @{ threadId = "19:meeting_$($id.Replace('-', ''))@thread.v2" } } }
        $null = Invoke-RestMethod -Method Post -Uri "$($Connection.adminEndpoint)/calls" -Body ($body | ConvertTo-Json) -ContentType 'application/json' -SkipCertificateCheck
    }

    # The reader's working folder and home (HOME and the XDG folders point into the temporary folder).
    $script:WorkFolder = Join-Path $TempFolder 'work'
    $null = New-Item -ItemType Directory -Path (Join-Path $WorkFolder 'notifications') -Force
    Copy-Item -LiteralPath $ConnectionFile -Destination (Join-Path $WorkFolder 'emulator.json')
    Copy-Item -LiteralPath $Connection.clientCertificatePath -Destination (Join-Path $WorkFolder 'bot.pfx')
    $notification = '{"@odata.type":"#microsoft.graph.commsNotifications","value":[{"@odata.type":"#microsoft.graph.commsNotification",' +
    '"changeType":"deleted","resource":"/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations/0fe0623f-d628-42ed-b4bd-8ac290072cc5",' +
    '"resourceUrl":"/communications/calls/57dab8b1-894c-409a-b240-bd8beae78896/operations/0fe0623f-d628-42ed-b4bd-8ac290072cc5",' +
    '"resourceData":{"@odata.type":"#microsoft.graph.inviteParticipantsOperation","participants":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo",' +
    '"identity":{"@odata.type":"#microsoft.graph.identitySet","user":{"@odata.type":"#microsoft.graph.identity","id":"278405a3-f568-4b3e-b684-009193463064",' +
    '"identityProvider":"AAD"}}}],"status":"completed","clientContext":"f2fa86af-3c51-4bc2-8fc0-475452d9764f","id":"0fe0623f-d628-42ed-b4bd-8ac290072cc5"}}]}'
    Set-Content -LiteralPath (Join-Path $WorkFolder 'notification.json') -Value $notification
    Set-Content -LiteralPath (Join-Path $WorkFolder 'notifications/operation.json') -Value $notification
    Set-Content -LiteralPath (Join-Path $WorkFolder 'notifications/again.json') -Value $notification
    $script:ChildEnvironment = New-ChildHome -Path (Join-Path $TempFolder 'home')
    $ChildEnvironment['PSModulePath'] = (Join-Path $RepoRoot 'out') + [System.IO.Path]::PathSeparator + $env:PSModulePath

    # A block that installs from ./out/packages gets the package there.
    if (Select-String -LiteralPath (Join-Path $RepoRoot 'README.md') -Pattern 'out[/\\]packages' -Quiet) {
        $null = New-TestPackage -RepoRoot $RepoRoot -ModuleFolder (Split-Path (Get-TestModuleManifest -RepoRoot $RepoRoot)) -Output (Join-Path $WorkFolder 'out/packages')
    }

    function script:Invoke-DocumentationBlock([string]$Code) {
        $setupFile = Join-Path $TempFolder ('block.' + [guid]::NewGuid().ToString('N') + '.json')
        @{
            WorkFolder     = $WorkFolder
            ConnectionFile = $ConnectionFile
            BotObjectId    = $Bot.ObjectId
            UserIds        = @(Get-TestSeededUsers)
            Block          = $Code
        } | ConvertTo-Json | Set-Content -LiteralPath $setupFile
        Invoke-ChildPwsh -Arguments @('-File', (Join-Path $PSScriptRoot 'Invoke-DocumentationBlock.ps1'), '-SetupFile', $setupFile) `
            -Environment $ChildEnvironment -WorkingDirectory $WorkFolder -TimeoutSeconds 300
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module CommsInvite -Force -ErrorAction SilentlyContinue
    if ($IsWindows -and $Connection) {
        # Windows keeps CurrentUser\My in the registry, not under HOME: take the dev certificate out again.
        $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
        $store.Open('ReadWrite')
        $store.Certificates.Find('FindByThumbprint', $Connection.clientCertificateThumbprint, $false) | ForEach-Object { $store.Remove($_) }
        $store.Close()
    }
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'README.md code blocks' {
    It 'has powershell blocks to run' {
        $BlockCases.Count | Should -BeGreaterThan 0
    }

    It 'README.md:<Line> (<Heading>) runs' -ForEach $BlockCases {
        if ($Reason) { Set-ItResult -Skipped -Because $Reason; return }
        $result = Invoke-DocumentationBlock -Code $Code
        $result.ExitCode | Should -Be 0 -Because "the block wrote errors:`n$($result.Errors)`n--- output ---`n$($result.Output)`n--- block ---`n$Code"
    }
}

Describe 'examples' {
    It 'examples/<Name> runs against the emulator' -ForEach $ExampleCases {
        $parameters = switch ($Name) {
            'Runbook-ManagedIdentity.ps1' {
                @('-TenantId', $Connection.tenantId, '-ApplicationId', $Connection.clientId, '-UserPrincipalName', 'runbookbot@contoso.onmicrosoft.com')
            }
            'Provision-PstnBot.ps1' { @('-UserPrincipalName', 'examplebot@contoso.onmicrosoft.com') }
            default { @() }
        }
        $parameters += @('-EmulatorConnectionFile', $ConnectionFile)
        $result = Invoke-ChildPwsh -Arguments (@('-File', $Path) + $parameters) -Environment $ChildEnvironment -WorkingDirectory $WorkFolder -TimeoutSeconds 300
        $result.ExitCode | Should -Be 0 -Because "$($result.Errors)`n--- output ---`n$($result.Output)"
        $result.Errors | Should -BeNullOrEmpty -Because "--- output ---`n$($result.Output)"

        if ($Name -eq 'Runbook-ManagedIdentity.ps1') {
            # Run again, as a schedule would: nothing changes, and the PSTN invite into the bot's call completes.
            $instance = Get-CsOnlineApplicationInstance -Identity 'runbookbot@contoso.onmicrosoft.com' -ErrorAction Stop
            $instance.PhoneNumber | Should -Match '^\+\d+$'
            $call = New-CsGraphCall -CallbackUri 'https://bot.contoso.com/api/calls' -SourceApplicationInstanceId $instance.ObjectId -ErrorAction Stop
            $again = Invoke-ChildPwsh -Arguments (@('-File', $Path) + $parameters + @('-CallId', $call.Id, '-InvitePhoneNumber', '+14255550199')) `
                -Environment $ChildEnvironment -WorkingDirectory $WorkFolder -TimeoutSeconds 300
            $again.ExitCode | Should -Be 0 -Because "$($again.Errors)`n--- output ---`n$($again.Output)"
            $again.Output | Should -Match 'Completed'
            (Get-CsOnlineApplicationInstance -Identity 'runbookbot@contoso.onmicrosoft.com' -ErrorAction Stop).PhoneNumber | Should -Be $instance.PhoneNumber
        }
    }
}
