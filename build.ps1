#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages or demonstrates CommsInvite. Wraps the same dotnet commands that work without pwsh.

.DESCRIPTION
    Build    dotnet build CommsInvite.sln: lays out the importable module at out/CommsInvite/<ModuleVersion>/.
    Test     Build, then every xunit project under tests/, then Pester (tests/Pester) with the Pester restored from
             NuGet by tools/Toolchain. Prints `pester: N passed, M failed` and ends with `N passed, M failed` over all.
    Package  Build in Release, then pack out/CommsInvite/<ModuleVersion> into out/packages/CommsInvite.<ver>.nupkg
             (tools/CommsInvite.Packaging, the same tool `dotnet build -t:PackModule` runs), a folder repository that
             Install-PSResource / Install-Module can install from.
    Demo     Build, start the emulator and run examples/<Example>.ps1 (Invite-TwoUsers by default: create a group call,
             invite two users, wait, print the outcome and the roster) in a new pwsh that finds the module by name.
    LiveTest Build, then the live suite (tests/Live, tagged Live) against the tenant the COMMSINVITE_LIVE_* environment
             variables name (docs/testing.md); without them it lists the missing ones and exits 1. Test runs the same
             suite once against an emulator.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo -Example Provision-PstnBot
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'LiveTest')]
    [string]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Debug',

    # Demo: the example under examples/ to run (without .ps1); each takes -EmulatorConnectionFile.
    [ValidateSet('Invite-TwoUsers', 'Provision-PstnBot')]
    [string]$Example = 'Invite-TwoUsers'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repoRoot = $PSScriptRoot
$manifestPath = Join-Path $repoRoot 'CommsInvite.psd1'
$moduleVersion = (Import-PowerShellDataFile -Path $manifestPath).ModuleVersion
$moduleFolder = Join-Path $repoRoot "out/CommsInvite/$moduleVersion"

function Invoke-Dotnet {
    param([Parameter(ValueFromRemainingArguments)][string[]]$Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    param([string]$BuildConfiguration = $Configuration)
    Invoke-Dotnet build (Join-Path $repoRoot 'CommsInvite.sln') -c $BuildConfiguration -nologo
    if (-not (Test-Path -LiteralPath (Join-Path $moduleFolder 'CommsInvite.psd1'))) {
        throw "The build did not produce $moduleFolder."
    }
    Write-Host "Module: $moduleFolder" -ForegroundColor Green
}

# The Pester module restored from NuGet by tools/Toolchain (a PackageDownload), imported by path.
function Get-PesterManifest {
    $version = ([xml](Get-Content -LiteralPath (Join-Path $repoRoot 'tools/Toolchain/Toolchain.csproj') -Raw)).Project.PropertyGroup.PesterVersion |
        Where-Object { $_ } | Select-Object -First 1
    Invoke-Dotnet restore (Join-Path $repoRoot 'tools/Toolchain/Toolchain.csproj') --nologo --verbosity quiet
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "Pester $version was not restored to $manifest."
    }
    $manifest
}

function Invoke-Test {
    # Passed and failed tests from a Visual Studio test results (trx) file; $null when there is none or it cannot be read.
    # Failed counts every test that did not pass for a reason of its own: failed, error, timeout and aborted.
    function Read-TrxCounts {
        param([string] $Path)
        if (-not (Test-Path -LiteralPath $Path)) { return $null }
        try {
            $counters = ([xml](Get-Content -LiteralPath $Path -Raw)).TestRun.ResultSummary.Counters
        } catch {
            return $null
        }
        if (-not $counters) { return $null }
        [pscustomobject]@{
            Passed = [int]$counters.passed
            Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        }
    }

    Invoke-Build
    $passed = 0
    $failed = 0
    $failedSuites = [System.Collections.Generic.List[string]]::new()

    # Test projects only: tools and programs under tests/ are built by the solution but hold no tests.
    # Counts come from each project's trx result file, not from the console text.
    $projects = Get-ChildItem -Path (Join-Path $repoRoot 'tests') -Filter '*.Tests.csproj' -Recurse | Sort-Object Name
    $resultsDirectory = Join-Path $repoRoot 'tests/TestResults'
    foreach ($project in $projects) {
        $trxFile = Join-Path $resultsDirectory "$($project.BaseName).trx"
        if (Test-Path -LiteralPath $trxFile) { Remove-Item -LiteralPath $trxFile -Force }
        & dotnet test $project.FullName -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$($project.BaseName).trx" --results-directory $resultsDirectory 2>&1 |
            ForEach-Object { Write-Host "$_" }
        $exitCode = $LASTEXITCODE
        $summary = Read-TrxCounts -Path $trxFile
        if ($summary) {
            $passed += $summary.Passed
            $failed += $summary.Failed
        }
        if ($exitCode -ne 0) {
            $failedSuites.Add($project.BaseName)
            # A test host that died (no result file, or one that counts no failure) still counts as a failure.
            if (-not $summary -or $summary.Failed -eq 0) { $failed++ }
        }
    }

    # Pester runs in a child pwsh (the same pinned tool) so that the module it imports, the emulators it starts
    # and the preference variables it sets never leak into this build script's session.
    $pesterManifest = Get-PesterManifest
    $resultFile = Join-Path $repoRoot 'tests/Pester/testResults.xml'
    $runner = Join-Path $repoRoot 'tools/Invoke-PesterSuite.ps1'
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterManifest $pesterManifest -Path (Join-Path $repoRoot 'tests/Pester') -ResultFile $resultFile
    $pesterExit = $LASTEXITCODE
    $pesterPassed = 0
    $pesterFailed = 0
    if (Test-Path -LiteralPath $resultFile) {
        $results = [xml](Get-Content -LiteralPath $resultFile -Raw)
        $pesterPassed = [int]$results.'test-results'.total - [int]$results.'test-results'.failures - [int]$results.'test-results'.errors -
            [int]$results.'test-results'.'not-run' - [int]$results.'test-results'.skipped - [int]$results.'test-results'.inconclusive -
            [int]$results.'test-results'.ignored - [int]$results.'test-results'.invalid
        $pesterFailed = [int]$results.'test-results'.failures + [int]$results.'test-results'.errors
    }
    if ($pesterExit -ne 0 -and $pesterFailed -eq 0) {
        # Pester itself could not run (or crashed): that is a failure, never a skip.
        $pesterFailed = 1
    }
    if ($pesterFailed -gt 0) { $failedSuites.Add('Pester') }
    $passed += $pesterPassed
    $failed += $pesterFailed

    # The live suite, once, against an emulator: the same variables a tenant run takes, pointed at it.
    $live = Invoke-LiveSuiteOnEmulator -PesterManifest $pesterManifest
    if ($live.Failed -gt 0) { $failedSuites.Add('Live (emulator)') }
    $passed += $live.Passed
    $failed += $live.Failed

    Write-Host ''
    Write-Host "pester: $pesterPassed passed, $pesterFailed failed"
    Write-Host "live (emulator): $($live.Passed) passed, $($live.Failed) failed"
    if ($failedSuites.Count -gt 0) {
        Write-Host "Failed suites: $($failedSuites -join ', ')"
    }
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Package {
    # The same packager `dotnet build tools/CommsInvite.Packaging -t:PackModule` runs on machines without pwsh:
    # builds the module (Release), reads the manifest with Test-ModuleManifest and writes
    # out/packages/CommsInvite.<ModuleVersion>.nupkg (nuspec from the manifest, module files, no markdown or pdb).
    Invoke-Dotnet build (Join-Path $repoRoot 'tools/CommsInvite.Packaging/CommsInvite.Packaging.csproj') -c Release -nologo -t:PackModule
    $test = Test-ModuleManifest -Path (Join-Path $moduleFolder 'CommsInvite.psd1')
    Write-Host "Manifest OK: $($test.Name) $($test.Version)"

    $repositoryFolder = Join-Path $repoRoot 'out/packages'
    $package = Join-Path $repositoryFolder "CommsInvite.$moduleVersion.nupkg"
    if (-not (Test-Path -LiteralPath $package)) {
        throw "The packager did not write $package."
    }
    Write-Host "Package: $package" -ForegroundColor Green
    Write-Host "Install it: Register-PSResourceRepository -Name CommsInviteLocal -Uri '$repositoryFolder' -Trusted; Install-PSResource CommsInvite -Repository CommsInviteLocal"
}

# Starts the built emulator on a free port; returns the process and its connection file once it is written.
function Start-Emulator([string]$Folder) {
    $emulatorDll = Get-ChildItem -Path (Join-Path $repoRoot "src/CommsInvite.Emulator/bin/$Configuration") -Filter 'CommsInvite.Emulator.dll' -Recurse |
        Where-Object { $_.Directory.Name -ne 'ref' } | Select-Object -First 1 -ExpandProperty FullName
    $connectionFile = Join-Path $Folder 'emulator.json'
    $emulator = Start-Process -FilePath dotnet -ArgumentList @($emulatorDll, '--port', '0', '--connection-file', $connectionFile, '--answer-delay-ms', '500') -PassThru `
        -RedirectStandardOutput (Join-Path $Folder 'emulator.out.txt') -RedirectStandardError (Join-Path $Folder 'emulator.err.txt')
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path -LiteralPath $connectionFile)) {
        if ($emulator.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            if (-not $emulator.HasExited) { Stop-Process -Id $emulator.Id -Force }
            throw "The emulator did not start: $(Get-Content -Raw -LiteralPath (Join-Path $Folder 'emulator.err.txt') -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 100
    }
    Start-Sleep -Milliseconds 200
    [pscustomobject]@{ Process = $emulator; ConnectionFile = $connectionFile }
}

function Invoke-Demo {
    Invoke-Build
    $script = Join-Path $repoRoot "examples/$Example.ps1"
    if (-not (Test-Path -LiteralPath $script)) {
        throw "No example examples/$Example.ps1; there are: $((Get-ChildItem (Join-Path $repoRoot 'examples') -Filter *.ps1).BaseName -join ', ')."
    }
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('CommsInvite.Demo.' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    $emulator = $null
    $modulePath = $env:PSModulePath
    $noColor = $env:NO_COLOR
    try {
        $emulator = Start-Emulator -Folder $folder
        Write-Host "Emulator: connection file $($emulator.ConnectionFile)" -ForegroundColor Cyan
        # The example runs as a user runs it: a new pwsh (this one's), the module found by name on PSModulePath
        # (out/ holds CommsInvite/<version>), its tables drawn by pwsh itself for this terminal or pipe.
        $env:PSModulePath = (Join-Path $repoRoot 'out') + [System.IO.Path]::PathSeparator + $modulePath
        # Into a pipe or a file (CI logs), plain text: pwsh drops its colour escapes when NO_COLOR is set.
        $noColor = $env:NO_COLOR
        if ([Console]::IsOutputRedirected) { $env:NO_COLOR = '1' }
        Write-Host "pwsh -File examples/$Example.ps1 -EmulatorConnectionFile $($emulator.ConnectionFile)" -ForegroundColor Cyan
        & (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -NoProfile -NonInteractive -File $script -EmulatorConnectionFile $emulator.ConnectionFile
        if ($LASTEXITCODE -ne 0) { throw "examples/$Example.ps1 failed with exit code $LASTEXITCODE." }
    }
    finally {
        $env:PSModulePath = $modulePath
        $env:NO_COLOR = $noColor
        if ($emulator -and -not $emulator.Process.HasExited) { Stop-Process -Id $emulator.Process.Id -Force }
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# The live suite's variables (docs/testing.md): the tenant, the bot app and its certificate, the application
# instance and a test user are required; a number, a callback address, the cloud and the recordings folder are not.
$liveRequired = 'COMMSINVITE_LIVE_TENANT_ID', 'COMMSINVITE_LIVE_CLIENT_ID', 'COMMSINVITE_LIVE_INSTANCE', 'COMMSINVITE_LIVE_USER_ID'

function Get-LiveMissing {
    $missing = @($liveRequired | Where-Object { -not [Environment]::GetEnvironmentVariable($_) })
    if (-not $env:COMMSINVITE_LIVE_CERTIFICATE_PATH -and -not $env:COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT) {
        $missing += 'COMMSINVITE_LIVE_CERTIFICATE_PATH (or COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT)'
    }
    $missing
}

# Runs tests/Live (tag Live) in a child pwsh; returns the passed and failed counts.
function Invoke-LiveSuite([string]$PesterManifest, [string]$ResultFile) {
    $runner = Join-Path $repoRoot 'tools/Invoke-PesterSuite.ps1'
    # Its lines go to the host: this function's output is the counts.
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterManifest $PesterManifest -Path (Join-Path $repoRoot 'tests/Live') -ResultFile $ResultFile -Tag Live | Out-Host
    $exit = $LASTEXITCODE
    $livePassed = 0
    $liveFailed = 0
    if (Test-Path -LiteralPath $ResultFile) {
        $results = [xml](Get-Content -LiteralPath $ResultFile -Raw)
        $r = $results.'test-results'
        $liveFailed = [int]$r.failures + [int]$r.errors
        $livePassed = [int]$r.total - $liveFailed - [int]$r.'not-run' - [int]$r.skipped - [int]$r.inconclusive - [int]$r.ignored - [int]$r.invalid
    }
    if ($exit -ne 0 -and $liveFailed -eq 0) { $liveFailed = 1 }
    [pscustomobject]@{ Passed = $livePassed; Failed = $liveFailed }
}

function Invoke-LiveTest {
    $missing = @(Get-LiveMissing)
    if ($missing.Count -gt 0) {
        Write-Host "The live suite needs these environment variables (docs/testing.md): $($missing -join ', ')" -ForegroundColor Red
        exit 1
    }
    Invoke-Build
    $pesterManifest = Get-PesterManifest
    # First the same suite against an emulator: its recordings are the baseline the tenant's shapes are compared with.
    $baseline = Join-Path $repoRoot 'out/live/emulator-baseline'
    Remove-Item -LiteralPath $baseline -Recurse -Force -ErrorAction SilentlyContinue
    $emulated = Invoke-LiveSuiteOnEmulator -PesterManifest $pesterManifest -Recordings $baseline
    if ($emulated.Failed -gt 0) { Write-Host 'The emulator run failed; the shapes are not compared.' -ForegroundColor Yellow }
    else { $env:COMMSINVITE_LIVE_CONTRACT_BASELINE = $baseline }
    $live = Invoke-LiveSuite -PesterManifest $pesterManifest -ResultFile (Join-Path $repoRoot 'tests/Live/testResults.xml')
    Write-Host "live: $($live.Passed) passed, $($live.Failed) failed"
    if ($live.Failed -gt 0) { exit 1 }
}

# The live suite against a fresh emulator: a bot provisioned there by the README's pipeline, the dev client's
# certificate, a seeded user, a number; the variables are set for the child pwsh only and restored after.
function Invoke-LiveSuiteOnEmulator([string]$PesterManifest, [string]$Recordings) {
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('CommsInvite.Live.' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    $names = @($liveRequired) + 'COMMSINVITE_LIVE_CERTIFICATE_PATH', 'COMMSINVITE_LIVE_CERTIFICATE_PASSWORD', 'COMMSINVITE_LIVE_CERTIFICATE_THUMBPRINT',
        'COMMSINVITE_LIVE_PHONE_NUMBER', 'COMMSINVITE_LIVE_CALLBACK_URI', 'COMMSINVITE_LIVE_EMULATOR_CONNECTION_FILE', 'COMMSINVITE_LIVE_ENVIRONMENT', 'COMMSINVITE_LIVE_RECORDINGS',
        'COMMSINVITE_LIVE_CONTRACT_BASELINE'
    $saved = @{}
    foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $emulator = $null
    try {
        $emulator = Start-Emulator -Folder $folder
        $connection = Get-Content -Raw -LiteralPath $emulator.ConnectionFile | ConvertFrom-Json
        $bot = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $repoRoot 'tests/Live/Initialize-EmulatorBot.ps1') `
            -EmulatorConnectionFile $emulator.ConnectionFile -ModuleManifest (Join-Path $moduleFolder 'CommsInvite.psd1')
        if ($LASTEXITCODE -ne 0) { throw "Provisioning the live suite's bot in the emulator failed: $bot" }
        $bot = ($bot | Select-Object -Last 1) | ConvertFrom-Json
        foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $null) }
        $env:COMMSINVITE_LIVE_TENANT_ID = $connection.tenantId
        $env:COMMSINVITE_LIVE_CLIENT_ID = $connection.clientId
        $env:COMMSINVITE_LIVE_CERTIFICATE_PATH = $connection.clientCertificatePath
        $env:COMMSINVITE_LIVE_CERTIFICATE_PASSWORD = $connection.clientCertificatePassword
        $env:COMMSINVITE_LIVE_INSTANCE = $bot.objectId
        $env:COMMSINVITE_LIVE_USER_ID = '278405a3-f568-4b3e-b684-009193463064'
        $env:COMMSINVITE_LIVE_PHONE_NUMBER = '+14255550123'
        # No callback variable: the suite's default address, as a first run against a tenant has it.
        $env:COMMSINVITE_LIVE_EMULATOR_CONNECTION_FILE = $emulator.ConnectionFile
        $env:COMMSINVITE_LIVE_RECORDINGS = if ($Recordings) { $Recordings } else { Join-Path $folder 'recordings' }
        Invoke-LiveSuite -PesterManifest $PesterManifest -ResultFile (Join-Path $repoRoot 'tests/Live/testResults.xml')
    }
    catch {
        Write-Host "live (emulator): $_" -ForegroundColor Red
        [pscustomobject]@{ Passed = 0; Failed = 1 }
    }
    finally {
        foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        if ($emulator -and -not $emulator.Process.HasExited) { Stop-Process -Id $emulator.Process.Id -Force }
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo' { Invoke-Demo }
    'LiveTest' { Invoke-LiveTest }
}
