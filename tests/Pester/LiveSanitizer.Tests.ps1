#Requires -Version 7.4
# Pester 5: the live suite's sanitizer (tests/Live/LiveRecording.psm1) removes everything that identifies a tenant
# from a recording and keeps the service's field names and enum spellings.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../Live/LiveRecording.psm1') -Force
}

AfterAll {
    Remove-Module LiveRecording -Force -ErrorAction SilentlyContinue
}

Describe 'Live recording sanitizer' {
    BeforeEach { Reset-LiveRecording }

    It 'replaces ids, numbers, addresses, thread ids, names and tokens, and keeps field names and enums' {
        $json = @'
{"@odata.type":"#microsoft.graph.call","id":"2f1a0a00-5b7d-4e1a-9c6f-2d4b8e0a1c99","state":"Established",
 "callbackUri":"https://bot.contoso.com/api/calls","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47",
 "chatInfo":{"threadId":"19:meeting_NTg0NmQ3NTctZDVkZC00YzRhLThmNmEtOGQ3M2E0ODdmZDZk@thread.v2","messageId":"0"},
 "source":{"identity":{"user":{"id":"278405a3-f568-4b3e-b684-009193463064","displayName":"Adele Vance","userPrincipalName":"adele@contoso.com"}}},
 "targets":[{"identity":{"phone":{"id":"+14255550123"}}}],
 "resultInfo":{"code":412,"subcode":9999,"message":"no sponsor for +14255550123. DiagCode: 412#10073"},
 "authorization":"Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl"}
'@
        $out = Protect-LiveJson -Json $json -Secret 'bot.contoso.com'
        foreach ($secret in '2f1a0a00-5b7d', '72f988bf', '278405a3', 'NTg0NmQ3', 'Adele', 'adele@contoso.com', '14255550123', 'eyJ0eXAi', 'bot.contoso.com') {
            $out | Should -Not -BeLike "*$secret*"
        }
        $parsed = $out | ConvertFrom-Json -AsHashtable
        $parsed.Keys | Should -Contain 'callbackUri'
        $parsed['@odata.type'] | Should -Be '#microsoft.graph.call'
        $parsed.state | Should -Be 'Established'
        $parsed.resultInfo.code | Should -Be 412
        $parsed.resultInfo.message | Should -BeLike '*DiagCode: 412#10073'
        $parsed.source.identity.user.displayName | Should -Be 'Name 1'
        $parsed.source.identity.user.userPrincipalName | Should -Be 'account1@example.invalid'
        $parsed.chatInfo.threadId | Should -Be '19:thread-1@thread.v2'
        $parsed.authorization | Should -Be 'Bearer <redacted-token>'
    }

    It 'gives one value one placeholder, so relations between objects survive' {
        $a = Protect-LiveText 'call 278405a3-f568-4b3e-b684-009193463064 from +14255550123'
        $b = Protect-LiveText 'roster of 278405a3-F568-4b3e-b684-009193463064; other 7e1b4346-85a6-4bdd-abe3-d11c5d420efe; +14255550123'
        $a | Should -Be 'call 00000000-0000-4000-8000-000000000001 from +15550000001'
        $b | Should -Be 'roster of 00000000-0000-4000-8000-000000000001; other 00000000-0000-4000-8000-000000000002; +15550000001'
    }

    It 'writes numbered files into the folder' {
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('LiveSanitizer.' + [guid]::NewGuid().ToString('N'))
        try {
            $first = Save-LiveRecording -Folder $folder -Name 'readiness' -InputObject ([pscustomobject]@{ Check = 'Instance'; Detail = 'bot@contoso.com (5d0b7a34-2f61-4c8e-b1a9-3e7c6d5f4a21)' })
            $second = Save-LiveRecording -Folder $folder -Name 'call' -InputObject @{ id = '5d0b7a34-2f61-4c8e-b1a9-3e7c6d5f4a21' }
            Split-Path $first -Leaf | Should -Be '01-readiness.json'
            Split-Path $second -Leaf | Should -Be '02-call.json'
            Get-Content -Raw $first | Should -Not -BeLike '*5d0b7a34*'
            (Get-Content -Raw $second | ConvertFrom-Json).id | Should -Be '00000000-0000-4000-8000-000000000001'
        }
        finally {
            Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'compares a tenant''s recording with the emulator''s: missing fields and enum spellings' {
        $root = Join-Path ([System.IO.Path]::GetTempPath()) ('LiveContract.' + [guid]::NewGuid().ToString('N'))
        try {
            $real = New-Item -ItemType Directory -Path (Join-Path $root 'real')
            $emulated = New-Item -ItemType Directory -Path (Join-Path $root 'emulated')
            Set-Content -LiteralPath (Join-Path $real '02-call.json') -Value '{"id":"x","state":"Established","callChainId":"y","targets":[{"identity":{"phone":{"id":"+1"}}}]}'
            Set-Content -LiteralPath (Join-Path $emulated '02-call.json') -Value '{"id":"x","state":"established","callChainId":null,"targets":[{"identity":{"phone":{"id":"+1"}}}],"extra":1}'
            Set-Content -LiteralPath (Join-Path $real '03-only-real.json') -Value '{"a":1}'
            $differences = @(Compare-LiveShape -Recorded $real -Emulated $emulated)
            $differences.Count | Should -Be 2
            ($differences | Where-Object Difference -eq 'FieldMissingInEmulator').Path | Should -Be 'callChainId'
            $enum = $differences | Where-Object Difference -eq 'EnumSpelling'
            $enum.Path | Should -Be 'state'
            $enum.Recorded | Should -Be 'Established'
            $enum.Emulated | Should -Be 'established'
        }
        finally {
            Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
