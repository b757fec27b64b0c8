#Requires -Version 7.4
# Pester 5, tagged Live: the main job against a real tenant (or the emulator, the same way), driven by environment
# variables (docs/testing.md). Run it with `dotnet pwsh ./build.ps1 -Task LiveTest`; the test command runs it once
# against the emulator. It is not under tests/Pester, so the Pester suite of the test command does not pick it up.
# Every object the suite receives is recorded, sanitized (tests/Live/LiveRecording.psm1), into
# $env:COMMSINVITE_LIVE_RECORDINGS (default: out/live/<UTC time>).

BeforeDiscovery {
    $script:HasNumber = [bool]$env:COMMSINVITE_LIVE_PHONE_NUMBER
}

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifest = Get-ChildItem -Path (Join-Path $repoRoot 'out/CommsInvite') -Filter 'CommsInvite.psd1' -Recurse | Select-Object -First 1 -ExpandProperty FullName
    if (-not $manifest) { throw 'The module is not built: run dotnet build CommsInvite.sln first.' }
    Import-Module $manifest -Force -ErrorAction Stop
    Import-Module (Join-Path $PSScriptRoot 'LiveRecording.psm1') -Force -ErrorAction Stop
    Reset-LiveRecording

    $script:Live = @{
        TenantId        = $env:COMMSINVITE_LIVE_TENANT_ID
        ClientId        = $env:COMMSINVITE_LIVE_CLIENT_ID
        Instance        = $env:COMMSINVITE_LIVE_INSTANCE
        UserId          = $env:COMMSINVITE_LIVE_USER_ID
        PhoneNumber     = $env:COMMSINVITE_LIVE_PHONE_NUMBER
        CallbackUri     = if ($env:COMMSINVITE_LIVE_CALLBACK_URI) { $env:COMMSINVITE_LIVE_CALLBACK_URI } else { 'https://commsinvite-live.invalid/api/calls' }
        Emulator        = $env:COMMSINVITE_LIVE_EMULATOR_CONNECTION_FILE
        Recordings      = if ($env:COMMSINVITE_LIVE_RECORDINGS) { $env:COMMSINVITE_LIVE_RECORDINGS } else { Join-Path $repoRoot ('out/live/' + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')) }
    }
    # Values that must never reach a recording even where no pattern would catch them.
    $script:Secrets = @($env:COMMSINVITE_LIVE_CERTIFICATE_PASSWORD, $env:COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT, $Live.CallbackUri) | Where-Object { $_ }

    function script:Save([string]$Name, $InputObject) {
        $null = Save-LiveRecording -Folder $Live.Recordings -Name $Name -InputObject $InputObject -Secret $Secrets
    }

    $connect = @{ TenantId = $Live.TenantId; ClientId = $Live.ClientId; ErrorAction = 'Stop' }
    if ($Live.Emulator) { $connect.EmulatorConnectionFile = $Live.Emulator }
    elseif ($env:COMMSINVITE_LIVE_ENVIRONMENT) { $connect.Environment = $env:COMMSINVITE_LIVE_ENVIRONMENT }
    if ($env:COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT) {
        $connect.CertificateThumbprint = $env:COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT
    }
    else {
        $connect.CertificatePath = $env:COMMSINVITE_LIVE_CERTIFICATE_PATH
        if ($env:COMMSINVITE_LIVE_CERTIFICATE_PASSWORD) {
            $connect.CertificatePassword = ConvertTo-SecureString -String $env:COMMSINVITE_LIVE_CERTIFICATE_PASSWORD -AsPlainText -Force
        }
    }
    Connect-CsGraph @connect
}

AfterAll {
    if ($script:Call) { Remove-CsGraphCall -CallId $Call.Id -Confirm:$false -ErrorAction SilentlyContinue }
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module CommsInvite, LiveRecording -Force -ErrorAction SilentlyContinue
}

Describe 'A bot against a tenant' -Tag Live {
    It 'is ready to call' {
        $readiness = @{ Identity = $Live.Instance; ErrorAction = 'Stop' }
        if ($Live.PhoneNumber) { $readiness.PhoneNumber = $Live.PhoneNumber }
        if ($env:COMMSINVITE_LIVE_CALLBACK_URI) { $readiness.CallbackUri = $Live.CallbackUri }
        $checks = @(Test-CsGraphBotReadiness @readiness)
        Save 'readiness' $checks
        $script:InstanceId = (Get-CsOnlineApplicationInstance -Identity $Live.Instance -ErrorAction Stop).ObjectId
        $failed = $checks | Where-Object Status -eq 'Failed' | ForEach-Object { "$($_.Check): $($_.Detail) Fix: $($_.Fix)" }
        $failed | Should -BeNullOrEmpty
    }

    It 'creates a group call' {
        $script:Call = New-CsGraphCall -CallbackUri $Live.CallbackUri -SourceApplicationInstanceId $InstanceId -ErrorAction Stop
        Save 'call' $Call
        $Call.Id | Should -Not -BeNullOrEmpty
    }

    It 'invites the user and waits for the outcome' {
        $operation = Invoke-CsGraphParticipantInvite -CallId $Call.Id -UserId $Live.UserId -ErrorAction Stop
        Save 'invite-user' $operation
        $outcome = $operation | Wait-CsGraphInviteOperation -Timeout 120 -ErrorAction SilentlyContinue
        Save 'outcome-user' $outcome
        # A person may not answer: a decided outcome (not a timeout) is what the service owes.
        $outcome.Status | Should -BeIn 'Completed', 'Failed'
        Save 'roster' @(Get-CsGraphCallParticipant -CallId $Call.Id -ErrorAction Stop)
    }

    It 'dials the number in' -Skip:(-not $HasNumber) {
        $operation = Invoke-CsGraphParticipantInvite -CallId $Call.Id -PhoneNumber $Live.PhoneNumber -ErrorAction Stop
        Save 'invite-phone' $operation
        $outcome = $operation | Wait-CsGraphInviteOperation -Timeout 120 -ErrorAction SilentlyContinue
        Save 'outcome-phone' $outcome
        $outcome.Status | Should -BeIn 'Completed', 'Failed'
    }

    It 'hangs up' {
        Save 'call-before-hangup' (Get-CsGraphCall -CallId $Call.Id -ErrorAction Stop)
        Remove-CsGraphCall -CallId $Call.Id -Confirm:$false -ErrorAction Stop
        $script:Call = $null
        @(Get-ChildItem -LiteralPath $Live.Recordings -Filter '*.json').Count | Should -BeGreaterThan 4
    }

    # The emulator's contract: build.ps1 -Task LiveTest first runs this suite against an emulator and names its
    # recordings here; a field the service sends that the emulator lacks, or an enum it spells differently, fails.
    It 'matches the shapes the emulator answers with' -Skip:(-not $env:COMMSINVITE_LIVE_CONTRACT_BASELINE) {
        $differences = @(Compare-LiveShape -Recorded $Live.Recordings -Emulated $env:COMMSINVITE_LIVE_CONTRACT_BASELINE)
        $differences | ForEach-Object { "$($_.Recording) $($_.Path): $($_.Difference) (service '$($_.Recorded)', emulator '$($_.Emulated)')" } |
            Should -BeNullOrEmpty
    }
}
