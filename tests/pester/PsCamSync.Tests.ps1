#Requires -Version 7.6
# Pester 5 tests of the built module. Build first (dotnet build PsCamSync.sln), then:
#   Invoke-Pester ./tests/pester -Tag CI
# Simulated cameras only: no hardware, no PTP daemon needed.
# The takes whose counts are asserted exactly run at 25 Hz: its 10 ms late tolerance absorbs the stalls a loaded CI
# machine inflicts (whole-machine stalls up to ~10 ms); what a late slot does is tested in Faults.Tests.ps1 and the C# tests.

BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '..' '..' 'PsCamSync.psd1'
    Import-Module $Manifest -Force
    $script:Takes = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $Takes | Out-Null

    # A fresh folder path for one take (the take creates it).
    function script:NewTakePath([string] $name) { Join-Path $Takes "$name-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq 'SyncCaptureJob' | Remove-Job -Force
    Remove-Module PsCamSync -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Takes -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The module' -Tag CI {
    It 'exports exactly its eleven cmdlets' {
        (Get-Command -Module PsCamSync).Name | Sort-Object |
            Should -Be @('Export-SyncTakeReport', 'Get-CameraTimestampDelta', 'Get-SyncCamera', 'Get-SyncCapture', 'Measure-SyncJitter', 'Measure-SyncTake', 'Start-SyncCapture', 'Stop-SyncCapture', 'Test-CaptureBudget', 'Test-PtpSync', 'Wait-SyncCapture')
    }

    It 'has written help for <_>' -ForEach @('Get-SyncCamera', 'Start-SyncCapture', 'Get-SyncCapture', 'Wait-SyncCapture', 'Stop-SyncCapture', 'Measure-SyncTake', 'Export-SyncTakeReport', 'Measure-SyncJitter', 'Test-PtpSync', 'Get-CameraTimestampDelta', 'Test-CaptureBudget') {
        $help = Get-Help $_ -Full
        $help.description | Should -Not -BeNullOrEmpty   # empty when PowerShell falls back to the syntax
        $help.examples.example | Should -Not -BeNullOrEmpty
    }

    It 'has the about topic' {
        Get-Help about_PsCamSync | Out-String | Should -Match 'Tn = T0 \+ n \* period'
    }
}

Describe 'Get-SyncCamera' -Tag CI {
    It 'lists three simulated cameras for -Backend Simulated' {
        $cameras = Get-SyncCamera -Backend Simulated
        $cameras | Should -HaveCount 3
        $cameras.Id | Should -Be @('sim-0', 'sim-1', 'sim-2')
        $cameras.Backend | Should -Be @('Simulated', 'Simulated', 'Simulated')
        $cameras[0].Resolution | Should -Be "$($cameras[0].Width)x$($cameras[0].Height)"
    }

    It 'offers as many simulated cameras as -Simulated says' {
        Get-SyncCamera -Backend Simulated -Simulated 5 | Should -HaveCount 5
    }

    It 'lists no simulated camera unless asked' {
        Get-SyncCamera -ErrorAction SilentlyContinue | Where-Object Backend -EQ 'Simulated' | Should -BeNullOrEmpty
    }

    It 'shows Backend, Id, Model, Serial first in the table' {
        Get-SyncCamera -Backend Simulated | Format-Table | Out-String -Width 200 | Should -Match 'Backend\s+Id\s+Model\s+Serial\s+Address\s+Width\s+Height\s+PixelFormat'
    }

    It 'rejects an unknown backend, naming -Backend' {
        $err = { Get-SyncCamera -Backend Nope -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'CameraBackendUnknown,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.ParameterName | Should -Be 'Backend'
    }

    It 'completes backend names' {
        $line = 'Get-SyncCamera -Backend Sim'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Contain 'Simulated'
    }
}

Describe 'Get-CameraTimestampDelta' -Tag CI {
    # Simulated camera sim-k runs k x 1.5 ms ahead of the host clock until PTP is enabled on it (and drifts a few ppm).
    BeforeAll {
        # A -SocketPath where no ptp4l listens: the timescale cannot be read, which must be said (a warning), not hidden.
        $script:deltas = @(Get-SyncCamera -Simulated 2 |
            Get-CameraTimestampDelta -Samples 5 -Interval 0.01 -SocketPath (Join-Path $Takes 'no-ptp4l') -WarningVariable warned -WarningAction SilentlyContinue)
        $script:deltaWarnings = @($warned)
    }

    It 'writes one result per piped camera, in order, Host and CameraId first' {
        $deltas.Count | Should -Be 2
        $deltas.CameraId | Should -Be @('sim-0', 'sim-1')
        $deltas.Host | Should -Be @([Environment]::MachineName, [Environment]::MachineName)
        $deltas[0].PSObject.Properties.Name[0..1] | Should -Be @('Host', 'CameraId')
        $deltas[0].PSObject.TypeNames[0] | Should -Be 'PsCamSync.Core.Timing.TimestampDeltaResult'
    }

    It 'recovers the simulated offset of <Id> (<OffsetMs> ms) within 0.2 ms and passes 3 ms' -ForEach @(
        @{ Index = 0; Id = 'sim-0'; OffsetMs = 0.0 }
        @{ Index = 1; Id = 'sim-1'; OffsetMs = 1.5 }
    ) {
        $r = $deltas[$Index]
        $r.Verdict | Should -Be 'Pass'
        $r.Samples | Should -Be 5
        $r.DeltaNs / 1e6 | Should -BeGreaterThan ($OffsetMs - 0.2) -Because "$Id is $OffsetMs ms ahead of the host"
        $r.DeltaNs / 1e6 | Should -BeLessThan ($OffsetMs + 0.2) -Because "$Id is $OffsetMs ms ahead of the host"
        $r.UncertaintyNs | Should -BeLessThan 200000
        $r.Model.SampleCount | Should -BeGreaterThan 1
        $r.Mapping | Should -Be 'Identity'
    }

    It 'fails a threshold below the offset' {
        $r = Get-CameraTimestampDelta -CameraId sim-1 -Backend Simulated -Threshold 0.001 -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'Fail'
        $r.ThresholdNs | Should -Be 1000000
    }

    It 'says when ptp4l cannot be read, instead of choosing the mapping silently' {
        $deltaWarnings | Should -Not -BeNullOrEmpty
        "$deltaWarnings" | Should -Match 'could not be read'
    }

    It 'reports an unknown camera as an Error result and a non-terminating error' {
        $r = @(Get-CameraTimestampDelta -CameraId sim-0, nope-9 -Backend Simulated -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $r.Verdict | Should -Be @('Pass', 'Error')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TimestampDeltaCameraOpenFailed*'
    }

    It 'rejects a negative threshold, naming -Threshold' {
        $err = { Get-CameraTimestampDelta -CameraId sim-0 -Threshold -1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'TimestampDeltaArgumentInvalid*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.ParameterName | Should -Be 'Threshold'
    }

    It 'formats as a table grouped by host' {
        $deltas | Format-Table | Out-String | Should -Match 'Delta \(ms\)'
    }
}

Describe 'Start-SyncCapture -Wait' -Tag CI {
    BeforeAll {
        $script:Result = Get-SyncCamera -Simulated 3 |
            Start-SyncCapture -FrameRate 25 -FrameCount 30 -Path (NewTakePath 'wait') -Wait
    }

    It 'writes a completed result for three cameras' {
        $Result.State | Should -Be 'Completed'
        $Result.Cameras | Should -Be @('sim-0', 'sim-1', 'sim-2')
        $Result.Expected | Should -Be 90
        $Result.Captured | Should -Be 90
        $Result.Lost | Should -Be 0
        Join-Path $Result.TakePath 'take.json' | Should -Exist
    }

    It 'Measure-SyncTake finds every expected frame set' {
        $report = $Result | Measure-SyncTake
        $report.ExpectedFrameSets | Should -Be 30
        $report.CompleteFrameSets | Should -Be 30
        ($Result | Measure-SyncTake -PerCamera).Captured | Should -Be @(30, 30, 30)
    }

    It 'Measure-SyncTake -MatchBy takes the method by name, completes it, and names -MatchBy for a wrong one' {
        $report = $Result | Measure-SyncTake -MatchBy nearestdevicetimestamp
        $report.MatchedBy | Should -Be 'NearestDeviceTimestamp'
        $report.MatchedBy | Should -BeOfType ([PsCamSync.Core.Analysis.FrameMatchMethod])
        ($Result | Measure-SyncTake).MatchedBy -eq 'Index' | Should -BeTrue
        (TabExpansion2 'Measure-SyncTake -MatchBy Ne').CompletionMatches.CompletionText | Should -Be 'NearestDeviceTimestamp'
        $e = { $Result | Measure-SyncTake -MatchBy ByMagic } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -Match '^ParameterArgumentTransformationError|^CannotConvertArgumentNoMessage|^ParameterBindingFailed|Measure-?SyncTake'
        $e.Exception.Message | Should -Match "'MatchBy'"
        $e.Exception.Message | Should -Match 'Index.*NearestDeviceTimestamp'
    }

    It 'accepts cameras that crossed a remoting boundary' {
        $deserialized = Get-SyncCamera -Simulated 2 | ForEach-Object {
            [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_))
        }
        $deserialized[0].pstypenames[0] | Should -Be 'Deserialized.PsCamSync.Core.Cameras.CameraInfo'
        $r = $deserialized | Start-SyncCapture -FrameRate 25 -FrameCount 10 -Lead 1 -Path (NewTakePath 'deserialized') -Wait
        $r.Cameras | Should -Be @('sim-0', 'sim-1')
        $r.Captured | Should -Be 20
    }

    It 'with -InProcess, stops and finalises the take when the pipeline is stopped (Ctrl+C)' {
        $path = NewTakePath 'ctrlc'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'; Start-SyncCapture -CameraId sim-0 -FrameRate 30 -Duration 600 -Lead 1 -Path '$path' -Wait -InProcess")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path (Join-Path $path 'take.json')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Seconds 1
            $ps.Stop()   # what Ctrl+C does; returns when the command has ended
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        $manifest = Get-Content (Join-Path $path 'take.json') -Raw | ConvertFrom-Json
        [PsCamSync.Core.Takes.TakeState]$manifest.State | Should -Be 'Stopped'
        $manifest.EndFrameIndex | Should -BeLessThan 18000
    }

    It 'in its recorder, stops the waiting but not the take when the pipeline is stopped (Ctrl+C, or a session that goes away)' {
        $path = NewTakePath 'ctrlc-rec'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'; Start-SyncCapture -CameraId sim-0 -FrameRate 30 -Duration 600 -Lead 1 -Path '$path' -Wait")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path (Join-Path $path 'take.json')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Start-Sleep -Seconds 1
            $ps.Stop()
            $async.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        $take = Get-SyncCapture | Where-Object TakePath -EQ $path
        $take.State | Should -Be 'Recording'
        $take.IsRecording | Should -BeTrue
        $stopped = $take | Stop-SyncCapture -Wait
        $stopped.State | Should -Be 'Stopped'
        $stopped.EndFrameIndex | Should -BeLessThan 18000
    }
}

Describe 'Start-SyncCapture as a job' -Tag CI {
    It 'runs to completion; Receive-Job gives the result that Measure-SyncTake reads' {
        $job = Start-SyncCapture -CameraId sim-0, sim-1 -Backend Simulated -FrameRate 25 -FrameCount 25 -Lead 1 -Path (NewTakePath 'job') -Name pester-job
        try {
            $job.PSJobTypeName | Should -Be 'SyncCaptureJob'
            $job.Location | Should -Be ([System.Net.Dns]::GetHostName())
            $job.ChildJobs.CameraId | Should -Be @('sim-0', 'sim-1')
            Get-Job -Name pester-job | Should -Be $job
            $job | Wait-Job -Timeout 60 | Out-Null
            $job.State | Should -Be 'Completed'
            $result = $job | Receive-Job
            $result.Name | Should -Be 'pester-job'
            ($result | Measure-SyncTake).CompleteFrameSets | Should -Be 25
            $job.ChildJobs.Counts.Captured | Should -Be @(25, 25)
        }
        finally { $job | Remove-Job -Force }
    }

    It 'stops with Stop-Job, which returns, and the job ends Stopped' {
        $job = Start-SyncCapture -CameraId sim-0 -FrameRate 30 -Duration 600 -Lead 1 -Path (NewTakePath 'stopjob') -Name pester-stopjob
        try {
            Start-Sleep -Seconds 1.5
            $job | Stop-Job
            $job.State | Should -Be 'Stopped'
            $result = $job | Receive-Job
            $result.State | Should -Be 'Stopped'
            $result.Captured | Should -BeLessThan 18000
        }
        finally { $job | Remove-Job -Force }
    }

    It 'stops with Stop-SyncCapture -At on the first frame due at or after that time' {
        $job = Start-SyncCapture -CameraId sim-0, sim-1 -Backend Simulated -FrameRate 100 -Duration 600 -Lead 1 -Path (NewTakePath 'stopat') -Name pester-stopat
        try {
            $line = 'Stop-SyncCapture -Name pester-st'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
                Should -Contain 'pester-stopat'
            $at = [DateTimeOffset]::UtcNow.AddSeconds(1.5)
            $result = Stop-SyncCapture -Name pester-stopat -At $at -Wait
            $result.State | Should -Be 'Stopped'
            # 100 Hz: one frame every 100 000 ticks; the last frame is the one before the first due at or after -At.
            $ticks = $at.UtcTicks - $result.StartTime.UtcTicks
            $result.EndFrameIndex | Should -Be ([long][Math]::Ceiling($ticks / 100000))
            $job | Wait-Job -Timeout 30 | Out-Null
            $job.State | Should -Be 'Stopped'
        }
        finally { $job | Remove-Job -Force }
    }

    It 'reports a final take.json that cannot be written as an error naming the take folder, and the job fails' {
        $path = NewTakePath 'manifest'
        $job = Start-SyncCapture -CameraId sim-0 -FrameRate 10 -FrameCount 15 -Lead 1 -Path $path -Name pester-manifest
        try {
            # The take wrote take.json at start; put a folder in its place, so the final atomic rename cannot succeed.
            $manifest = Join-Path $path 'take.json'
            Remove-Item -LiteralPath $manifest
            New-Item -ItemType Directory -Path $manifest | Out-Null
            $job | Wait-Job -Timeout 60 | Out-Null
            $job.State | Should -Be 'Failed'
            $null = $job | Receive-Job -ErrorVariable errors -ErrorAction SilentlyContinue
            $notWritten = @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'SyncCaptureManifestNotWritten*' })
            $notWritten.Count | Should -Be 1
            $notWritten[0].CategoryInfo.Category | Should -Be 'WriteError'
            $notWritten[0].TargetObject | Should -Be (Resolve-Path -LiteralPath $path).ProviderPath
            $notWritten[0].Exception.Message | Should -BeLike "*$path*take.json*"
        }
        finally { $job | Remove-Job -Force }
    }

    It 'reports a name without wildcards that matches no take' {
        $err = { Stop-SyncCapture -Name no-such-take -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SyncCaptureNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Trigger modes' -Tag CI {
    BeforeAll {
        # -Verbose goes to the output stream (4>&1) so the test can read what the user sees.
        $script:Out = Get-SyncCamera -Simulated 2 |
            Start-SyncCapture -FrameRate 25 -FrameCount 25 -Lead 1 -Path (NewTakePath 'default-mode') -Wait -Verbose 4>&1
        $script:Default = $Out | Where-Object { $_ -is [PsCamSync.Commands.SyncTakeResult] }
        $script:Software = Get-SyncCamera -Simulated 2 |
            Start-SyncCapture -TriggerMode Software -FrameRate 25 -FrameCount 25 -Lead 1 -Path (NewTakePath 'software-mode') -Wait
    }

    It 'uses the best mode every camera supports, and says which and why' {
        $Default.TriggerMode | Should -Be 'Action'
        $Default.Captured | Should -Be 50
        $verbose = @($Out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $mode = @($verbose | Where-Object { $_ -like 'Trigger mode *' })
        $mode.Count | Should -Be 1
        $mode[0] | Should -BeLike 'Trigger mode Action: the best mode every camera supports: not ScheduledAction: camera ''sim-0'' is not ready: its PTP port is Disabled, not Slave*'
    }

    It 'records the mode asked for, in the take, the result and the report' {
        $Software.TriggerMode | Should -Be 'Software'
        $Software.Captured | Should -Be 50
        $manifest = Get-Content (Join-Path $Software.TakePath 'take.json') -Raw | ConvertFrom-Json
        $manifest.TriggerMode | Should -Be 'Software'
        $manifest.TriggerModeNote | Should -Be 'asked for'
        ($Software, $Default | Measure-SyncTake).TriggerMode | Should -Be @('Software', 'Action')
    }

    It 'records the action keys and every camera''s acknowledgements' {
        $manifest = Get-Content (Join-Path $Default.TakePath 'take.json') -Raw | ConvertFrom-Json
        $manifest.Actions.Destination | Should -Be '127.255.255.255:3956'
        $manifest.Actions.DeviceKey | Should -Match '^0x[0-9A-F]{8}$'
        $manifest.Actions.Sent | Should -Be 25
        $manifest.Cameras.ActionAcks.Acknowledged | Should -Be @(25, 25)
    }

    It 'shows the mode in the result table and the report table' {
        ($Default | Format-Table | Out-String) | Should -Match 'Trigger'
        ($Default | Format-Table | Out-String) | Should -Match 'Action'
        ($Default | Measure-SyncTake | Format-Table | Out-String) | Should -Match 'Action'
    }

    It 'completes -TriggerMode and -ActionInterface' {
        $modes = (TabExpansion2 -inputScript 'Start-SyncCapture -TriggerMode Sch' -cursorColumn 34).CompletionMatches.CompletionText
        $modes | Should -Contain 'ScheduledAction'
        $nics = (TabExpansion2 -inputScript 'Start-SyncCapture -ActionInterface l' -cursorColumn 36).CompletionMatches.CompletionText
        $nics | Should -Contain 'lo'
    }

    It 'has help for both parameters' {
        (Get-Help Start-SyncCapture -Parameter TriggerMode).description.Text | Should -BeLike '*ScheduledAction*'
        (Get-Help Start-SyncCapture -Parameter ActionInterface).description.Text | Should -BeLike '*broadcast*'
    }
}

Describe 'Bad input names the parameter' -Tag CI {
    It '<Parameter>: <Case>' -ForEach @(
        @{ Case = 'zero rate'; Parameter = 'FrameRate'; Arguments = @{ FrameRate = 0; FrameCount = 10 } }
        @{ Case = 'rate and period'; Parameter = 'Period'; Arguments = @{ FrameRate = 60; Period = 0.02; FrameCount = 10 } }
        @{ Case = 'no rate'; Parameter = 'FrameRate'; Arguments = @{ FrameCount = 10 } }
        @{ Case = 'duration and frame count'; Parameter = 'FrameCount'; Arguments = @{ FrameRate = 60; Duration = 1; FrameCount = 10 } }
        @{ Case = 'no length'; Parameter = 'Duration'; Arguments = @{ FrameRate = 60 } }
        @{ Case = 'start and lead'; Parameter = 'Lead'; Arguments = @{ FrameRate = 60; FrameCount = 10; StartTime = [DateTimeOffset]::UtcNow.AddSeconds(5); Lead = 1 } }
        @{ Case = 'take already over'; Parameter = 'StartTime'; Arguments = @{ FrameRate = 60; FrameCount = 10; StartTime = [DateTimeOffset]::UtcNow.AddHours(-1) } }
        @{ Case = 'no buffer memory'; Parameter = 'BufferMemory'; Arguments = @{ FrameRate = 60; FrameCount = 10; BufferMemory = 0 } }
        @{ Case = 'exposure longer than a frame'; Parameter = 'Exposure'; Arguments = @{ FrameRate = 100; FrameCount = 10; Exposure = 20000 } }
        @{ Case = 'camera twice'; Parameter = 'CameraId'; Arguments = @{ CameraId = 'sim-0', 'sim-0'; FrameRate = 60; FrameCount = 10 } }
        @{ Case = 'camera scheduler at 60 Hz'; Parameter = 'TriggerMode'; Arguments = @{ FrameRate = 60; FrameCount = 10; TriggerMode = 'CameraScheduler' } }
        @{ Case = 'scheduled actions without PTP'; Parameter = 'TriggerMode'; Arguments = @{ FrameRate = 50; FrameCount = 10; TriggerMode = 'ScheduledAction' } }
        @{ Case = 'no such interface'; Parameter = 'ActionInterface'; Arguments = @{ FrameRate = 50; FrameCount = 10; TriggerMode = 'Action'; ActionInterface = 'nosuch0' } }
    ) {
        $path = NewTakePath 'bad'
        # PowerShell names ignore case: $Arguments (the case's data) and a local $arguments would be one variable.
        $splat = @{ CameraId = 'sim-0'; Path = $path }
        foreach ($key in $Arguments.Keys) { $splat[$key] = $Arguments[$key] }
        $err = { Start-SyncCapture @splat -Wait -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.ParameterName | Should -Be $Parameter
        $err.Exception.Message | Should -BeLike "*-$Parameter*"
        $path | Should -Not -Exist
    }

    It 'refuses a take folder that exists, naming -Path, and leaves it alone' {
        $path = NewTakePath 'exists'
        New-Item -ItemType Directory -Path $path | Out-Null
        $err = { Start-SyncCapture -CameraId sim-0 -FrameRate 30 -FrameCount 10 -Path $path -Wait -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.ParameterName | Should -Be 'Path'
        Get-ChildItem -LiteralPath $path | Should -BeNullOrEmpty
    }

    It 'reads -Duration 2 as two seconds' {
        $r = Start-SyncCapture -CameraId sim-0 -FrameRate 10 -Duration 2 -Lead 1 -Path (NewTakePath 'seconds') -Wait
        $r.Expected | Should -Be 20
    }

    It 'reports an unknown camera and starts nothing' {
        $path = NewTakePath 'unknown'
        $err = { Start-SyncCapture -CameraId sim-0, no-such-camera -FrameRate 30 -FrameCount 10 -Path $path -ErrorAction Stop } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $path | Should -Not -Exist
    }

    It 'changes nothing with -WhatIf' {
        $path = NewTakePath 'whatif'
        Start-SyncCapture -CameraId sim-0 -FrameRate 30 -FrameCount 10 -Path $path -WhatIf | Should -BeNullOrEmpty
        $path | Should -Not -Exist
    }
}
