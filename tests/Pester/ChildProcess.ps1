# Runs the real pwsh (this process's own, $PSHOME) as a child process, the way a user starts one, with a few
# environment variables replaced for that child only (HOME, PSModulePath, ...), a time limit, and its stdout and
# stderr kept apart. Used by the suites that need a fresh process: Documentation, Install.
#   . (Join-Path $PSScriptRoot 'ChildProcess.ps1')

function Get-ChildPwshPath {
    Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

# A temporary home for a child pwsh: its CurrentUser module path, PSResourceGet and PowerShellGet repository lists,
# certificate store and caches all live under it, so installs and registrations never touch the real user profile.
function New-ChildHome([string]$Path) {
    $null = New-Item -ItemType Directory -Path $Path -Force
    @{
        HOME            = $Path
        USERPROFILE     = $Path
        XDG_DATA_HOME   = Join-Path $Path '.local/share'
        XDG_CONFIG_HOME = Join-Path $Path '.config'
        XDG_CACHE_HOME  = Join-Path $Path '.cache'
        LOCALAPPDATA    = Join-Path $Path 'AppData/Local'
        APPDATA         = Join-Path $Path 'AppData/Roaming'
    }
}

# Returns ExitCode, Output (stdout) and Errors (stderr) of `pwsh -NoProfile -NonInteractive @Arguments`.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)][string[]]$Arguments,
        [hashtable]$Environment = @{},
        [string]$WorkingDirectory = (Get-Location).Path,
        [int]$TimeoutSeconds = 300
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new((Get-ChildPwshPath))
    foreach ($argument in @('-NoProfile', '-NonInteractive') + $Arguments) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.WorkingDirectory = $WorkingDirectory
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.UseShellExecute = $false
    $startInfo.Environment['NO_COLOR'] = '1'
    $startInfo.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    $startInfo.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
    foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = $Environment[$name] }

    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            $process.WaitForExit()
            throw "pwsh $($Arguments -join ' ') did not finish within $TimeoutSeconds s. Output so far:`n$($stdout.Result)`n$($stderr.Result)"
        }
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = $stdout.Result
            Errors   = $stderr.Result
        }
    }
    finally {
        $process.Dispose()
    }
}
