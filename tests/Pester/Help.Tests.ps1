#Requires -Version 7.4
# Pester 5: help, manifest and package, the same checks as tests/CommsInvite.PowerShell.Tests/Help*.cs and
# Package*.cs, in the real pwsh. Installing the package (four ways, into temporary folders) is Install.Tests.ps1.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeDiscovery {
    $manifestText = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../../CommsInvite.psd1')
    $list = [regex]::Match($manifestText, "CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", 'Singleline').Groups['list'].Value
    $script:CmdletCases = @([regex]::Matches($list, "'([^']+)'") | ForEach-Object { @{ Name = $_.Groups[1].Value } })
}

BeforeAll {
    $script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
    $script:ManifestPath = Get-ChildItem -Path (Join-Path $RepoRoot 'out/CommsInvite') -Filter 'CommsInvite.psd1' -Recurse -ErrorAction SilentlyContinue |
        Sort-Object -Property { [version]$_.Directory.Name } -Descending |
        Select-Object -First 1 -ExpandProperty FullName
    if (-not $ManifestPath) {
        throw "The module is not built: run 'dotnet build CommsInvite.sln' in $RepoRoot first."
    }
    $script:ModuleVersion = (Import-PowerShellDataFile -LiteralPath $ManifestPath).ModuleVersion
    Import-Module $ManifestPath -Force -ErrorAction Stop
    $script:TempFolder = Join-Path ([System.IO.Path]::GetTempPath()) ("CommsInvite.PesterHelp." + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $TempFolder
}

AfterAll {
    Remove-Module CommsInvite -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $TempFolder -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Help for <Name>' -ForEach $CmdletCases {
    BeforeAll {
        $script:Help = Get-Help -Name $Name -Full -ErrorAction Stop
        $script:Command = Get-Command -Name $Name -ErrorAction Stop
    }

    It 'has a synopsis and a description written as prose' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -BeLike "$Name *[[]*"
        ($Help.description.Text -join ' ').Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples that use the cmdlet' {
        @($Help.examples.example).Count | Should -BeGreaterOrEqual 2
        ($Help.examples.example.code -join "`n") | Should -Match ([regex]::Escape($Name))
    }

    It 'has related links' {
        @($Help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 1
    }

    It 'documents every parameter, and only parameters that exist' {
        $actual = @($Command.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters }) | Sort-Object
        $documented = @($Help.parameters.parameter | Where-Object { $_.name } | ForEach-Object { $_.name }) | Sort-Object
        $documented | Should -Be $actual
        foreach ($parameter in @($Help.parameters.parameter | Where-Object { $_.name })) {
            ($parameter.description.Text -join ' ').Length | Should -BeGreaterThan 10 -Because "-$($parameter.name) needs a description"
        }
    }
}

Describe 'about_CommsInvite' {
    It 'is found by Get-Help' {
        $text = Get-Help about_CommsInvite | Out-String
        $text | Should -Match 'SHORT DESCRIPTION'
        $text | Should -Match 'Calls.InitiateGroupCall.All'
    }
}

Describe 'Manifest' {
    It 'passes Test-ModuleManifest with the fields the gallery needs' {
        $info = Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop
        $info.Guid | Should -Not -Be ([guid]::Empty)
        $info.Author | Should -Not -BeNullOrEmpty
        $info.Description | Should -Not -BeNullOrEmpty
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        ($info.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
        $info.Tags | Should -Not -BeNullOrEmpty
        $info.ProjectUri | Should -Not -BeNullOrEmpty
        $info.LicenseUri | Should -Not -BeNullOrEmpty
        $info.ReleaseNotes | Should -Not -BeNullOrEmpty
    }
}

Describe 'Package' {
    BeforeAll {
        $script:RepositoryFolder = Join-Path $TempFolder 'repository'
        . (Join-Path $PSScriptRoot 'PackageSupport.ps1')
        $script:PackagePath = New-TestPackage -RepoRoot $RepoRoot -ModuleFolder (Split-Path $ManifestPath) -Output $RepositoryFolder
    }

    It 'holds the module files and no markdown or pdb' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($PackagePath)
        try { $names = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($expected in 'CommsInvite.nuspec', 'CommsInvite.psd1', 'CommsInvite.psm1', 'CommsInvite.Format.ps1xml',
            'en-US/CommsInvite.dll-Help.xml', 'en-US/about_CommsInvite.help.txt', 'bin/CommsInvite.dll', 'bin/CommsInvite.Core.dll') {
            $names | Should -Contain $expected
        }
        $names | Where-Object { $_ -like '*.md' -or $_ -like '*.pdb' } | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion' {
    It 'completes -Environment and -ApiVersion' {
        $line = 'Connect-CsGraph -Environment US'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('USGov', 'USGovDoD')
        $line = 'Get-CsGraphCall -ApiVersion b'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('beta')
    }

    It 'completes -NumberType on <_>' -ForEach @('Get-CsPhoneNumberAssignment', 'Set-CsPhoneNumberAssignment', 'Remove-CsPhoneNumberAssignment') {
        $line = "$_ -NumberType "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('CallingPlan', 'DirectRouting', 'OperatorConnect')
        $line = "$_ -PhoneNumberType dir"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('DirectRouting')
    }
}
