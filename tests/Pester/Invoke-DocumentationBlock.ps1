#Requires -Version 7.4
<#
.SYNOPSIS
    Runs one documentation code block in this (new) pwsh after DocumentationPrelude.ps1, as a reader would paste it.
    Exit code 0: the block ran without an error record; 1: it wrote errors (listed on stderr); 2: the prelude failed.
#>
param(
    [Parameter(Mandatory)][string]$SetupFile
)

$Setup = Get-Content -LiteralPath $SetupFile -Raw | ConvertFrom-Json
try {
    . (Join-Path $PSScriptRoot 'DocumentationPrelude.ps1')
}
catch {
    [Console]::Error.WriteLine("PRELUDE FAILED [$($_.FullyQualifiedErrorId)]: $_")
    exit 2
}

# Dot-sourced, so the block sees the prelude's variables; every error record it writes (non-terminating ones
# included) fails it, a terminating error too.
$errors = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
$block = [scriptblock]::Create($Setup.Block)
try {
    . $block 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $_ }
    } | Out-Default
}
catch {
    $errors.Add($_)
}
foreach ($record in $errors) {
    [Console]::Error.WriteLine("ERROR [$($record.FullyQualifiedErrorId)] ($($record.CategoryInfo.Category)): $record")
}
Stop-CsGraphNotificationListener -ErrorAction SilentlyContinue
exit ([int]($errors.Count -gt 0))
