<#
.SYNOPSIS
    The README's main job: connect, create a group call, invite two users, wait until both are in.
.PARAMETER EmulatorConnectionFile
    The emulator's connection file. `dotnet pwsh ./build.ps1 -Task Demo` starts an emulator and runs this script
    with it in a new pwsh; against Microsoft 365, replace the Connect-CsGraph line with your own connection.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $EmulatorConnectionFile
)

$ErrorActionPreference = 'Stop'

Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $EmulatorConnectionFile
Write-Host 'Connected:'
Get-CsGraphContext | Out-Default

# A group call owned by the bot, with the chatInfo that a multi-participant invite needs.
# (Against Microsoft 365 the thread id comes from the meeting the bot joins.)
$call = New-CsGraphCall -CallbackUri 'https://bot.contoso.com/api/calls' -Subject 'CommsInvite demo' -ThreadId '19:meeting_CommsInviteDemo@thread.v2'
Write-Host 'The group call:'
$call | Out-Default

# Two users from the seeds, invited in one request, then waited on until both have joined.
$operation = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId '7e1b4346-85a6-4bdd-abe3-d11c5d420efe', '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
Write-Host 'The invite, as the service accepted it:'
$operation | Out-Default
Write-Host 'The invite, completed (both have joined):'
$operation | Wait-CsGraphInviteOperation -Timeout 00:01:00 | Out-Default

Write-Host 'The roster:'
Get-CsGraphCallParticipant -CallId $call.Id | Out-Default
Disconnect-CsGraph
