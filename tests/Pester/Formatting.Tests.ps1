#Requires -Version 7.4
# Pester 5: what people see. Every view of every module/*.Format.ps1xml is rendered with real objects from the
# emulator through Out-String at 80 and at 120 columns, and must be readable there: a table's header is one line with
# every label whole (PowerShell squeezes a table that does not fit by wrapping its headers, which this catches), and
# no view shows an internal type name (CommsInvite.Core....) or a raw JSON body.
# Prerequisite: `dotnet build CommsInvite.sln` (or ./build.ps1 -Task Build).

BeforeDiscovery {
    $script:ViewCases = foreach ($file in Get-ChildItem -Path (Join-Path $PSScriptRoot '../../module') -Filter '*.Format.ps1xml') {
        foreach ($view in ([xml](Get-Content -LiteralPath $file.FullName -Raw)).Configuration.ViewDefinitions.View) {
            $kind = if ($view.TableControl) { 'Table' } elseif ($view.ListControl) { 'List' } elseif ($view.WideControl) { 'Wide' } else { 'Custom' }
            foreach ($width in 80, 120) {
                @{
                    File     = $file.Name
                    Name     = $view.Name
                    TypeName = @($view.ViewSelectedBy.TypeName)
                    Kind     = $kind
                    Labels   = if ($kind -eq 'Table') { @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { $_.Label }) } else { @() }
                    Width    = $width
                }
            }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.Formatting' -ArgumentList @('--answer-delay-ms', '200')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:ConnectionFile = $emulator.ConnectionFile
    $script:Connection = $emulator.Connection
    Import-Module -Name (Get-TestModuleManifest -RepoRoot $RepoRoot) -Force -ErrorAction Stop
    $PSStyle.OutputRendering = 'PlainText'

    # Real objects of every type a view selects, made the way a user makes them.
    $users = Get-TestSeededUsers
    $made = [System.Collections.Generic.List[object]]::new()
    $context = Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $ConnectionFile -PassThru -ErrorAction Stop
    $made.Add($context)
    $listener = Start-CsGraphNotificationListener -Port 0 -ErrorAction Stop
    try {
        $call = New-CsGraphCall -CallbackUri $listener.Uri -ThreadId '19:meeting_pester_format@thread.v2' -Subject 'Formatting check' -ErrorAction Stop
        $made.Add($call)
        $made.Add((New-CsGraphInvitationParticipant -UserId $users[0]))
        $made.Add((New-CsGraphInvitationParticipant -PhoneNumber '+14255550123'))
        $operation = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId $users[0], $users[1] -ErrorAction Stop
        $made.Add($operation)
        $made.Add(($operation | Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 0.5 -ErrorAction Stop))
        $declined = Invoke-CsGraphParticipantInvite -CallId $call.Id -UserId (Get-TestDecliningUser) -ErrorAction Stop |
            Wait-CsGraphInviteOperation -Timeout 60 -PollInterval 0.5 -ErrorAction SilentlyContinue
        $made.Add($declined)
        foreach ($participant in Get-CsGraphCallParticipant -CallId $call.Id -ErrorAction Stop) { $made.Add($participant) }
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (@($listener.Peek() | Where-Object Kind -EQ 'Operation').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        foreach ($notification in $listener.Peek()) { $made.Add($notification) }
        $made.Add($listener)
    }
    finally {
        Stop-CsGraphNotificationListener -ErrorAction SilentlyContinue
    }
    # A call's own notification (it ended) and one of a resource kind the module does not model, as Graph documents them.
    $made.Add(('{"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"deleted","resource":"/communications/calls/' + $call.Id +
            '","resourceData":{"@odata.type":"#microsoft.graph.call","state":"terminated","resultInfo":{"code":200,"subcode":5001,"message":"The conversation has ended."}}}]}' |
            ConvertFrom-CsGraphNotification -ErrorAction Stop))
    $made.Add(('{"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"created","resource":"/communications/calls/' + $call.Id +
            '/audioRoutingGroups/rg1","resourceData":{"@odata.type":"#microsoft.graph.audioRoutingGroup","routingMode":"oneToOne"}}]}' |
            ConvertFrom-CsGraphNotification -ErrorAction Stop))

    # An entry that cannot be understood (no resource at all) beside a good one: delivered as what it is.
    $made.Add(('{"value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"updated"}]}' |
            ConvertFrom-CsGraphNotification -WarningAction SilentlyContinue -ErrorAction Stop))

    # Provisioning: an application instance with a number, and the tenant's numbers.
    $bot = New-CsOnlineApplicationInstance -UserPrincipalName 'formatbot@contoso.onmicrosoft.com' -DisplayName 'Format bot' -ApplicationId $Connection.clientId -ErrorAction Stop |
        Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
        Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop
    $number = (Get-CsPhoneNumberAssignment -PstnAssignmentStatus Unassigned -NumberType CallingPlan -Top 1 -ErrorAction Stop).TelephoneNumber
    $made.Add(($bot | Set-CsPhoneNumberAssignment -TelephoneNumber $number -NumberType CallingPlan -PassThru -ErrorAction Stop))
    foreach ($assignment in Get-CsPhoneNumberAssignment -Top 3 -ErrorAction Stop) { $made.Add($assignment) }
    # Readiness: passed checks (evidence) and a failed one (its fix), in one table.
    foreach ($check in Test-CsGraphBotReadiness -Identity $bot.ObjectId -PhoneNumber $number -CallbackUri 'https://127.0.0.1/api/calls' -ErrorAction Stop) { $made.Add($check) }

    $script:Samples = @{}
    foreach ($sample in $made) {
        $typeName = $sample.GetType().FullName
        if (-not $Samples.ContainsKey($typeName)) { $Samples[$typeName] = [System.Collections.Generic.List[object]]::new() }
        $Samples[$typeName].Add($sample)
    }

    # Problems of a rendered table: its header must be one line (nothing wrapped above it) whose labels stand whole
    # over dashes of their own length, as PowerShell draws a table that fits.
    function script:Get-TableProblem([string]$Text, [string[]]$Labels) {
        $lines = $Text -split '\r?\n'
        $dashIndex = [Array]::FindIndex($lines, [Predicate[string]] { param($line) $line -match '^\s*-+(\s+-+)*\s*$' })
        if ($dashIndex -lt 1) { return 'no header underline' }
        if ($dashIndex -ge 2 -and $lines[$dashIndex - 2].Trim()) { return "the header wraps: '$($lines[$dashIndex - 2])'" }
        $header = $lines[$dashIndex - 1]
        $underlines = @($lines | Where-Object { $_ -match '^\s*-+(\s+-+)*\s*$' }).Count
        if ($underlines -ne 1) { return "$underlines tables drawn for one stream" }
        $dashes = [regex]::Matches($lines[$dashIndex], '-+')
        if ($dashes.Count -ne $Labels.Count) { return "$($dashes.Count) columns drawn, $($Labels.Count) defined" }
        for ($i = 0; $i -lt $Labels.Count; $i++) {
            $dash = $dashes[$i]
            $shown = if ($header.Length -ge $dash.Index) { $header.Substring($dash.Index, [Math]::Min($dash.Length, $header.Length - $dash.Index)).Trim() } else { '' }
            if ($dash.Length -lt $Labels[$i].Length -or $shown -ne $Labels[$i]) {
                return "column '$($Labels[$i])' is $($dash.Length) wide and shows '$shown'"
            }
        }
    }
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module CommsInvite -Force -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'Format views' {
    It 'have a real sample of every type they select' {
        $missing = @($ViewCases | ForEach-Object { $_.TypeName } | Sort-Object -Unique | Where-Object { -not $Samples.ContainsKey($_) })
        $missing | Should -BeNullOrEmpty -Because 'each type with a view needs a sample object here'
    }

    It '<Name> (<Kind>, <File>) is readable at <Width> columns' -ForEach $ViewCases {
        # Every type the view selects, in one stream: a view shared by several types must stay one table.
        $objects = @($TypeName | ForEach-Object { $Samples[$_] })
        $objects | Should -Not -BeNullOrEmpty
        $text = switch ($Kind) {
            'Table' { $objects | Format-Table -View $Name | Out-String -Width $Width }
            'List' { $objects | Format-List -View $Name | Out-String -Width $Width }
            'Wide' { $objects | Format-Wide -View $Name | Out-String -Width $Width }
            default { $objects | Format-Custom -View $Name | Out-String -Width $Width }
        }
        $text.Trim() | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match '\bCommsInvite\.[A-Z]\w*\.[A-Z]' -Because "a value shows a type name:`n$text"
        $text | Should -Not -Match '\{\s*"' -Because "a value shows raw JSON:`n$text"
        if ($Kind -eq 'Table') {
            Get-TableProblem -Text $text -Labels $Labels | Should -BeNullOrEmpty -Because "at $Width columns:`n$text"
        }
    }

    It 'shows the default view of <_> at 80 columns without a type name' -ForEach @(
        'CommsInvite.Core.Models.Call', 'CommsInvite.Core.Models.Participant', 'CommsInvite.Core.Calls.InviteOutcome',
        'CommsInvite.Core.GraphContext', 'CommsInvite.Commands.Infrastructure.NotificationListenerInfo') {
        foreach ($shape in 'Out-String', 'Format-List') {
            $text = if ($shape -eq 'Out-String') { $Samples[$_] | Out-String -Width 80 } else { $Samples[$_] | Format-List | Out-String -Width 80 }
            $text | Should -Not -Match '\bCommsInvite\.[A-Z]\w*\.[A-Z]' -Because "$shape shows a type name:`n$text"
        }
    }

    It 'prints a listener''s Uri as one line' {
        $listenerInfo = $Samples['CommsInvite.Commands.Infrastructure.NotificationListenerInfo'][0]
        $text = ($listenerInfo.Uri | Out-String -Width 80).Trim()
        $text | Should -Match '^http://127\.0\.0\.1:\d+/api/calls$'
    }

    It 'keeps a notification''s raw Json out of its default views but on the object' {
        foreach ($notification in $Samples.Keys | Where-Object { $_ -like 'CommsInvite.Core.Notifications.*' } | ForEach-Object { $Samples[$_] }) {
            $notification.Json | Should -Match '^\s*\{'
            ($notification | Out-String -Width 120) | Should -Not -Match '"resource'
            ($notification | Format-List | Out-String -Width 120) | Should -Not -Match '"resource'
        }
    }
}
