# Shared set-up for the Pester suites: find the built module and emulator, start the emulator on a free port and
# wait for its connection file, and stop it again; plus the small helpers every suite uses. Dot-source it in a BeforeAll block:
#   . (Join-Path $PSScriptRoot 'TestSupport.ps1')

function Get-TestRepoRoot {
    (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).Path
}

function Get-TestModuleManifest([string]$RepoRoot) {
    $manifest = Get-ChildItem -Path (Join-Path $RepoRoot 'out/CommsInvite') -Filter 'CommsInvite.psd1' -Recurse -ErrorAction SilentlyContinue |
        Sort-Object -Property { [version]$_.Directory.Name } -Descending |
        Select-Object -First 1 -ExpandProperty FullName
    if (-not $manifest) {
        throw "The module is not built: run 'dotnet build CommsInvite.sln' in $RepoRoot first."
    }
    $manifest
}

# Starts the built emulator (`--port 0 --connection-file ...` plus $ArgumentList) in a new temporary folder and
# returns Process, TempFolder, ConnectionFile and Connection (the parsed connection file) once it is serving.
function Start-TestEmulator([string]$RepoRoot, [string]$Name, [string[]]$ArgumentList = @()) {
    $emulatorDll = Get-ChildItem -Path (Join-Path $RepoRoot 'src/CommsInvite.Emulator/bin') -Filter 'CommsInvite.Emulator.dll' -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -ne 'ref' } |
        Sort-Object -Property LastWriteTimeUtc -Descending |
        Select-Object -First 1 -ExpandProperty FullName
    if (-not $emulatorDll) {
        throw "The emulator is not built: run 'dotnet build CommsInvite.sln' in $RepoRoot first."
    }

    # The emulator writes its connection file (endpoints, dev client id and secret, TLS thumbprint) and serves
    # until it is stopped.
    $tempFolder = Join-Path ([System.IO.Path]::GetTempPath()) ("CommsInvite.$Name." + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $tempFolder
    $connectionFile = Join-Path $tempFolder 'emulator.json'
    $startArguments = @{
        FilePath               = 'dotnet'
        ArgumentList           = @($emulatorDll, '--port', '0', '--connection-file', $connectionFile) + $ArgumentList
        PassThru               = $true
        RedirectStandardOutput = (Join-Path $tempFolder 'emulator.out.txt')
        RedirectStandardError  = (Join-Path $tempFolder 'emulator.err.txt')
        NoNewWindow            = $true
    }
    $process = Start-Process @startArguments

    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $connection = $null
    while (-not $connection) {
        if ($process.HasExited) {
            throw "The emulator exited ($($process.ExitCode)): $(Get-Content -Raw (Join-Path $tempFolder 'emulator.err.txt'))"
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            throw 'The emulator did not write its connection file within 60 s.'
        }
        if (Test-Path -LiteralPath $connectionFile) {
            try {
                $connection = Get-Content -LiteralPath $connectionFile -Raw | ConvertFrom-Json
            }
            catch {
                # Still being written.
            }
        }
        if (-not $connection) { Start-Sleep -Milliseconds 100 }
    }

    [pscustomobject]@{
        Process        = $process
        TempFolder     = $tempFolder
        ConnectionFile = $connectionFile
        Connection     = $connection
    }
}

# Stops the emulator process and removes the temporary folder; safe when either is already gone.
function Stop-TestEmulator($Process, [string]$TempFolder) {
    if ($Process -and -not $Process.HasExited) {
        Stop-Process -Id $Process.Id -Force -ErrorAction SilentlyContinue
        $Process.WaitForExit(10000) | Out-Null
    }
    if ($TempFolder -and (Test-Path -LiteralPath $TempFolder)) {
        Remove-Item -LiteralPath $TempFolder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# The emulator's counters (/_emulator/stats); uses the suite's $Connection (the parsed connection file).
# The emulator's admin API ($Connection: the connection file's content, set by the test file): GET without a body,
# POST with one.
function Invoke-EmulatorAdmin([string]$Path, [hashtable]$Body) {
    $parameters = @{ Uri = "$($Connection.adminEndpoint)/$Path"; SkipCertificateCheck = $true }
    if ($Body) {
        $parameters.Method = 'Post'
        $parameters.ContentType = 'application/json'
        $parameters.Body = $Body | ConvertTo-Json -Compress
    }
    Invoke-RestMethod @parameters
}

function Get-EmulatorStats {
    Invoke-RestMethod -Uri "$($Connection.adminEndpoint)/stats" -SkipCertificateCheck
}

# Connects this runspace to the suite's emulator ($ConnectionFile).
function Connect-Emulator {
    Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -ErrorAction Stop
}

# A new group call (the suite's $CallbackUri) with a thread id made from $Thread.
function New-TestCall([string]$Thread) {
    New-CsGraphCall -CallbackUri $CallbackUri -ThreadId "19:meeting_$Thread@thread.v2" -ErrorAction Stop
}

# Runs a script block; returns its output and every error (terminating or not) as ErrorRecords.
function Invoke-Captured([scriptblock]$ScriptBlock) {
    $output = [System.Collections.Generic.List[object]]::new()
    $errors = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
    try {
        foreach ($item in (& $ScriptBlock 2>&1)) {
            if ($item -is [System.Management.Automation.ErrorRecord]) { $errors.Add($item) } else { $output.Add($item) }
        }
    }
    catch {
        $errors.Add($_)
    }
    [pscustomobject]@{ Output = $output.ToArray(); Errors = $errors.ToArray() }
}

# The directory users the emulator seeds (docs/emulator.md): the seeds' users and more, all of whom answer.
function Get-TestSeededUsers {
    @(
        '278405a3-f568-4b3e-b684-009193463064'
        '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
        '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
        '5d0b7a34-2f61-4c8e-b1a9-3e7c6d5f4a21'
        'a3c81f02-6e4d-4b7a-9d15-8c2e0f6b3a47'
        'c9e2d4f6-1a3b-4c5d-8e7f-0a1b2c3d4e58'
    )
}

# The seeded user who always declines an invite.
function Get-TestDecliningUser {
    'd3c1a9e7-5b2f-4d8c-9e6a-1b0f2c4d6e97'
}
