# Packs the built module (out/CommsInvite/<version>) into a folder repository with tools/CommsInvite.Packaging, the
# packager build.ps1 -Task Package runs. Uses the packager the solution build already produced; builds it only when
# it is missing (a Pester file run on its own after building just the module).
#   . (Join-Path $PSScriptRoot 'PackageSupport.ps1')

function New-TestPackage([string]$RepoRoot, [string]$ModuleFolder, [string]$Output) {
    $packager = Get-ChildItem -Path (Join-Path $RepoRoot 'tools/CommsInvite.Packaging/bin') -Filter 'CommsInvite.Packaging.dll' -Recurse -ErrorAction SilentlyContinue |
        Sort-Object -Property LastWriteTimeUtc -Descending | Select-Object -First 1 -ExpandProperty FullName
    if ($packager) {
        & dotnet $packager -module $ModuleFolder -output $Output | Out-Host
    }
    else {
        & dotnet run --project (Join-Path $RepoRoot 'tools/CommsInvite.Packaging') -- -module $ModuleFolder -output $Output | Out-Host
    }
    if ($LASTEXITCODE -ne 0) { throw "packaging failed ($LASTEXITCODE)" }
    $package = Get-ChildItem -LiteralPath $Output -Filter 'CommsInvite.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "The packager wrote no package to $Output." }
    $package.FullName
}
