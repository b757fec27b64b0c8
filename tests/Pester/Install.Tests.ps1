#Requires -Version 7.4
# Pester 5: installing the module as users do, from a package. The built module is packed (tools/CommsInvite.Packaging,
# what build.ps1 -Task Package runs), the package folder is registered as a folder repository under a unique
# temporary name, and CommsInvite is installed four ways: Install-PSResource and Save-PSResource (PSResourceGet, in
# pwsh 7.4+), Install-Module and Save-Module (PowerShellGet 2.2.5). Every install runs in a child pwsh whose HOME is a
# temporary folder (so -Scope CurrentUser lands there, and so do the repository lists), every Save-* writes to a
# temporary path, and the repositories are unregistered in a finally block. Then a fresh pwsh imports the module by
# name from where it was installed, reads its help, connects to the emulator and invites.
# No PowerShell Gallery access is needed or attempted. Prerequisite: `dotnet build CommsInvite.sln`.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    . (Join-Path $PSScriptRoot 'ChildProcess.ps1')
    . (Join-Path $PSScriptRoot 'PackageSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ModuleVersion = (Import-PowerShellDataFile -LiteralPath (Get-TestModuleManifest -RepoRoot $RepoRoot)).ModuleVersion
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Install' -ArgumentList @('--answer-delay-ms', '200')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile

    $script:RepositoryFolder = Join-Path $TempFolder 'repository'
    $null = New-TestPackage -RepoRoot $RepoRoot -ModuleFolder (Split-Path (Get-TestModuleManifest -RepoRoot $RepoRoot)) -Output $RepositoryFolder

    # Installs with one tool in a child pwsh with its own temporary HOME; returns that child's environment and the
    # folder the module landed in.
    function script:Install-Package([string]$Tool, [string]$Name) {
        $childEnvironment = New-ChildHome -Path (Join-Path $TempFolder "home.$Name")
        $savePath = Join-Path $TempFolder "saved.$Name"
        $null = New-Item -ItemType Directory -Path $savePath -Force
        $repositoryName = 'CommsInviteTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script = Join-Path $TempFolder "install.$Name.ps1"
        $body = switch ($Tool) {
            'PSResourceGet' {
                @'
param($Repository, $Folder, $SavePath, $Version)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name $Repository -Uri $Folder -Trusted
try {
    Install-PSResource -Name CommsInvite -Version $Version -Repository $Repository -Scope CurrentUser
    Save-PSResource -Name CommsInvite -Version $Version -Repository $Repository -Path $SavePath
    (Get-InstalledPSResource -Name CommsInvite -Scope CurrentUser).InstalledLocation
}
finally {
    Unregister-PSResourceRepository -Name $Repository
}
if (Get-PSResourceRepository -Name $Repository -ErrorAction SilentlyContinue) { throw "$Repository is still registered" }
'@
            }
            'PowerShellGet' {
                @'
param($Repository, $Folder, $SavePath, $Version)
$ErrorActionPreference = 'Stop'
Import-Module PowerShellGet -RequiredVersion 2.2.5
Register-PSRepository -Name $Repository -SourceLocation $Folder -InstallationPolicy Trusted
try {
    Install-Module -Name CommsInvite -RequiredVersion $Version -Repository $Repository -Scope CurrentUser
    Save-Module -Name CommsInvite -RequiredVersion $Version -Repository $Repository -Path $SavePath
    (Get-InstalledModule -Name CommsInvite).InstalledLocation
}
finally {
    Unregister-PSRepository -Name $Repository
}
if (Get-PSRepository -Name $Repository -ErrorAction SilentlyContinue) { throw "$Repository is still registered" }
'@
            }
        }
        Set-Content -LiteralPath $script -Value $body
        $result = Invoke-ChildPwsh -Arguments @('-File', $script, $repositoryName, $RepositoryFolder, $savePath, $ModuleVersion) `
            -Environment $childEnvironment -WorkingDirectory $TempFolder -TimeoutSeconds 300
        [pscustomobject]@{
            Result      = $result
            Environment = $childEnvironment
            SavePath    = $savePath
            Installed   = ($result.Output -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -Last 1)
        }
    }

    # In a fresh pwsh: import CommsInvite by name (PSModulePath as given), read its help, connect to the emulator and
    # invite two users; returns what it saw as an object.
    function script:Test-InstalledModule([hashtable]$Environment) {
        $script = Join-Path $TempFolder "use.$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content -LiteralPath $script -Value @'
param($ConnectionFile, $UserA, $UserB)
$ErrorActionPreference = 'Stop'
Import-Module CommsInvite
$module = Get-Module CommsInvite
$examples = @((Get-Help Invoke-CsGraphParticipantInvite -Examples).examples.example)
Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile
$call = New-CsGraphCall -CallbackUri 'https://bot.contoso.com/api/calls' -ThreadId '19:meeting_install@thread.v2'
$outcome = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $UserA, $UserB | Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 0.5
[pscustomobject]@{
    ModuleBase = $module.ModuleBase
    Version    = "$($module.Version)"
    Cmdlets    = $module.ExportedCmdlets.Count
    Examples   = $examples.Count
    FirstCode  = "$($examples[0].code)"
    Status     = "$($outcome.Status)"
    Joined     = @($outcome.JoinedParticipants).Count
} | ConvertTo-Json -Compress
'@
        $users = Get-TestSeededUsers
        $result = Invoke-ChildPwsh -Arguments @('-File', $script, $ConnectionFile, $users[0], $users[1]) -Environment $Environment -WorkingDirectory $TempFolder -TimeoutSeconds 300
        if ($result.ExitCode -ne 0 -or $result.Errors) { throw "The installed module failed (exit $($result.ExitCode)): $($result.Errors)`n$($result.Output)" }
        ($result.Output -split '\r?\n' | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
    }

    function script:Assert-Works($Seen, [string]$UnderFolder) {
        # <modules folder>/CommsInvite/<version>, somewhere under the folder that install or save wrote to.
        $Seen.ModuleBase | Should -BeLike "$UnderFolder*"
        Split-Path -Path $Seen.ModuleBase -Leaf | Should -Be $ModuleVersion
        Split-Path -Path (Split-Path -Path $Seen.ModuleBase) -Leaf | Should -Be 'CommsInvite'
        $Seen.Version | Should -Be $ModuleVersion
        $Seen.Cmdlets | Should -BeGreaterOrEqual 21
        $Seen.Examples | Should -BeGreaterOrEqual 2
        $Seen.FirstCode | Should -Match 'Invoke-CsGraphParticipantInvite'
        $Seen.Status | Should -Be 'Completed'
        $Seen.Joined | Should -Be 2
    }
}

AfterAll {
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Install from a folder repository with <_>' -ForEach @('PSResourceGet', 'PowerShellGet') {
    BeforeAll {
        $script:Install = Install-Package -Tool $_ -Name $_
    }

    It 'installs (CurrentUser, under a temporary HOME) and saves, and unregisters the repository' {
        $Install.Result.ExitCode | Should -Be 0 -Because "$($Install.Result.Errors)`n$($Install.Result.Output)"
        $Install.Result.Errors | Should -BeNullOrEmpty
        $Install.Installed | Should -BeLike "$($Install.Environment.HOME)*"
        Test-Path -LiteralPath (Join-Path $Install.SavePath "CommsInvite/$ModuleVersion/CommsInvite.psd1") | Should -BeTrue
        Get-ChildItem -LiteralPath (Join-Path $Install.SavePath 'CommsInvite') -Recurse -Include '*.md', '*.pdb' | Should -BeNullOrEmpty
    }

    It 'imports by name from the CurrentUser install in a fresh pwsh, has help, connects and invites' {
        $environment = $Install.Environment.Clone()
        $environment['PSModulePath'] = ''
        $seen = Test-InstalledModule -Environment $environment
        Assert-Works -Seen $seen -UnderFolder $Install.Environment.HOME
    }

    It 'imports by name from the saved folder in a fresh pwsh, has help, connects and invites' {
        $environment = (New-ChildHome -Path (Join-Path $TempFolder "home.$_.saved"))
        $environment['PSModulePath'] = $Install.SavePath
        $seen = Test-InstalledModule -Environment $environment
        Assert-Works -Seen $seen -UnderFolder $Install.SavePath
    }
}
