# Records what the live suite sees, with everything that identifies a tenant replaced: ids (GUIDs), phone numbers,
# user principal names and e-mail addresses, display names, Teams thread ids, bearer tokens and secrets. Field names
# and enum values stay as they were, so recordings keep the service's shapes and spellings without its data.
# Each distinct value gets one stable placeholder per recording session, so relations between objects survive.

Set-StrictMode -Version Latest

$script:Map = [System.Collections.Generic.Dictionary[string, string]]::new([StringComparer]::OrdinalIgnoreCase)
$script:Counter = @{}

# Keys whose string values are names people chose: replaced whatever they look like.
$script:NameKeys = @('displayName', 'DisplayName', 'subject', 'Subject', 'SourceDisplayName', 'organizerName')

$script:Patterns = [ordered]@{
    Token  = '\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*'
    Guid   = '\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b'
    Thread = '19:[A-Za-z0-9_.%-]+@thread\.(?:v2|tacv2|skype)'
    Email  = '\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b'
    Phone  = '\+[1-9]\d{6,14}\b'
}

function Get-Placeholder([string]$Kind, [string]$Value) {
    $key = "$Kind|$Value"
    if ($script:Map.ContainsKey($key)) { return $script:Map[$key] }
    $n = 1 + [int]($script:Counter[$Kind] ?? 0)
    $script:Counter[$Kind] = $n
    $placeholder = switch ($Kind) {
        'Token' { '<redacted-token>' }
        'Guid' { '00000000-0000-4000-8000-{0:d12}' -f $n }
        'Thread' { "19:thread-$n@thread.v2" }
        'Email' { "account$n@example.invalid" }
        'Phone' { '+1555000{0:d4}' -f $n }
        'Name' { "Name $n" }
    }
    $script:Map[$key] = $placeholder
    $placeholder
}

<#
.SYNOPSIS
    Replaces identifying values in one string (ids, numbers, addresses, thread ids, tokens, the given secrets).
#>
function Protect-LiveText {
    [CmdletBinding()]
    param([AllowNull()][AllowEmptyString()][Parameter(Mandatory, ValueFromPipeline)][string]$Text, [string[]]$Secret = @())
    process {
        if ([string]::IsNullOrEmpty($Text)) { return $Text }
        foreach ($s in $Secret | Where-Object { $_ }) { $Text = $Text.Replace($s, '<redacted-secret>') }
        foreach ($kind in $script:Patterns.Keys) {
            $Text = [regex]::Replace($Text, $script:Patterns[$kind], { param($m) Get-Placeholder $kind $m.Value })
        }
        $Text
    }
}

function Protect-Node($Node, [string]$Key, [string[]]$Secret) {
    if ($null -eq $Node) { return $null }
    if ($Node -is [string]) {
        if ($Key -and $Key -in $script:NameKeys -and $Node) { return Get-Placeholder 'Name' $Node }
        return Protect-LiveText -Text $Node -Secret $Secret
    }
    if ($Node -is [System.Collections.IDictionary]) {
        $copy = [ordered]@{}
        foreach ($k in $Node.Keys) { $copy[$k] = Protect-Node $Node[$k] $k $Secret }
        return $copy
    }
    if ($Node -is [System.Collections.IEnumerable]) {
        return , @($Node | ForEach-Object { Protect-Node $_ $Key $Secret })
    }
    $Node
}

<#
.SYNOPSIS
    Sanitizes a JSON document: every string value is protected, names under display-name keys become "Name N";
    field names, numbers, booleans and enum spellings are kept.
#>
function Protect-LiveJson {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Json, [string[]]$Secret = @())
    $parsed = ConvertFrom-Json -InputObject $Json -AsHashtable -Depth 64 -NoEnumerate
    ConvertTo-Json -InputObject (Protect-Node $parsed $null $Secret) -Depth 64
}

<#
.SYNOPSIS
    Writes what the suite saw (an object from a cmdlet, as Graph's JSON where the object maps a Graph shape) into
    <Folder>/<NN>-<Name>.json, sanitized.
#>
function Save-LiveRecording {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Folder, [Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][AllowNull()]$InputObject, [string[]]$Secret = @())
    $null = New-Item -ItemType Directory -Path $Folder -Force
    $json = ConvertTo-LiveJson $InputObject
    $index = @(Get-ChildItem -LiteralPath $Folder -Filter '*.json').Count + 1
    $path = Join-Path $Folder ('{0:d2}-{1}.json' -f $index, ($Name -replace '[^A-Za-z0-9_-]', '_'))
    Set-Content -LiteralPath $path -Value (Protect-LiveJson -Json $json -Secret $Secret) -Encoding utf8NoBOM
    $path
}

# The module's Graph models carry Graph's field names (JsonPropertyName); System.Text.Json writes them as the service
# sent them. Other objects (readiness checks, outcomes) are written by ConvertTo-Json.
function ConvertTo-LiveJson($InputObject) {
    $items = @($InputObject)
    $jsonItems = foreach ($item in $items) {
        $base = if ($item -is [psobject]) { $item.PSObject.BaseObject } else { $item }
        if ($null -ne $base -and $base.GetType().Namespace -eq 'CommsInvite.Core.Models') {
            [System.Text.Json.JsonSerializer]::Serialize($base, $base.GetType())
        }
        else {
            ConvertTo-Json -InputObject $item -Depth 8 -EnumsAsStrings -WarningAction SilentlyContinue
        }
    }
    if ($items.Count -eq 1) { return $jsonItems }
    '[' + ($jsonItems -join ',') + ']'
}

<#
.SYNOPSIS
    Forgets the placeholders given so far (a new recording session numbers from 1 again).
#>
function Reset-LiveRecording {
    $script:Map.Clear()
    $script:Counter = @{}
}

# Field paths (array items as []) of a parsed JSON node, with the string values of enum-like fields.
function Get-ShapeEntry($Node, [string]$Path, [System.Collections.Generic.Dictionary[string, string]]$Into) {
    if ($Node -is [System.Collections.IDictionary]) {
        foreach ($key in $Node.Keys) {
            $child = if ($Path) { "$Path.$key" } else { $key }
            $value = $Node[$key]
            # The module's models write every property they know, null when the service sent none: only values count.
            if ($null -eq $value) { continue }
            # An enum value: a short word the sanitizer left alone (no placeholder, no spaces, no digits-only).
            $enum = if ($value -is [string] -and $value -match '^[A-Za-z][A-Za-z]{1,39}$' -and $key -notin $script:NameKeys) { $value } else { $null }
            if (-not $Into.ContainsKey($child) -or $enum) { $Into[$child] = $enum }
            Get-ShapeEntry $value $child $Into
        }
    }
    elseif ($Node -is [System.Collections.IEnumerable] -and $Node -isnot [string]) {
        foreach ($item in $Node) { Get-ShapeEntry $item "$Path[]" $Into }
    }
}

<#
.SYNOPSIS
    Compares the shapes of two recordings folders (a tenant's and the emulator's), file by file of the same name
    (the number prefix ignored): fields the tenant sent that the emulator lacks, and enum values spelled differently
    (case included). Fields only the emulator sends are not differences: the service may leave out empty ones.
#>
function Compare-LiveShape {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Recorded, [Parameter(Mandatory)][string]$Emulated)
    $emulatedFiles = @{}
    foreach ($file in Get-ChildItem -LiteralPath $Emulated -Filter '*.json') { $emulatedFiles[($file.BaseName -replace '^\d+-', '')] = $file.FullName }
    foreach ($file in Get-ChildItem -LiteralPath $Recorded -Filter '*.json' | Sort-Object Name) {
        $name = $file.BaseName -replace '^\d+-', ''
        if (-not $emulatedFiles.ContainsKey($name)) { continue }
        $real = [System.Collections.Generic.Dictionary[string, string]]::new([StringComparer]::Ordinal)
        $emulator = [System.Collections.Generic.Dictionary[string, string]]::new([StringComparer]::Ordinal)
        Get-ShapeEntry (Get-Content -Raw -LiteralPath $file.FullName | ConvertFrom-Json -AsHashtable -NoEnumerate) '' $real
        Get-ShapeEntry (Get-Content -Raw -LiteralPath $emulatedFiles[$name] | ConvertFrom-Json -AsHashtable -NoEnumerate) '' $emulator
        foreach ($path in $real.Keys) {
            if (-not $emulator.ContainsKey($path)) {
                [pscustomobject]@{ Recording = $name; Path = $path; Difference = 'FieldMissingInEmulator'; Recorded = $real[$path]; Emulated = $null }
            }
            elseif ($real[$path] -and $emulator[$path] -and $real[$path] -cne $emulator[$path] -and $real[$path] -ieq $emulator[$path]) {
                [pscustomobject]@{ Recording = $name; Path = $path; Difference = 'EnumSpelling'; Recorded = $real[$path]; Emulated = $emulator[$path] }
            }
        }
    }
}

Export-ModuleMember -Function Protect-LiveText, Protect-LiveJson, Save-LiveRecording, Reset-LiveRecording, Compare-LiveShape
