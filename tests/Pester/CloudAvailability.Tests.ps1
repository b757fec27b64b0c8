#Requires -Version 7.4
# Pester 5 tests for the number cmdlets on a national cloud, where Graph has no telephone number management: the same
# behaviour as tests/CommsInvite.PowerShell.Tests/CloudAvailabilityTests.cs, in a real pwsh against the built module.
# The emulator stands in for the cloud through a copy of its connection file with "cloud" set (docs/emulator.md).
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.CloudAvailability'
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    Import-Module -Name (Get-TestModuleManifest -RepoRoot $RepoRoot) -Force -ErrorAction Stop

    # Every Graph request the emulator received (tokens and the admin endpoint left out).
    function Get-GraphRequestCount {
        $total = 0
        foreach ($property in (Get-EmulatorStats).requestsPerRoute.PSObject.Properties) {
            if ($property.Name -like '*/v1.0/*' -or $property.Name -like '*/beta/*') { $total += $property.Value }
        }
        $total
    }

    # A copy of the connection file that says the emulator stands in for $Cloud.
    function New-StandInConnectionFile([string]$Cloud) {
        $json = Get-Content -LiteralPath $ConnectionFile -Raw | ConvertFrom-Json -AsHashtable
        $json.cloud = $Cloud
        $path = Join-Path $TempFolder "connection-$Cloud.json"
        $json | ConvertTo-Json | Set-Content -LiteralPath $path
        $path
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Number cmdlets on a <Cloud> connection' -ForEach @(
    @{ Cloud = 'USGov'; TeamsEnvironment = 'TeamsGCCH' }
    @{ Cloud = 'USGovDoD'; TeamsEnvironment = 'TeamsDOD' }
    @{ Cloud = 'China'; TeamsEnvironment = 'TeamsChina' }
) {
    BeforeAll {
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile (New-StandInConnectionFile $Cloud) -ErrorAction Stop
    }

    AfterAll {
        Disconnect-CsGraph -ErrorAction SilentlyContinue
    }

    It 'stops <Name> before any request, naming MicrosoftTeams' -ForEach @(
        @{ Name = 'Get-CsPhoneNumberAssignment'; Run = { Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -Top 1 -ErrorAction SilentlyContinue } }
        @{ Name = 'Set-CsPhoneNumberAssignment'; Run = { Set-CsPhoneNumberAssignment -Identity bot@contoso.onmicrosoft.com -TelephoneNumber +12345678901 -NumberType CallingPlan -ErrorAction SilentlyContinue } }
        @{ Name = 'Remove-CsPhoneNumberAssignment'; Run = { Remove-CsPhoneNumberAssignment -Identity bot@contoso.onmicrosoft.com -RemoveAll -ErrorAction SilentlyContinue } }
        @{ Name = 'Set-CsOnlineVoiceApplicationInstance'; Run = { Set-CsOnlineVoiceApplicationInstance -Identity bot@contoso.onmicrosoft.com -TelephoneNumber +12345678901 -ErrorAction SilentlyContinue } }
    ) {
        $before = Get-GraphRequestCount
        $wentOn = $false
        $caught = $null
        try {
            & $Run
            $wentOn = $true
        } catch {
            $caught = $_
        }

        $wentOn | Should -BeFalse -Because 'the error is terminating, even with -ErrorAction SilentlyContinue'
        $caught.FullyQualifiedErrorId | Should -BeLike "NotAvailableInCloud,*"
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception.Message | Should -BeLike "*MicrosoftTeams\$Name*$TeamsEnvironment*"
        Get-GraphRequestCount | Should -Be $before
    }

    It 'still reaches the cloud for what it has' {
        $before = Get-GraphRequestCount
        $null = Get-CsOnlineApplicationInstance -ErrorAction Stop
        Get-GraphRequestCount | Should -BeGreaterThan $before
    }
}
