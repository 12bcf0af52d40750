#Requires -Version 7.6
# Pester 5 tests of Test-CaptureBudget and of Start-SyncCapture's budget warning, on simulated cameras. The budget is
# measured on this machine in the same run and then checked against real takes: a plan it calls DoesNotFit drops
# frames, a plan it calls Fits records every frame without a drop.

BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '..' '..' 'PsCamSync.psd1'
    Import-Module $Manifest -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-budget-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path $Work | Out-Null
    # What Test-CaptureBudget measures is cached for Start-SyncCapture: here in the test folder, not in ~/.cache.
    $script:SavedCacheHome = $env:XDG_CACHE_HOME
    $env:XDG_CACHE_HOME = Join-Path $Work 'cache'
    function script:NewTakePath([string] $name) { Join-Path $Work "$name-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }
    function script:DroppedOf($result) { ($result.Manifest.Cameras | ForEach-Object { $_.Counts.Dropped } | Measure-Object -Sum).Sum }
}

AfterAll {
    $env:XDG_CACHE_HOME = $SavedCacheHome
    Remove-Module PsCamSync -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Test-CaptureBudget' -Tag CI {
    It 'measures a plan given by size and says what it is about first' {
        $r = Test-CaptureBudget -Width 640 -Height 480 -FrameRate 30 -Duration 2 -Path $Work
        @($r.PSObject.Properties.Name)[0..4] | Should -Be @('Host', 'Path', 'Verdict', 'Bottleneck', 'Fix')
        $r.Host | Should -Be ([Environment]::MachineName)
        $r.Path | Should -Be $Work
        $r.Verdict | Should -BeIn @('Fits', 'Tight', 'DoesNotFit')
        $r.Rows.Resource | Should -Be @('Disk', 'DiskSpace', 'Memory', 'Link')
        ($r.Rows | Where-Object Resource -EQ 'Disk').Available | Should -BeGreaterThan 0
        (Get-ChildItem -LiteralPath $Work -Force | Where-Object Name -Like '.pscamsync-budget-*') | Should -BeNullOrEmpty
    }

    It 'takes cameras from Get-SyncCamera with their sizes, and says simulated cameras cross no link' {
        $r = Get-SyncCamera -Backend Simulated -Simulated 2 | Test-CaptureBudget -FrameRate 30 -Duration 2 -Path $Work
        $r.CameraCount | Should -Be 2
        $r.Plan | Should -Match '2 × 640x480 Mono8 at 30 Hz'
        ($r.Rows | Where-Object Resource -EQ 'Link').Note | Should -Match 'simulated'
    }

    It 'shows a table grouped by host, and the rows with units' {
        $r = Test-CaptureBudget -Width 640 -Height 480 -FrameRate 30 -Duration 2 -Path $Work
        $r | Format-Table | Out-String -Width 200 | Should -Match 'Host: .*(\r?\n)+Path\s+Plan\s+Verdict\s+Bottleneck\s+Fix'
        $r.Rows | Format-Table | Out-String -Width 200 | Should -Match 'Disk\s+\S+\s+[\d.]+ MB/s\s+[\d.]+ [MG]B/s'
    }

    It '-Quiet writes one bool' {
        $q = @(Test-CaptureBudget -Width 64 -Height 48 -FrameRate 10 -Duration 1 -Path $Work -Quiet)
        $q.Count | Should -Be 1
        $q[0] | Should -BeOfType [bool]
        $q[0] | Should -BeTrue
    }

    It 'names the parameter of bad input: <Parameter>' -ForEach @(
        @{ Parameter = 'FrameRate'; Call = { Test-CaptureBudget -Width 640 -Height 480 -FrameRate 0 -Duration 2 -Path $Work } }
        @{ Parameter = 'Duration'; Call = { Test-CaptureBudget -Width 640 -Height 480 -FrameRate 30 -Duration 0 -Path $Work } }
        @{ Parameter = 'Width'; Call = { Test-CaptureBudget -Width 0 -Height 480 -FrameRate 30 -Duration 2 -Path $Work } }
        @{ Parameter = 'Path'; Call = { Test-CaptureBudget -Width 640 -Height 480 -FrameRate 30 -Duration 2 -Path (Join-Path $Work 'no' 'such') } }
        @{ Parameter = 'BufferMemory'; Call = { Test-CaptureBudget -Width 640 -Height 480 -FrameRate 30 -Duration 2 -Path $Work -BufferMemory 1000 } }
        @{ Parameter = 'CameraCount'; Call = { Test-CaptureBudget -Width 640 -Height 480 -CameraCount 0 -FrameRate 30 -Duration 2 -Path $Work } }
    ) {
        $e = { & $Call } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Match '^CaptureBudgetArgumentInvalid'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match "^-$Parameter"
    }

    It 'crosses an out-of-process session with its rows, enums compared by name' {
        # Start-Job runs a pwsh of its own and serializes the output as remoting does.
        $job = Start-Job -ScriptBlock {
            Import-Module $using:Manifest
            $env:XDG_CACHE_HOME = $using:env:XDG_CACHE_HOME
            Get-SyncCamera -Backend Simulated -Simulated 1 | Test-CaptureBudget -FrameRate 30 -Duration 2 -Path $using:Work
        }
        try {
            $r = $job | Wait-Job -Timeout 120 | Receive-Job -ErrorAction Stop
        }
        finally {
            $job | Remove-Job -Force
        }
        $r.pstypenames[0] | Should -Be 'Deserialized.PsCamSync.Core.Capture.CaptureBudgetResult'
        $r.Verdict | Should -BeOfType [string]
        $r.Verdict -eq 'Fits' -or $r.Verdict -eq 'Tight' | Should -BeTrue
        $r.Encoder | Should -Be 'Y4M'
        $r.Rows[0].Resource | Should -Be 'Disk'
        $r.Rows[0].Available | Should -BeGreaterThan 0
        $r | Format-Table | Out-String -Width 200 | Should -Match 'Verdict\s+Bottleneck'
    }
}

Describe 'The budget against real takes' -Tag CI {
    It 'says DoesNotFit for a plan that drops frames here, and Start-SyncCapture warns and drops' {
        # Four cameras at 200 Hz through FFV1 (800 frames/s for a 2-core machine) with rings of 16 frames per camera.
        $plan = @{ FrameRate = 200; Duration = 3; Encoder = 'Ffv1'; BufferMemory = 20MB }
        $cameras = Get-SyncCamera -Backend Simulated -Simulated 4
        $budget = $cameras | Test-CaptureBudget @plan -Path $Work
        $budget.Verdict | Should -Be 'DoesNotFit' -Because ($budget.Rows | Format-Table | Out-String -Width 250)
        $budget.Bottleneck | Should -Be 'Encoder'
        $budget.Fix | Should -Match '-FrameRate to [\d.]+ Hz'
        $cameras | Test-CaptureBudget @plan -Path $Work -Quiet | Should -BeFalse

        $result = $cameras | Start-SyncCapture @plan -Lead 3 -Path (NewTakePath 'does-not-fit') -Wait -WarningVariable warned -ErrorAction SilentlyContinue
        ($warned -join "`n") | Should -Match 'does not fit .*Bottleneck: Encoder.*Fix: '
        DroppedOf $result | Should -BeGreaterThan 0 -Because 'the budget said it does not fit'
    }

    It 'says Fits for a plan that records cleanly here, and Start-SyncCapture does not warn' {
        $plan = @{ FrameRate = 30; Duration = 3; Encoder = 'Y4M' }
        $camera = Get-SyncCamera -Backend Simulated -Simulated 1
        $budget = $camera | Test-CaptureBudget @plan -Path $Work
        $budget.Verdict | Should -Be 'Fits' -Because ($budget.Rows | Format-Table | Out-String -Width 250)
        $camera | Test-CaptureBudget @plan -Path $Work -Quiet | Should -BeTrue

        $result = $camera | Start-SyncCapture @plan -Lead 3 -Path (NewTakePath 'fits') -Wait -WarningVariable warned
        ($warned -join "`n") | Should -Not -Match 'does not fit'
        DroppedOf $result | Should -Be 0 -Because 'the budget said it fits'
        $result.Expected | Should -Be 90
    }

    It 'Start-SyncCapture says on Verbose when nothing was measured for its disk and encoder' {
        $env:XDG_CACHE_HOME = Join-Path $Work 'empty-cache'
        try {
            $verbose = Start-SyncCapture -CameraId sim-0 -Backend Simulated -FrameRate 30 -Duration 1 -Encoder Libx264 -Lead 3 -Path (NewTakePath 'no-cache') -Wait -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        }
        finally {
            $env:XDG_CACHE_HOME = Join-Path $Work 'cache'
        }
        ($verbose.Message -join "`n") | Should -Match 'throughput was not measured'
    }
}
