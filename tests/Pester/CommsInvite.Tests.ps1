#Requires -Version 7.4
# Pester 5 tests for CommsInvite: the same behaviour as tests/CommsInvite.PowerShell.Tests (engine tests), run in
# a real pwsh against the built module (out/CommsInvite) and an emulator started here on a free port.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester' -ArgumentList @('--answer-delay-ms', '200')
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

}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'The module' {
    It 'exports exactly the cmdlets the manifest lists' {
        $manifest = Import-PowerShellDataFile -Path $ManifestPath
        $exported = (Get-Module -Name CommsInvite).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'passes Test-ModuleManifest, with no dependency in NestedModules or RequiredAssemblies' {
        $info = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $info.CompatiblePSEditions | Should -Contain 'Desktop'
        $info.CompatiblePSEditions | Should -Contain 'Core'
        $info.RequiredAssemblies | Should -BeNullOrEmpty
        $info.NestedModules | Should -BeNullOrEmpty
    }

    It 'survives Import-Module -Force twice in one session' {
        Import-Module -Name $ManifestPath -Force -ErrorAction Stop
        Import-Module -Name $ManifestPath -Force -ErrorAction Stop
        (Get-Command -Module CommsInvite).Count | Should -Be (Import-PowerShellDataFile -Path $ManifestPath).CmdletsToExport.Count
        (New-CsGraphInvitationParticipant -PhoneNumber '+12345678901').Identity.Phone.Id | Should -Be '+12345678901'
    }

    It 'completes -Environment and -ApiVersion' {
        $line = 'Connect-CsGraph -Environment US'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('USGov', 'USGovDoD')
        $line = 'Invoke-CsGraphParticipantInvite -ApiVersion b'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'beta'
    }

    It 'loads its assemblies into a private load context' {
        $assembly = (Get-Command Connect-CsGraph).ImplementingType.Assembly
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly) |
            Should -Not -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
    }
}

Describe 'Connect-CsGraph' {
    AfterEach {
        Disconnect-CsGraph
    }

    It 'connects with the connection file''s secret and the context never shows it' {
        Connect-Emulator
        $context = Get-CsGraphContext
        $context.AuthType | Should -Be 'ClientSecret'
        $context.Environment | Should -Be 'Emulator'
        $context.TenantId | Should -Be $Connection.tenantId
        $context.Roles | Should -Contain 'Calls.InitiateGroupCall.All'

        $shown = ($context | Format-List * | Out-String) + ($context | ConvertTo-Json -Depth 5)
        $shown | Should -Not -BeLike "*$($Connection.clientSecret)*"
    }

    It 'connects with a certificate file' {
        $password = ConvertTo-SecureString -String $Connection.clientCertificatePassword -AsPlainText -Force
        $context = Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -TenantId $Connection.tenantId `
            -ClientId $Connection.clientId -CertificatePath $Connection.clientCertificatePath -CertificatePassword $password -PassThru -ErrorAction Stop
        $context.AuthType | Should -Be 'Certificate'
        $context.CertificateThumbprint | Should -Be $Connection.clientCertificateThumbprint.ToUpperInvariant()
    }

    It 'refuses a wrong certificate password without showing it' {
        $password = ConvertTo-SecureString -String 'Wrong-Password-123' -AsPlainText -Force
        $result = Invoke-Captured {
            Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -TenantId $Connection.tenantId `
                -ClientId $Connection.clientId -CertificatePath $Connection.clientCertificatePath -CertificatePassword $password
        }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CertificateInvalid,*'
        ($result.Errors[0] | Out-String) | Should -Not -BeLike '*Wrong-Password-123*'
    }

    It 'connects with managed identity' {
        $context = Connect-CsGraph -ManagedIdentity -Environment Emulator -EmulatorConnectionFile $ConnectionFile -PassThru -ErrorAction Stop
        $context.AuthType | Should -Be 'ManagedIdentity'
        $context.Roles | Should -Contain 'Calls.InitiateGroupCall.All'
    }

    It 'leaves no trace of a managed-identity connection to the emulator once disconnected' {
        $names = 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET', 'IMDS_ENDPOINT'
        $before = ($names | ForEach-Object { "$_=$([Environment]::GetEnvironmentVariable($_))" }) -join ';'
        Connect-CsGraph -ManagedIdentity -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
        Get-CsGraphCall -ErrorAction Stop | Out-Null
        Disconnect-CsGraph
        ($names | ForEach-Object { "$_=$([Environment]::GetEnvironmentVariable($_))" }) -join ';' | Should -Be $before

        # Managed identity for the public cloud asks this machine (which has none), never the emulator.
        $issued = (Get-EmulatorStats).tokensIssued
        $result = Invoke-Captured { Connect-CsGraph -ManagedIdentity -ErrorAction Stop }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike '*Connect*'
        Get-CsGraphContext | Should -BeNullOrEmpty
        (Get-EmulatorStats).tokensIssued | Should -Be $issued
    }

    It 'says NotConnected when there is no connection' {
        $result = Invoke-Captured { Invoke-CsGraphParticipantInvite -CallId ([guid]::NewGuid()) -UserId $Users[0] }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        Get-CsGraphContext | Should -BeNullOrEmpty
    }
}

Describe 'Inviting participants' {
    BeforeAll {
        Connect-Emulator
    }

    AfterAll {
        Disconnect-CsGraph
    }

    It 'creates a call, invites two users, waits, and the roster has them' {
        $call = New-TestCall 'readme'
        $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0], $Users[1] -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'

        $roster = Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop
        $ids = $roster | ForEach-Object { $_.Info.Identity.Primary.Id }
        $ids | Should -Contain $Users[0]
        $ids | Should -Contain $Users[1]
        ($roster | Where-Object { $_.Info.Identity.Primary.Id -in $Users[0..1] -and $_.MediaStreams.Count -gt 0 }).Count | Should -Be 2
    }

    It 'takes participants from New-CsGraphInvitationParticipant and calls by property name' {
        $call = New-TestCall 'pipeline'
        $outcome = New-CsGraphInvitationParticipant -UserId $Users[2] |
            Invoke-CsGraphParticipantInvite -CallId $call.Id -ClientContext 'pester' -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'

        $waited = Get-CsGraphCall -CallId $call.Id | Invoke-CsGraphParticipantInvite -UserId $Users[3] -Wait -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $waited.Status | Should -Be 'Completed'
    }

    It 'sends nothing with -WhatIf' {
        $call = New-TestCall 'whatif'
        $before = (Get-EmulatorStats).invitesReceived
        Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -WhatIf | Should -BeNullOrEmpty
        (Get-EmulatorStats).invitesReceived | Should -Be $before
    }

    It 'refuses <Name> with <ErrorId> before any request' -TestCases @(
        @{ Name = 'a bad GUID'; ErrorId = 'InvalidGuid'; Script = { Invoke-CsGraphParticipantInvite -CallId $callId -UserId 'not-a-guid' } }
        @{ Name = 'a number that is not E.164'; ErrorId = 'InvalidPhoneNumber'; Script = { Invoke-CsGraphParticipantInvite -CallId $callId -PhoneNumber '2345678901' } }
        @{ Name = 'six participants'; ErrorId = 'TooManyParticipants'; Script = { Invoke-CsGraphParticipantInvite -CallId $callId -UserId $Users } }
        @{ Name = 'replacesCallId with two participants'; ErrorId = 'ReplacesCallIdWithMultipleParticipants'; Script = { Invoke-CsGraphParticipantInvite -CallId $callId -UserId $Users[0], $Users[1] -ReplacesCallId '57dab8b1-894c-409a-b240-bd8beae78896' } }
        @{ Name = 'a 257-character clientContext'; ErrorId = 'ClientContextTooLong'; Script = { Invoke-CsGraphParticipantInvite -CallId $callId -UserId $Users[0] -ClientContext ('x' * 257) } }
    ) {
        param($Name, $ErrorId, $Script)
        $callId = (New-TestCall 'bad').Id
        $before = (Get-EmulatorStats).invitesReceived

        $result = Invoke-Captured $Script

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-EmulatorStats).invitesReceived | Should -Be $before
    }

    It 'reports a declined invite as InviteOperationFailed with code and subcode' {
        $call = New-TestCall 'decline'
        $result = Invoke-Captured {
            Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $DecliningUser -ErrorAction Stop |
                Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2
        }
        $result.Output.Count | Should -Be 1
        $result.Output[0].Status | Should -Be 'Failed'
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'InviteOperationFailed,*'
        $text = "$($result.Errors[0].ErrorDetails.Message) $($result.Errors[0].Exception.Message)"
        $text | Should -BeLike '*410*'
        $text | Should -BeLike '*301004*'
    }

    It 'reports an unknown call as CallNotFound (8522)' {
        $result = Invoke-Captured { Get-CsGraphCall -CallId '11111111-2222-3333-4444-555555555555' }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CallNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($result.Errors[0].ErrorDetails.Message) $($result.Errors[0].Exception.Message)" | Should -BeLike '*8522*'
    }

    It 'shows operations, calls and participants as tables by default' {
        $call = New-TestCall 'format'
        ($call | Out-String -Width 400) | Should -BeLike '*State*Subject*'
        ($call | Format-List | Out-String -Width 400) | Should -BeLike '*ThreadId*'
        $operation = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] -ErrorAction Stop
        ($operation | Out-String -Width 400) | Should -BeLike '*Status*Participants*'
        ($operation | Format-List | Out-String -Width 400) | Should -BeLike '*ClientContext*'
        $null = $operation | Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2
        (Get-CsGraphCallParticipant -CallId $call.Id | Out-String -Width 400) | Should -BeLike '*Joined*'
    }
}

Describe 'API versions and faults' {
    BeforeAll {
        Connect-Emulator
    }

    AfterAll {
        $null = Invoke-RestMethod -Method Delete -Uri "$($Connection.adminEndpoint)/faults" -SkipCertificateCheck
        Disconnect-CsGraph
    }

    It 'invites through beta with -ApiVersion beta' {
        $call = New-CsGraphCall -CallbackUri $CallbackUri -ThreadId '19:meeting_beta@thread.v2' -ApiVersion beta -ErrorAction Stop
        $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[4] -ApiVersion beta -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'
        $outcome.Operation.ApiVersion | Should -Be 'beta'
    }

    It 'retries a throttled invite after its Retry-After' {
        $call = New-TestCall 'throttle'
        $rule = @{ route = 'participants/invite'; method = 'POST'; kind = 'throttle'; retryAfterSeconds = 1; count = 1 } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Post -Uri "$($Connection.adminEndpoint)/faults" -Body $rule -ContentType 'application/json' -SkipCertificateCheck

        $outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[5] -Wait -Timeout 30 -PollInterval 0.2 -ErrorAction Stop
        $outcome.Status | Should -Be 'Completed'
    }

    It 'gives Throttled with the request ids when retries are off' {
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -MaxRetryCount 0 -ErrorAction Stop
        $call = New-TestCall 'throttle-off'
        $rule = @{ route = 'participants/invite'; method = 'POST'; kind = 'throttle'; retryAfterSeconds = 1; count = 1 } | ConvertTo-Json
        $null = Invoke-RestMethod -Method Post -Uri "$($Connection.adminEndpoint)/faults" -Body $rule -ContentType 'application/json' -SkipCertificateCheck

        $result = Invoke-Captured { Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $Users[0] }
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'Throttled,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        "$($result.Errors[0].ErrorDetails.Message) $($result.Errors[0].Exception.Message)" | Should -BeLike "*client-request-id*"
        Connect-Emulator
    }
}
