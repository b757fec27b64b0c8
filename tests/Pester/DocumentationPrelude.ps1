# The prelude every README code block runs after (tests/Pester/Documentation.Tests.ps1, one new pwsh per block).
# It stands in for what a reader has before a snippet: a module on PSModulePath, a tenant with an app registration
# and its certificate, a running group call. Here all of that is the emulator's, and docs/testing.md lists it.
# Dot-sourced by Invoke-DocumentationBlock.ps1 with $Setup (the parsed setup file the test writes).
#
#   working folder  $Setup.WorkFolder: emulator.json (the connection file), bot.pfx (the dev client's certificate),
#                   notification.json and notifications/*.json (a commsNotifications body), out/packages when a
#                   block installs from it
#   installs        a block that runs Install-/Save-PSResource or -Module gets only the working folder and HOME
#   Connect-CsGraph every call goes to the emulator: $PSDefaultParameterValues adds -EmulatorConnectionFile,
#                   and the session starts connected (client secret)
#   $tenantId $t    the emulator's tenant            $appId $app     its dev client id
#   $thumbprint $thumb  the dev client's certificate, imported into CurrentUser\My (HOME is a temporary folder)
#   $secret         the dev client secret (SecureString)   $pfxPassword  bot.pfx's password (SecureString)
#   $callId $call   a new group call with a chatInfo, owned by an application instance holding a phone number
#   $threadId       a new meeting thread id          $a $b $userIds  seeded users who answer (2 and 6 of them)
#   $upn $displayName $telephoneNumber  a new resource account's name and a free calling-plan number
#   $tlsCert        a self-signed loopback certificate with its key (only when the block uses it)
#   $request        an object whose Body is notification.json's text
#   $listener       a running notification listener, when the block uses $listener without starting one
#   $bot            the application instance (with a phone number) that owns $call, unless the block makes its own
#   $joinUrl $meetingId $passcode  a Teams meeting the emulator holds (POST /_emulator/meetings), when the block uses them
#   $publicClientId the emulator's public client; a block that signs a user in (-UseDeviceCode, -Interactive) gets
#                   autoApproveSignIns set to the seeded admin, so the sign-in completes as a reader's would

$ProgressPreference = 'SilentlyContinue'   # progress bars are for people; this output goes to a log
Set-Location -LiteralPath $Setup.WorkFolder

# A block that installs CommsInvite is a reader's first step: the module is not loaded yet and nothing is connected
# (a second copy of the same version from another folder cannot load into the same process).
if ($Setup.Block -match '\b(Install|Save)-(PSResource|Module)\b') { return }

$connection = Get-Content -LiteralPath $Setup.ConnectionFile -Raw | ConvertFrom-Json
$PSDefaultParameterValues['Connect-CsGraph:EmulatorConnectionFile'] = $Setup.ConnectionFile
Connect-CsGraph -ErrorAction Stop

$tenantId = $t = $connection.tenantId
$appId = $app = $connection.clientId
$publicClientId = $connection.publicClientId
if ($Setup.Block -match '-UseDeviceCode|-Interactive\b') {
    $null = Invoke-RestMethod -Method Post -Uri "$($connection.adminEndpoint)/settings" -ContentType 'application/json' -SkipCertificateCheck `
        -Body (@{ autoApproveSignIns = $connection.adminUserId } | ConvertTo-Json -Compress) -ErrorAction Stop
}
$secret = ConvertTo-SecureString -String $connection.clientSecret -AsPlainText -Force
$pfxPassword = ConvertTo-SecureString -String $connection.clientCertificatePassword -AsPlainText -Force

$store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$store.Open('ReadWrite')
try {
    if (-not $store.Certificates.Find('FindByThumbprint', $connection.clientCertificateThumbprint, $false).Count) {
        $store.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new(
                $connection.clientCertificatePath, $connection.clientCertificatePassword, 'PersistKeySet, Exportable'))
    }
}
finally {
    $store.Close()
}
$thumbprint = $thumb = $connection.clientCertificateThumbprint

$threadId = '19:meeting_' + [guid]::NewGuid().ToString('N') + '@thread.v2'
$call = New-CsGraphCall -CallbackUri 'https://bot.contoso.com/api/calls' -ThreadId $threadId -SourceApplicationInstanceId $Setup.BotObjectId -ErrorAction Stop
$callId = $call.Id
$threadId = '19:meeting_' + [guid]::NewGuid().ToString('N') + '@thread.v2'
$userIds = @($Setup.UserIds)
$a, $b = $userIds[0], $userIds[1]
$upn = 'docs' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '@contoso.onmicrosoft.com'
$displayName = 'Docs bot'
$telephoneNumber = (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -ErrorAction Stop |
    Select-Object -Last 1).TelephoneNumber
$request = [pscustomobject]@{ Body = Get-Content -LiteralPath (Join-Path $Setup.WorkFolder 'notification.json') -Raw }

if ($Setup.Block -match '\$tlsCert\b') {
    $rsa = [System.Security.Cryptography.RSA]::Create(2048)
    $certificateRequest = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        'CN=127.0.0.1', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $names = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $names.AddIpAddress([System.Net.IPAddress]::Loopback)
    $certificateRequest.CertificateExtensions.Add($names.Build())
    $selfSigned = $certificateRequest.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
    $tlsCert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($selfSigned.Export('Pfx'), [string]$null, 'Exportable')
}
if ($Setup.Block -match '\$bot\b' -and $Setup.Block -notmatch '\$bot\s*=') {
    $bot = Get-CsOnlineApplicationInstance -Identity $Setup.BotObjectId -ErrorAction Stop
}
if ($Setup.Block -match '\$(joinUrl|meetingId|passcode)\b') {
    $meeting = Invoke-RestMethod -Method Post -Uri "$($connection.adminEndpoint)/meetings" -Body '{"subject":"Docs meeting"}' `
        -ContentType 'application/json' -SkipCertificateCheck -ErrorAction Stop
    $joinUrl, $meetingId, $passcode = $meeting.joinWebUrl, $meeting.joinMeetingId, $meeting.passcode
}
if ($Setup.Block -match '\$listener\b' -and $Setup.Block -notmatch 'Start-CsGraphNotificationListener') {
    $listener = Start-CsGraphNotificationListener -Port 0 -ErrorAction Stop
}
Remove-Variable -Name connection, store, rsa, certificateRequest, names, selfSigned, meeting -ErrorAction SilentlyContinue
