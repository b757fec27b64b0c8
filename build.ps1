#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages or demonstrates CommsInvite. Wraps the same dotnet commands that work without pwsh.

.DESCRIPTION
    Build    dotnet build CommsInvite.sln: lays out the importable module at out/CommsInvite/<ModuleVersion>/.
    Test     Build, then every xunit project under tests/ (engine tests included), then Pester 5 (tests/Pester)
             when Pester 5 is installed (it says so when it is not).
    Package  Build in Release, then pack out/CommsInvite/<ModuleVersion> into out/packages/CommsInvite.<ver>.nupkg
             (tests/CommsInvite.Packaging, the same tool `dotnet build -t:PackModule` runs), a folder repository that
             Install-PSResource / Install-Module can install from.
    Demo     Build, start the emulator, import the module, create a group call, invite two users and wait.

.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Debug'
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

function Invoke-Test {
    Invoke-Build
    $failed = @()
    foreach ($project in Get-ChildItem -Path (Join-Path $repoRoot 'tests') -Filter '*.csproj' -Recurse) {
        & dotnet test $project.FullName -c $Configuration --no-build --nologo
        if ($LASTEXITCODE -ne 0) { $failed += $project.BaseName }
    }

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if ($pester) {
        Import-Module $pester -Force
        $configuration = New-PesterConfiguration
        $configuration.Run.Path = Join-Path $repoRoot 'tests/Pester'
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'Detailed'
        $configuration.TestResult.Enabled = $true
        $configuration.TestResult.OutputPath = Join-Path $repoRoot 'tests/Pester/testResults.xml'
        $result = Invoke-Pester -Configuration $configuration
        if ($result.FailedCount -gt 0) { $failed += 'Pester' }
    }
    else {
        Write-Warning 'Pester 5 is not installed: skipping tests/Pester (Install-PSResource Pester -Version 5.*).'
    }

    if ($failed) {
        throw "Failed: $($failed -join ', ')"
    }
}

function Invoke-Package {
    # The same packager `dotnet build tests/CommsInvite.Packaging -t:PackModule` runs on machines without pwsh:
    # builds the module (Release), reads the manifest with Test-ModuleManifest and writes
    # out/packages/CommsInvite.<ModuleVersion>.nupkg (nuspec from the manifest, module files, no markdown or pdb).
    Invoke-Dotnet build (Join-Path $repoRoot 'tests/CommsInvite.Packaging/CommsInvite.Packaging.csproj') -c Release -nologo -t:PackModule
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

function Invoke-Demo {
    Invoke-Build
    $emulatorDll = Get-ChildItem -Path (Join-Path $repoRoot "src/CommsInvite.Emulator/bin/$Configuration") -Filter 'CommsInvite.Emulator.dll' -Recurse |
        Where-Object { $_.Directory.Name -ne 'ref' } | Select-Object -First 1 -ExpandProperty FullName
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('CommsInvite.Demo.' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $folder
    $connectionFile = Join-Path $folder 'emulator.json'
    $emulator = Start-Process -FilePath dotnet -ArgumentList @($emulatorDll, '--port', '0', '--connection-file', $connectionFile) -PassThru `
        -RedirectStandardOutput (Join-Path $folder 'emulator.out.txt') -RedirectStandardError (Join-Path $folder 'emulator.err.txt')
    try {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path -LiteralPath $connectionFile)) {
            if ($emulator.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw 'The emulator did not start.' }
            Start-Sleep -Milliseconds 100
        }
        Start-Sleep -Milliseconds 200

        Import-Module (Join-Path $moduleFolder 'CommsInvite.psd1') -Force
        Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $connectionFile
        Get-CsGraphContext | Format-List
        $call = New-CsGraphCall -CallbackUri 'http://127.0.0.1:9/callback' -ThreadId '19:meeting_demo@thread.v2' -Subject 'CommsInvite demo'
        $call | Format-Table
        Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId '278405a3-f568-4b3e-b684-009193463064', '7e1b4346-85a6-4bdd-abe3-d11c5d420efe' |
            Tee-Object -Variable operations | Format-Table
        $operations | Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 0.5 | Format-Table
        Get-CsGraphCallParticipant -CallId $call.Id | Format-Table
        Disconnect-CsGraph
    }
    finally {
        if (-not $emulator.HasExited) { Stop-Process -Id $emulator.Id -Force }
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo' { Invoke-Demo }
}
