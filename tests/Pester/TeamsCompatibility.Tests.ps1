#Requires -Version 7.4
# CommsInvite's eight cmdlets that carry MicrosoftTeams' names, checked against MicrosoftTeams' documented syntax and
# output (tests/Compatibility/MicrosoftTeams.psd1, one row per documented parameter with its documentation link):
# every documented parameter and alias binds, no parameter is mandatory where MicrosoftTeams' is not, every documented
# parameter set exists, what Graph cannot do is refused before any request, and the objects carry MicrosoftTeams'
# property names and value spellings. Runs in a real pwsh against the built module and an emulator started here.

BeforeDiscovery {
    $table = Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot '../Compatibility/MicrosoftTeams.psd1')
    $script:ParameterRows = foreach ($cmdlet in $table.Keys | Sort-Object) {
        foreach ($name in $table[$cmdlet].Parameters.Keys | Sort-Object) {
            $row = $table[$cmdlet].Parameters[$name]
            @{ Cmdlet = $cmdlet; Parameter = $name; Type = $row.Type; Aliases = @($row.Aliases); Sets = $row.Sets; Link = $table[$cmdlet].Link }
        }
    }
    $script:SetRows = foreach ($cmdlet in $table.Keys | Sort-Object) {
        $sets = $table[$cmdlet].Parameters.Values.ForEach({ $_.Sets.Keys }) | Where-Object { $_ -ne '(All)' } | Sort-Object -Unique
        if ($sets) { @{ Cmdlet = $cmdlet; Sets = @($sets); Default = $table[$cmdlet].DefaultParameterSet; Link = $table[$cmdlet].Link } }
    }
    $script:RefusedRows = foreach ($cmdlet in $table.Keys | Sort-Object) {
        foreach ($name in $table[$cmdlet].NotSupported.Keys | Sort-Object) {
            @{ Cmdlet = $cmdlet; Parameter = $name; Script = $table[$cmdlet].NotSupported[$name]; Backend = $table[$cmdlet].Backend; Link = $table[$cmdlet].Link }
        }
    }
    $script:OutputRows = foreach ($cmdlet in $table.Keys | Sort-Object) {
        $output = $table[$cmdlet].Output
        if ($output.Properties.Count -gt 0) { @{ Cmdlet = $cmdlet; Properties = @($output.Properties); Values = $output.Values; Link = $table[$cmdlet].Link } }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:RepoRoot = Get-TestRepoRoot
    $script:ManifestPath = Get-TestModuleManifest -RepoRoot $RepoRoot
    $emulator = Start-TestEmulator -RepoRoot $RepoRoot -Name 'Pester.TeamsCompatibility' -ArgumentList @('--replication-delay-ms', '0')
    $script:EmulatorProcess = $emulator.Process
    $script:TempFolder = $emulator.TempFolder
    $script:Connection = $emulator.Connection
    Import-Module -Name $ManifestPath -Force -ErrorAction Stop
    Connect-CsGraph -Environment Emulator -EmulatorConnectionFile $emulator.ConnectionFile -ErrorAction Stop

    function Get-GraphRequestCount {
        $routes = (Invoke-EmulatorAdmin 'stats').requestsPerRoute
        $total = 0
        foreach ($property in $routes.PSObject.Properties) {
            if ($property.Name -like '*/v1.0/*' -or $property.Name -like '*/beta/*') { $total += $property.Value }
        }
        $total
    }

    # Which of our parameter types a value of MicrosoftTeams' documented type binds to.
    function Test-TypeBinds([string]$Documented, [type]$Ours) {
        $plain = if ($Ours.IsGenericType -and $Ours.GetGenericTypeDefinition() -eq [Nullable`1]) { $Ours.GetGenericArguments()[0] } else { $Ours }
        switch ($Documented) {
            'SwitchParameter' { return $plain -eq [System.Management.Automation.SwitchParameter] }
            'Boolean' { return $plain -eq [bool] }
            'Int32' { return $plain -eq [int] }
            'Uri' { return $plain -eq [uri] -or $plain -eq [string] }
            'PSCredential' { return $plain -eq [pscredential] }
            'SendAsyncStep[]' { return $plain.IsArray }
            default { return $plain -eq [string] -or $plain -eq [string[]] -or $plain -eq [guid] -or $plain -eq [object] }
        }
    }

    $script:Upn = "compat-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
    $script:Bot = New-CsOnlineApplicationInstance -UserPrincipalName $Upn -DisplayName 'Compat bot' -ApplicationId $Connection.clientId -ErrorAction Stop |
        Sync-CsOnlineApplicationInstance -PassThru -ErrorAction Stop |
        Set-CsGraphUserLicense -SkuPartNumber PHONESYSTEM_VIRTUALUSER, MCOPSTN1 -UsageLocation US -PassThru -ErrorAction Stop |
        Set-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -NumberType CallingPlan -PassThru -ErrorAction Stop
}

AfterAll {
    Disconnect-CsGraph -ErrorAction SilentlyContinue
    Remove-Module -Name CommsInvite -ErrorAction SilentlyContinue
    Stop-TestEmulator -Process $EmulatorProcess -TempFolder $TempFolder
}

Describe 'MicrosoftTeams'' documented syntax' {
    It '<Cmdlet> -<Parameter> binds as documented (<Link>)' -ForEach $ParameterRows {
        $command = Get-Command -Module CommsInvite -Name $Cmdlet -ErrorAction Stop
        $ours = $command.Parameters[$Parameter]
        $ours | Should -Not -BeNullOrEmpty -Because "MicrosoftTeams documents -$Parameter"
        Test-TypeBinds -Documented $Type -Ours $ours.ParameterType | Should -BeTrue -Because "a $Type value must bind to -$Parameter ($($ours.ParameterType))"
        foreach ($alias in $Aliases) {
            $ours.Aliases | Should -Contain $alias -Because "MicrosoftTeams spells -$Parameter also -$alias"
        }

        foreach ($set in $Sets.Keys) {
            $documentedMandatory = [bool]$Sets[$set]
            if ($set -eq '(All)') {
                $oursMandatory = @($ours.ParameterSets.Values | Where-Object IsMandatory).Count -gt 0
            }
            elseif ($ours.ParameterSets.ContainsKey('__AllParameterSets')) {
                # Ours is in every set, so in this one too.
                $command.ParameterSets.Name | Should -Contain $set
                $oursMandatory = $ours.ParameterSets['__AllParameterSets'].IsMandatory
            }
            else {
                $ours.ParameterSets.Keys | Should -Contain $set -Because "-$Parameter belongs to MicrosoftTeams' parameter set $set"
                $oursMandatory = $ours.ParameterSets[$set].IsMandatory
            }

            # A call that binds against MicrosoftTeams binds against ours: never mandatory where theirs is optional.
            if ($oursMandatory) { $documentedMandatory | Should -BeTrue -Because "-$Parameter is optional in MicrosoftTeams ($set)" }
        }
    }

    It '<Cmdlet> has MicrosoftTeams'' parameter sets (<Link>)' -ForEach $SetRows {
        $command = Get-Command -Module CommsInvite -Name $Cmdlet -ErrorAction Stop
        foreach ($set in $Sets) {
            $command.ParameterSets.Name | Should -Contain $set
        }

        if ($Default) { $command.DefaultParameterSet | Should -Be $Default }
    }
}

Describe 'documented parameters Graph or the emulator cannot carry out' {
    It '<Cmdlet> -<Parameter> stops with ParameterNotSupported before any request (<Backend>; <Link>)' -ForEach $RefusedRows {
        $before = Get-GraphRequestCount
        $record = $null
        try {
            $null = Invoke-Expression $Script -ErrorAction Stop
        }
        catch {
            $record = $_
        }

        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Be "ParameterNotSupported,CommsInvite.Commands.$($Cmdlet -replace '-', '')Command"
        $record.CategoryInfo.Category | Should -Be 'NotImplemented'
        $record.Exception.Message | Should -BeLike "*-$Parameter*"
        $record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Get-GraphRequestCount | Should -Be $before
    }
}

Describe 'MicrosoftTeams'' output properties and value spellings' {
    It '<Cmdlet> emits MicrosoftTeams'' properties (<Link>)' -ForEach $OutputRows {
        $objects = switch ($Cmdlet) {
            'Get-CsPhoneNumberAssignment' { Get-CsPhoneNumberAssignment -ErrorAction Stop }
            'New-CsOnlineApplicationInstance' { New-CsOnlineApplicationInstance -UserPrincipalName $Upn -ApplicationId $Connection.clientId -ErrorAction Stop }
            'Get-CsOnlineApplicationInstance' { Get-CsOnlineApplicationInstance -ErrorAction Stop }
            'Set-CsOnlineApplicationInstance' { Set-CsOnlineApplicationInstance -Identity $Upn -DisplayName 'Compat bot' -ErrorAction Stop }
        }

        @($objects).Count | Should -BeGreaterThan 0
        foreach ($object in $objects) {
            foreach ($property in $Properties) {
                $object.PSObject.Properties.Name | Should -Contain $property -Because "MicrosoftTeams' $Cmdlet output has $property"
            }

            foreach ($property in $Values.Keys) {
                $Values[$property] | Should -Contain $object.$property -Because "MicrosoftTeams spells $property like its examples"
            }
        }
    }

    It 'finds free numbers the way MicrosoftTeams scripts filter them' {
        $free = Get-CsPhoneNumberAssignment -ErrorAction Stop | Where-Object PstnAssignmentStatus -eq Unassigned
        @($free).Count | Should -BeGreaterThan 0
        $free.TelephoneNumber | Should -Not -Contain '+12345678901'
    }

    It 'shows the bot''s number as MicrosoftTeams does (VoiceApplicationAssigned, AssignedPstnTargetId, NumberSource)' {
        $number = Get-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -ErrorAction Stop
        $number.PstnAssignmentStatus | Should -Be 'VoiceApplicationAssigned'
        $number.AssignedPstnTargetId | Should -Be $Bot.ObjectId
        $number.NumberType | Should -Be 'CallingPlan'
        $number.AssignmentCategory | Should -Be 'Primary'
        $number.ActivationState | Should -Be 'Activated'
        $number.NumberSource | Should -Be 'Online'
        # Graph's own names stay, with Graph's values.
        $number.AssignmentStatus | Should -Be 'voiceApplicationAssigned'
        $number.AssignmentTargetId | Should -Be $Bot.ObjectId
    }

    It 'shows <Type> as a table that fits <Width> columns' -ForEach @(
        @{ Type = 'numbers'; Width = 80 }, @{ Type = 'numbers'; Width = 120 },
        @{ Type = 'instances'; Width = 80 }, @{ Type = 'instances'; Width = 120 }) {
        $objects = if ($Type -eq 'numbers') { Get-CsPhoneNumberAssignment } else { Get-CsOnlineApplicationInstance }
        $text = $objects | Out-String -Width $Width
        $lines = $text -split "`r?`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $Width }
        $header = $lines[0]
        $rule = $lines[1]
        # Every column is at least as wide as its header: each header word sits over its own dashes, whole.
        foreach ($match in [regex]::Matches($rule, '-+')) {
            $label = $header.Substring($match.Index, [Math]::Min($match.Length, $header.Length - $match.Index)).Trim()
            $label | Should -Not -BeLike '*…' -Because 'no header is cut'
            $match.Length | Should -BeGreaterOrEqual $label.Length
        }
        $text | Should -Not -BeLike '*CommsInvite.*'
        $text | Should -Not -BeLike '*System.*'
    }
}

Describe 'MicrosoftTeams'' documented examples, through Graph' {
    It 'filters by number prefix, part and range (examples 7, TelephoneNumberStartsWith/GreaterThan/LessThan)' {
        (Get-CsPhoneNumberAssignment -TelephoneNumberStartsWith 1425 -ErrorAction Stop).TelephoneNumber | Should -Be @('+14255550100', '+14255550101')
        (Get-CsPhoneNumberAssignment -TelephoneNumberContain 5678902 -ErrorAction Stop).TelephoneNumber | Should -Be '+12345678902'
        (Get-CsPhoneNumberAssignment -TelephoneNumberGreaterThan '+12345678901' -TelephoneNumberLessThan '+14255550100' -ErrorAction Stop).TelephoneNumber | Should -Be @('+12345678902', '+12345678903')
    }

    It 'finds a resource account''s number by its UPN (example 5)' {
        (Get-CsPhoneNumberAssignment -AssignedPstnTargetId $Upn -ErrorAction Stop).TelephoneNumber | Should -Be '+12345678901'
    }

    It 'combines activation state and status filters (example 6, without -CapabilitiesContain)' {
        $numbers = Get-CsPhoneNumberAssignment -ActivationState Activated -PstnAssignmentStatus Unassigned -ErrorAction Stop
        $numbers.PstnAssignmentStatus | Sort-Object -Unique | Should -Be 'Unassigned'
    }

    It 'returns 500 numbers by default and pages with -Skip and -Top (example 8)' {
        foreach ($i in 0..609) { $null = Invoke-EmulatorAdmin 'numbers' @{ telephoneNumber = '+1312556' + (1000 + $i); numberType = 'callingPlan' } }
        @(Get-CsPhoneNumberAssignment -TelephoneNumberStartsWith 1312556 -ErrorAction Stop).Count | Should -Be 500
        @(Get-CsPhoneNumberAssignment -TelephoneNumberStartsWith 1312556 -Top 1000 -ErrorAction Stop).Count | Should -Be 610
        $page = Get-CsPhoneNumberAssignment -TelephoneNumberStartsWith 1312556 -Skip 600 -Top 1000 -ErrorAction Stop
        $page.TelephoneNumber | Should -Be (0..9 | ForEach-Object { '+1312556' + (1600 + $_) })
    }

    It 'sets and removes a number''s location, and sets reverse number lookup (examples 9, 4, 11)' {
        $location = [guid]::NewGuid().ToString()
        Set-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -LocationId $location -Confirm:$false -ErrorAction Stop
        (Get-CsPhoneNumberAssignment -LocationId $location -ErrorAction Stop).TelephoneNumber | Should -Be '+12345678901'
        Set-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -ReverseNumberLookup 'SkipInternalVoip' -Confirm:$false -ErrorAction Stop
        (Get-CsPhoneNumberAssignment -TelephoneNumber '+12345678901').ReverseNumberLookup | Should -Be 'SkipInternalVoip'
        Set-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -NetworkSiteId 'site-1' -Confirm:$false -ErrorAction Stop
        (Get-CsPhoneNumberAssignment -NetworkSiteId 'site-1').TelephoneNumber | Should -Be '+12345678901'
        Set-CsPhoneNumberAssignment -TelephoneNumber '+12345678901' -LocationId 'null' -Confirm:$false -ErrorAction Stop
        (Get-CsPhoneNumberAssignment -TelephoneNumber '+12345678901').LocationId | Should -BeNullOrEmpty
    }

    It 'assigns with a location and a category (examples 2, 12)' {
        $location = [guid]::NewGuid().ToString()
        $null = Set-CsGraphUserLicense -Identity 'isaiah@contoso.onmicrosoft.com' -SkuPartNumber MCOPSTN1 -ErrorAction Stop
        Set-CsPhoneNumberAssignment -Identity 'isaiah@contoso.onmicrosoft.com' -TelephoneNumber '+12345678902' -NumberType CallingPlan -LocationId $location -AssignmentCategory Private -Confirm:$false -ErrorAction Stop
        $number = Get-CsPhoneNumberAssignment -TelephoneNumber '+12345678902'
        $number.PstnAssignmentStatus | Should -Be 'UserAssigned'
        $number.AssignmentCategory | Should -Be 'Private'
        $number.LocationId | Should -Be $location
    }

    It 'gets several instances, a limited number, and skips (Get-CsOnlineApplicationInstance examples 2 and 3)' {
        $other = "compat2-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
        $null = New-CsOnlineApplicationInstance -UserPrincipalName $other -ApplicationId $Connection.clientId -ErrorAction Stop
        (Get-CsOnlineApplicationInstance -Identities "$Upn,$other" -ErrorAction Stop).UserPrincipalName | Sort-Object | Should -Be (@($Upn, $other) | Sort-Object)
        @(Get-CsOnlineApplicationInstance -ResultSize 1 -ErrorAction Stop).Count | Should -Be 1
        $all = @(Get-CsOnlineApplicationInstance -ErrorAction Stop)
        @(Get-CsOnlineApplicationInstance -Skip 1 -ErrorAction Stop).Count | Should -Be ($all.Count - 1)
    }

    It 'creates an instance with only a UPN, named after it (New-CsOnlineApplicationInstance: ApplicationId and DisplayName optional)' {
        $bare = "bare-$([guid]::NewGuid().ToString('N').Substring(0, 8))@contoso.onmicrosoft.com"
        $instance = New-CsOnlineApplicationInstance -UserPrincipalName $bare -ErrorAction Stop
        $instance.DisplayName | Should -Be $bare.Split('@')[0]
        $instance.ApplicationId | Should -BeNullOrEmpty
        $instance.TenantId | Should -Be $Connection.tenantId
    }
}
