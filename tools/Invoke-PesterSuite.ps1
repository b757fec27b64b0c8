#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite with a given Pester module (imported by path) and writes NUnit results.
    build.ps1 -Task Test starts it in a child pwsh; the exit code is the number of failed tests (capped at 255).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$PesterManifest,
    [Parameter(Mandatory)][string]$Path,
    [Parameter(Mandatory)][string]$ResultFile,
    [string[]]$FullName = @(),
    # Only tests with one of these tags (the live suite is tagged Live).
    [string[]]$Tag = @()
)

# No preference variables here: the tests inherit this scope, and several check non-terminating errors.
Import-Module -Name $PesterManifest -Force -ErrorAction Stop
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultFile
if ($FullName) { $configuration.Filter.FullName = $FullName }
if ($Tag) { $configuration.Filter.Tag = $Tag }
$result = Invoke-Pester -Configuration $configuration
if ($result.Result -ne 'Passed' -and $result.FailedCount -eq 0) { exit 1 }
exit [Math]::Min(255, $result.FailedCount)
