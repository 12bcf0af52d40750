#Requires -Version 7.6
# Pester 5 tests of Measure-SyncJitter, the jitter sweep (issue 10, part 2), in real pwsh on simulated cameras. Build
# first (dotnet build PsCamSync.sln), then:
#   Invoke-Pester ./tests/pester/Jitter.Tests.ps1 -Output Detailed
# The simulated cameras read each frame off their link for -TransferUs after its readout and block a software trigger
# during that transfer (Get-SyncCamera -TransferUs), so a band of rates shows milliseconds of jitter in Software mode.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    Import-Module (Join-Path $Repo 'PsCamSync.psd1') -Force
    $script:Temp = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-jitter-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Temp | Out-Null
    # Exposure 4 ms, readout 6 ms overlapping the next exposure, transfer 4 ms: a software trigger 10-14 ms after the
    # previous one (71-100 Hz) comes during that frame's transfer and waits for its end.
    function script:DoughnutCameras { Get-SyncCamera -Simulated 2 -ReadoutUs 6000 -TransferUs 4000 -TriggerOverlap ReadOut }
    function script:Median($points, [double] $hz) { ($points | Where-Object FrameRateHz -eq $hz).IntervalP50DeviationUs }
}

AfterAll {
    Get-SyncCamera -Simulated 1 | Out-Null   # the default simulated model again, for the files that run after this one
    Remove-Item -LiteralPath $Temp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Measure-SyncJitter' -Tag CI {
    BeforeAll {
        $script:SweepPath = Join-Path $Temp 'software'
        $script:PlotPath = Join-Path $Temp 'software.png'
        $script:Software = @(DoughnutCameras | Measure-SyncJitter -FrameRate 40, 80, 120 -Duration 1.5 -Exposure 4000 -TriggerMode Software -Path $SweepPath -PlotPath $PlotPath -WarningAction SilentlyContinue)
        $script:Action = @(DoughnutCameras | Measure-SyncJitter -FrameRate 80 -Duration 1.5 -Exposure 4000 -TriggerMode Action -Path (Join-Path $Temp 'action') -WarningAction SilentlyContinue)
    }

    It 'writes one point per rate, in order, each take in its own folder' {
        $Software.FrameRateHz | Should -Be @(40, 80, 120)
        $Software[0].pstypenames[0] | Should -Be 'PsCamSync.Core.Capture.JitterSweepPoint'
        $Software.TakePath | Should -Be @('01-40Hz', '02-80Hz', '03-120Hz' | ForEach-Object { Join-Path $SweepPath $_ })
        $Software.TakePath | ForEach-Object { Join-Path $_ 'take.json' | Should -Exist }
        $Software.TriggerMode | Should -Be @('Software', 'Software', 'Software')
        $Software | ForEach-Object { $_.Cameras | Should -Be 2 }
    }

    It 'finds the doughnut hole at 80 Hz in Software mode, between clean rates' {
        $hole = Median $Software 80
        $clean = [Math]::Max((Median $Software 40), (Median $Software 120))
        $hole | Should -BeGreaterOrEqual 700 -Because 'a trigger at 80 Hz waits 1.5-3 ms for the previous transfer'
        $hole | Should -BeGreaterOrEqual (10 * $clean) -Because "40 and 120 Hz are clean (median deviation $clean µs)"
    }

    It 'does not find it with action commands, which bypass the host transfer' {
        $Action[0].TriggerMode | Should -Be 'Action'
        # Action medians follow the host's send-time jitter (tens of µs, more under load): a fifth of the hole at most.
        (Median $Action 80) * 5 | Should -BeLessOrEqual (Median $Software 80)
    }

    It 'writes the plot as a PNG of 1000x600 pixels' {
        $PlotPath | Should -Exist
        $bytes = [IO.File]::ReadAllBytes($PlotPath)
        [BitConverter]::ToString($bytes, 0, 8) | Should -Be '89-50-4E-47-0D-0A-1A-0A'
        [Text.Encoding]::ASCII.GetString($bytes, 12, 4) | Should -Be 'IHDR'
        $width = [Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 16))   # big-endian in the file
        $height = [Net.IPAddress]::NetworkToHostOrder([BitConverter]::ToInt32($bytes, 20))
        "${width}x$height" | Should -Be '1000x600'
        $bytes.Length | Should -BeGreaterThan 20000 -Because 'five series, axes and a legend are drawn'
    }

    It 'reads the same after a remoting boundary, with a table view' {
        $remote = $Software | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) }
        $remote[0].pstypenames[0] | Should -Be 'Deserialized.PsCamSync.Core.Capture.JitterSweepPoint'
        $remote.TriggerMode | Should -Be @('Software', 'Software', 'Software')
        ($remote | Where-Object TriggerMode -eq 'Software').Count | Should -Be 3
        $remote[1].IntervalP50DeviationUs | Should -Be $Software[1].IntervalP50DeviationUs
        $table = $remote | Format-Table | Out-String -Width 200
        $table | Should -Match 'PSComputerName\s+Hz\s+Trigger'
        ($Software | Format-Table | Out-String -Width 200) | Should -Match 'Hz\s+Trigger\s+Captured\s+Expected\s+Late\s+SD µs\s+P50 µs\s+P99 µs'
    }
}

Describe 'Measure-SyncJitter input' -Tag CI {
    It 'takes -FrameRate 50..60 -Step 10 as written (argument mode passes 50..60 as text)' {
        $points = @(Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 50..60 -Step 10 -Duration 0.3 -Path (Join-Path $Temp 'range') -WarningAction SilentlyContinue)
        $points.FrameRateHz | Should -Be @(50, 60)
    }

    It 'rejects a range of fractions written as text, naming -FrameRate' {
        { Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 1.5..3 -Step 1 -Path (Join-Path $Temp 'fractions') } |
            Should -Throw -ExpectedMessage "*'FrameRate'*not a range of whole numbers*"
    }

    It 'rejects -Step without a range, naming -Step' {
        { Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 60 -Step 10 -Path (Join-Path $Temp 'step') } |
            Should -Throw -ErrorId 'SyncJitterArgumentInvalid,PsCamSync.Commands.MeasureSyncJitterCommand' -ExpectedMessage '-Step: *range*'
        Join-Path $Temp 'step' | Should -Not -Exist
    }

    It 'rejects a rate of <_> Hz, naming -FrameRate' -ForEach @(0, -30) {
        { Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 60, $_ -Path (Join-Path $Temp 'rate') } |
            Should -Throw -ErrorId 'SyncJitterArgumentInvalid,PsCamSync.Commands.MeasureSyncJitterCommand' -ExpectedMessage '-FrameRate: *positive*'
    }

    It 'rejects a -Duration that is not positive, naming it' {
        { Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 60 -Duration 0 -Path (Join-Path $Temp 'duration') } |
            Should -Throw -ErrorId 'SyncJitterArgumentInvalid,PsCamSync.Commands.MeasureSyncJitterCommand' -ExpectedMessage '-Duration*'
    }

    It 'records nothing with -WhatIf' {
        Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 30, 60 -Duration 1 -Path (Join-Path $Temp 'whatif') -WhatIf
        Join-Path $Temp 'whatif' | Should -Not -Exist
    }

    It 'rejects a simulated model without simulated cameras, and a negative transfer, naming the parameter' {
        { Get-SyncCamera -Backend Aravis -TransferUs 4000 -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'SimulatedModelInvalid,PsCamSync.Commands.GetSyncCameraCommand' -ExpectedMessage '-TransferUs: *-Simulated*'
        { Get-SyncCamera -Simulated 1 -TransferUs -5 } |
            Should -Throw -ErrorId 'SimulatedModelInvalid,PsCamSync.Commands.GetSyncCameraCommand' -ExpectedMessage '-TransferUs: *0-1000000*'
    }

    It 'stops the sweep and the take in progress when the pipeline is stopped (Ctrl+C)' {
        $path = Join-Path $Temp 'ctrlc'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$(Join-Path $Repo 'PsCamSync.psd1')'; Measure-SyncJitter -CameraId sim-0 -Backend Simulated -FrameRate 30, 60 -Duration 600 -Path '$path'")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path (Join-Path $path '01-30Hz' 'take.json')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Seconds 1
            $ps.Stop()   # what Ctrl+C does; returns when the command has ended
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        (Get-Content (Join-Path $path '01-30Hz' 'take.json') -Raw | ConvertFrom-Json).State | Should -Be 'Stopped'
        Join-Path $path '02-60Hz' | Should -Not -Exist
    }
}

Describe 'The simulated model in a recorder process' -Tag CI {
    It 'reaches the cameras a take opens in its own recorder process' {
        # Start-SyncCapture (without -InProcess) opens the cameras in a recorder process of the take's own; the model
        # set by Get-SyncCamera in this session goes with the take. A 200 ms transfer shows in every frame's arrival.
        $path = Join-Path $Temp 'model-in-recorder'
        try {
            $result = Get-SyncCamera -Simulated 1 -TransferUs 200000 |
                Start-SyncCapture -FrameRate 2 -FrameCount 4 -Path $path -TriggerMode Software -Wait -WarningAction SilentlyContinue
        }
        finally {
            Get-SyncCamera -Simulated 1 | Out-Null   # the default model again
        }
        $result.Captured | Should -Be 4
        $manifest = Get-Content -Raw (Join-Path $path 'take.json') | ConvertFrom-Json
        $rows = @(Import-Csv -LiteralPath (Join-Path $path $manifest.Cameras[0].FramesFile) | Where-Object status -eq 'Captured')
        $rows.Count | Should -Be 4
        foreach ($r in $rows) {
            ([long]$r.host_receive_ns - [long]$r.trigger_ns) / 1e6 | Should -BeGreaterThan 200 -Because 'each frame reaches the host 200 ms of transfer after its readout'
        }
    }
}
