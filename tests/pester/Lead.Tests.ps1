#Requires -Version 7.6
# Pester 5 tests of a take whose lead is too short for its setup. Build first (dotnet build PsCamSync.sln), then:
#   Invoke-Pester ./tests/pester/Lead.Tests.ps1
# Simulated cameras only.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' '..' 'PsCamSync.psd1') -Force
    $script:Takes = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-lead-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $Takes | Out-Null
}

AfterAll {
    Remove-Item -LiteralPath $Takes -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Start-SyncCapture with a lead shorter than the setup' -Tag CI {
    BeforeAll {
        # 50 ms is far less than the setup (clock latches, 256 MB of rings locked into RAM, streams, trigger thread): the
        # estimate warns before the take starts, and the slots due before the trigger thread is ready are recorded.
        $script:Path = Join-Path $Takes 'short-lead'
        $script:Result = Get-SyncCamera -Simulated 2 |
            Start-SyncCapture -FrameRate 30 -FrameCount 30 -Lead 0.05 -BufferMemory 256MB -Path $Path -Wait -WarningVariable w -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $script:Warnings = $w
        $script:Errors = $e
        $script:Manifest = Get-Content (Join-Path $Path 'take.json') -Raw | ConvertFrom-Json
    }

    It 'warns before the take starts, naming -Lead, the lead, the setup expected and a lead to use' {
        $Warnings.Count | Should -Be 1
        $text = "$($Warnings[0])"
        $text | Should -Match '^-Lead 0\.05 s leaves \d+ ms until frame 0'
        $text | Should -Match 'expected to take about \d+ ms'
        $text | Should -Match 'Use -Lead \d+(\.\d)? or more\.$'
    }

    It 'records the late slots in the counts and as one Trigger fault naming their frames' {
        $late = $Manifest.Cameras[0].Counts.TriggerLate
        $late | Should -BeGreaterThan 0
        $Manifest.Cameras[1].Counts.TriggerLate | Should -Be $late
        $faults = @($Manifest.Faults | Where-Object { $_.Source -eq 'Trigger' -and $_.Message -match 'due before the trigger thread was ready' })
        $faults.Count | Should -Be 1
        $faults[0].Message | Should -Match '^frames? 0(-\d+)? \(\d+ of 30\)'
        $faults[0].Message | Should -Match 'setup took \d+ ms, lead was \d+ ms'
        $faults[0].Message | Should -Match 'raise -Lead'
    }

    It 'keeps the take, and reports the fault as an error' {
        $Result.State | Should -Be 'Completed'
        $Result.Lost | Should -BeGreaterThan 0
        $Result.Faults | Should -BeGreaterOrEqual 1
        $Errors.FullyQualifiedErrorId | Should -Contain 'CaptureFaultTrigger,PsCamSync.Commands.StartSyncCaptureCommand'
    }
}

Describe 'Start-SyncCapture with a lead that covers the setup' -Tag CI {
    It 'does not warn about the lead' {
        $r = Get-SyncCamera -Simulated 1 |
            Start-SyncCapture -FrameRate 30 -FrameCount 10 -Lead 1 -Path (Join-Path $Takes 'long-lead') -Wait -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -BeNullOrEmpty
        $r.Expected | Should -Be 10
    }
}
