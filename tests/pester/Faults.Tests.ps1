#Requires -Version 7.6
# Pester 5 tests of how takes end and of inputs that used to crash or mislead (issue 7, parts 4 and 5). Build first
# (dotnet build PsCamSync.sln), then:
#   Invoke-Pester ./tests/pester/Faults.Tests.ps1 -Output Detailed
# Simulated cameras only. The signal tests start real pwsh processes (the repository's local tool, `dotnet pwsh`) and
# signal them with kill(1); the memory-cgroup test needs root and a cgroup v1 memory controller or cgroup v2 with the
# memory controller: it skips without them, except under CI=true, where it fails.

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $script:Manifest = Join-Path $Repo 'PsCamSync.psd1'
    Import-Module $Manifest -Force
    $script:Takes = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-faults-$([guid]::NewGuid())"
    New-Item -ItemType Directory -Path $Takes | Out-Null
    function script:NewTakePath([string] $name) { Join-Path $Takes "$name-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }

    # A take in a fresh pwsh: Wait (foreground -Wait), Job (waits on its job) or JobThenEnd (the script ends while its
    # job records). The script writes its $PID once the take has started.
    $script:ChildScript = Join-Path $Takes 'child-take.ps1'
    Set-Content -LiteralPath $ChildScript -Value @'
param([string] $Module, [string] $Path, [string] $PidFile, [string] $Mode, [string] $BufferMemory)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$cameras = Get-SyncCamera -Backend Simulated
switch ($Mode) {
    'Wait' {
        Set-Content -LiteralPath $PidFile -Value $PID
        $cameras | Start-SyncCapture -FrameRate 30 -Duration 60 -Lead 1 -Path $Path -Wait -InProcess | Out-Null
    }
    'Job' {
        $job = $cameras | Start-SyncCapture -FrameRate 30 -Duration 60 -Lead 1 -Path $Path -InProcess
        Set-Content -LiteralPath $PidFile -Value $PID
        $job | Wait-Job | Out-Null
    }
    'Recorder' {
        # The default: the take is handed to a recorder process and belongs to the host, not to this pwsh.
        $job = $cameras | Start-SyncCapture -FrameRate 30 -Duration 4 -Lead 1 -Path $Path
        Set-Content -LiteralPath $PidFile -Value $PID
        $job | Wait-Job | Out-Null
    }
    'RecorderThenEnd' {
        $job = $cameras | Start-SyncCapture -FrameRate 30 -Duration 4 -Lead 1 -Path $Path
        Set-Content -LiteralPath $PidFile -Value $PID
        "script ends while job $($job.Id) is $($job.State)"
    }
    'JobThenEnd' {
        $job = $cameras | Start-SyncCapture -FrameRate 30 -Duration 60 -Lead 1 -Path $Path -InProcess
        Set-Content -LiteralPath $PidFile -Value $PID
        while (-not (Test-Path -LiteralPath (Join-Path $Path 'sim-0.frames.csv')) -or
               @(Get-Content -LiteralPath (Join-Path $Path 'sim-0.frames.csv')).Count -lt 40) { Start-Sleep -Milliseconds 100 }
        "script ends while job $($job.Id) is $($job.State)"
    }
    'Memory' {
        Set-Content -LiteralPath $PidFile -Value $PID
        try {
            # A start that fails is a terminating error; faults of a take that ran are not.
            $r = $cameras | Start-SyncCapture -FrameRate 30 -FrameCount 10 -Lead 2 -BufferMemory ([long]$BufferMemory) -Path $Path -Wait -InProcess -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            "STARTED $($r.State) $($r.Captured)"
        }
        catch { "ERROR $($_.FullyQualifiedErrorId) | $($_.TargetObject) | $($_.Exception.Message)" }
    }
}
'@

    # Starts the child take; returns its process objects once the take has written at least $MinRows rows per camera.
    function script:Start-ChildTake([string] $Mode, [string] $Path, [int] $MinRows = 40, [string] $Wrapper) {
        $pidFile = "$Path.pid"
        $out = "$Path.out"
        $arguments = @('pwsh', '-NoProfile', '-NonInteractive', '-File', $ChildScript, '-Module', $Manifest, '-Path', $Path, '-PidFile', $pidFile, '-Mode', $Mode)
        $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -WorkingDirectory $Repo -PassThru `
            -RedirectStandardOutput $out -RedirectStandardError "$Path.err"
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        # Every camera's table counts (lines = header + rows), not only the first: the cameras' writers are not in step.
        $enough = {
            $tables = @(Get-ChildItem -LiteralPath $Path -Filter '*.frames.csv' -ErrorAction SilentlyContinue)
            $tables.Count -gt 0 -and @($tables | Where-Object { @(Get-Content -LiteralPath $_.FullName).Count -le $MinRows }).Count -eq 0
        }
        while (-not ((Test-Path -LiteralPath $pidFile) -and (& $enough))) {
            if ($process.HasExited) { throw "the child pwsh ended before its take had $MinRows rows: $(Get-Content -Raw "$Path.err") $(Get-Content -Raw $out)" }
            if ([DateTime]::UtcNow -gt $deadline) { $process.Kill($true); throw "the child take wrote no $MinRows rows within 60 s" }
            Start-Sleep -Milliseconds 100
        }
        [pscustomobject]@{ Process = $process; Pid = [int](Get-Content -LiteralPath $pidFile -Raw); Out = $out; Err = "$Path.err" }
    }

    # Waits for the child pwsh to end (60 s at most) and returns the muxer's exit code.
    function script:Wait-ChildTake($child) {
        if (-not $child.Process.WaitForExit(60000)) { $child.Process.Kill($true); throw "the child pwsh did not end within 60 s" }
        $child.Process.ExitCode
    }

    # Complete frames in a Y4M file of Mono8 frames: (size - header) / ("FRAME\n" + plane), rounded down.
    function script:Get-Y4mFrameCount([string] $File, [long] $FrameBytes) {
        $stream = [IO.File]::OpenRead($File)
        try {
            $header = 0
            while ($stream.ReadByte() -notin 10, -1) { $header++ }
            [long][math]::Floor(($stream.Length - $header - 1) / (6 + $FrameBytes))
        }
        finally { $stream.Dispose() }
    }

    # Per camera: rows, rows with a video frame, complete video frames.
    function script:Get-TakeFiles([string] $Path) {
        $m = Get-Content -LiteralPath (Join-Path $Path 'take.json') -Raw | ConvertFrom-Json
        foreach ($c in $m.Cameras) {
            $c.PixelFormat | Should -Be 'Mono8'
            $rows = @(Import-Csv -LiteralPath (Join-Path $Path $c.FramesFile))
            [pscustomobject]@{
                Camera = $c.Id
                Counts = $c.Counts
                Rows = $rows.Count
                Captured = @($rows | Where-Object status -EQ 'Captured').Count
                WithVideo = @($rows | Where-Object { [long]$_.video_frame -ge 0 }).Count
                Video = Get-Y4mFrameCount (Join-Path $Path $c.VideoFile) ([long]$c.Width * $c.Height)
            }
        }
    }

    function script:VmLckKb { [long]((Get-Content /proc/self/status | Where-Object { $_ -like 'VmLck:*' }) -replace '\D', '') }
}

AfterAll {
    Get-Job | Where-Object PSJobTypeName -EQ 'SyncCaptureJob' | Remove-Job -Force
    Remove-Item -LiteralPath $Takes -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A take in its recorder goes on when the pwsh that started it ends' -Tag CI {
    It 'on <How>: the take completes with every slot accounted for, and any session receives its result' -ForEach @(
        @{ How = 'TERM of the pwsh'; Mode = 'Recorder'; Signal = 'TERM' }
        @{ How = 'HUP of the pwsh'; Mode = 'Recorder'; Signal = 'HUP' }
        @{ How = 'KILL of the pwsh'; Mode = 'Recorder'; Signal = 'KILL' }
        @{ How = 'the end of its script'; Mode = 'RecorderThenEnd'; Signal = $null; MinRows = 0 }
    ) {
        $path = NewTakePath 'outlive'
        # The script that ends at once is gone before T0: its take has no rows yet when its pwsh ends.
        $child = Start-ChildTake -Mode $Mode -Path $path -MinRows ($MinRows ?? 5)
        if ($Signal) { & kill -s $Signal $child.Pid }
        Wait-ChildTake $child | Out-Null
        $during = Get-SyncCapture | Where-Object TakePath -EQ $path
        $during.Name | Should -Be (Split-Path $path -Leaf)
        $r = $during | Wait-SyncCapture -Timeout 60 -ErrorAction SilentlyContinue
        $r.State | Should -Be 'Completed'
        $r.EndFrameIndex | Should -Be 120
        $r.Expected | Should -Be 360
        # Late slots of a loaded machine (TriggerLate) are accounted for; anything else lost is a failure.
        $r.Lost | Should -Be ($r.Manifest.Cameras | ForEach-Object { $_.Counts.TriggerLate } | Measure-Object -Sum).Sum
        $r.Lost | Should -BeLessOrEqual 3
        foreach ($f in Get-TakeFiles $path) { $f.Rows | Should -Be 120; $f.Video | Should -Be $f.WithVideo }
    }
}

Describe 'A pwsh that is told to end finalises its -InProcess takes' -Tag CI {
    It 'on <Signal> of a <Mode> take: take.json is Stopped, counts add up, rows = counts, video frames = rows with pixels' -ForEach @(
        @{ Signal = 'TERM'; Mode = 'Wait' }
        @{ Signal = 'HUP'; Mode = 'Job' }
        @{ Signal = 'TERM'; Mode = 'Job' }
    ) {
        $path = NewTakePath "sig$Signal"
        $child = Start-ChildTake -Mode $Mode -Path $path
        & kill -s $Signal $child.Pid
        $exit = Wait-ChildTake $child
        $exit | Should -Not -Be 0 -Because "the signal's default outcome still ends the process"
        $m = Get-Content -LiteralPath (Join-Path $path 'take.json') -Raw | ConvertFrom-Json
        $m.State | Should -Be 'Stopped'
        $m.StopReason | Should -Match "^SIG$Signal"
        # Late slots of a loaded machine (TriggerLate) are the only faults allowed: they are accounted for.
        $m.Faults | Where-Object { -not ($_.Source -eq 'Trigger' -and $_.Message -match 'TriggerLate') } | Should -BeNullOrEmpty
        $expected = $m.EndFrameIndex - $m.FirstFrameIndex
        $expected | Should -BeGreaterOrEqual 40
        foreach ($f in Get-TakeFiles $path) {
            $f.Counts.Expected | Should -Be $expected
            $f.Counts.Accounted | Should -Be $expected
            $f.Rows | Should -Be $expected
            $f.Captured | Should -Be $f.Counts.Captured
            $f.Video | Should -Be ($f.Counts.Captured + $f.Counts.Incomplete)
            $f.Video | Should -Be $f.WithVideo
            Write-Host "  SIG$Signal ($Mode): $($f.Camera): $($f.Rows) rows, $($f.Video) video frames, Captured $($f.Counts.Captured) of $expected"
        }
    }

    It 'when a pwsh -File script ends while its take job records: the take is Stopped and complete' {
        $path = NewTakePath 'scriptend'
        $child = Start-ChildTake -Mode JobThenEnd -Path $path -MinRows 1
        Wait-ChildTake $child | Should -Be 0
        Get-Content -LiteralPath $child.Out -Raw | Should -Match 'script ends while job \d+ is Running'
        $m = Get-Content -LiteralPath (Join-Path $path 'take.json') -Raw | ConvertFrom-Json
        $m.State | Should -Be 'Stopped'
        $m.StopReason | Should -Not -BeNullOrEmpty
        $expected = $m.EndFrameIndex - $m.FirstFrameIndex
        $expected | Should -BeGreaterThan 40
        foreach ($f in Get-TakeFiles $path) {
            $f.Counts.Accounted | Should -Be $expected
            $f.Rows | Should -Be $expected
            $f.Video | Should -Be ($f.Counts.Captured + $f.Counts.Incomplete)
        }
    }
}

Describe 'A take killed with SIGKILL' -Tag CI {
    BeforeAll {
        $script:KilledPath = NewTakePath 'sigkill'
        $child = Start-ChildTake -Mode Wait -Path $KilledPath -MinRows 60
        & kill -s KILL $child.Pid
        Wait-ChildTake $child | Out-Null
        $script:Files = @(Get-TakeFiles $KilledPath)
        $script:Report = Measure-SyncTake $KilledPath -WarningVariable w -WarningAction SilentlyContinue
        $script:Warnings = $w
    }

    It 'leaves the frames table behind the video by at most one frame (the README''s bound)' {
        foreach ($f in $Files) {
            Write-Host "  SIGKILL: $($f.Camera): $($f.Rows) rows ($($f.WithVideo) with video), $($f.Video) complete video frames: table behind by $($f.Video - $f.WithVideo)"
            ($f.Video - $f.WithVideo) | Should -BeIn 0, 1
            $f.Rows | Should -BeGreaterOrEqual 60 # the child was killed once every table had 60 rows
        }
    }

    It 'is reported Crashed by Measure-SyncTake, with a warning and counts rebuilt from the rows' {
        $Report.State | Should -Be 'Crashed'
        @($Warnings).Count | Should -Be 1
        "$($Warnings[0])" | Should -Match 'crashed'
        $Report.Faults -join "`n" | Should -Match 'the take crashed: .*recorder \(process \d+ on .+\) is gone'
        foreach ($f in $Files) {
            $camera = $Report.Cameras | Where-Object CameraId -EQ $f.Camera
            $camera.Captured | Should -Be $f.Captured
            $camera.Expected | Should -BeGreaterOrEqual $f.Rows
            $camera.Expected | Should -BeLessOrEqual ($f.Rows + 1) # a camera may not have written the last fired slot's row
        }
    }

    It 'is told apart from a take still recording in another process' {
        $path = NewTakePath 'alive'
        $child = Start-ChildTake -Mode Wait -Path $path -MinRows 20
        try {
            $report = Measure-SyncTake $path -WarningVariable w -WarningAction SilentlyContinue
            $report.State | Should -Be 'Recording'
            "$($w[0])" | Should -Match 'still in state Recording'
            $report.Faults -join "`n" | Should -Match "still recording \(process $($child.Pid)\)"
        }
        finally {
            & kill -s TERM $child.Pid
            Wait-ChildTake $child | Out-Null
        }
    }
}

Describe 'Stop-SyncCapture -At in the past' -Tag CI {
    It 'warns, stops at the next frame and keeps every fired frame: the take ends Stopped' {
        $path = NewTakePath 'atpast'
        $job = Get-SyncCamera -Backend Simulated | Start-SyncCapture -FrameRate 30 -Duration 20 -Lead 1 -Path $path
        while (@(Get-Content -LiteralPath (Join-Path $path 'sim-0.frames.csv') -ErrorAction SilentlyContinue).Count -lt 30) { Start-Sleep -Milliseconds 100 }
        $result = Stop-SyncCapture -Job $job -At (Get-Date).AddSeconds(-30) -Wait -WarningVariable w -WarningAction SilentlyContinue
        @($w).Count | Should -Be 1
        "$($w[0])" | Should -Match '^-At .* s in the past, so take .* stops at its next frame'
        $result.State | Should -Be 'Stopped'
        $m = Get-Content -LiteralPath (Join-Path $path 'take.json') -Raw | ConvertFrom-Json
        # Late slots of a loaded machine (TriggerLate) are the only faults allowed: they are accounted for.
        $m.Faults | Where-Object { -not ($_.Source -eq 'Trigger' -and $_.Message -match 'TriggerLate') } | Should -BeNullOrEmpty
        $expected = $m.EndFrameIndex - $m.FirstFrameIndex
        $expected | Should -BeGreaterOrEqual 29
        foreach ($f in Get-TakeFiles $path) {
            $f.Counts.Accounted | Should -Be $expected
            $f.Rows | Should -Be $expected
            $f.Captured | Should -Be ($expected - $f.Counts.TriggerLate)
        }
        ($job | Wait-Job).State | Should -Be 'Stopped'
        $job | Remove-Job
    }
}

Describe 'Memory' -Tag CI {
    It 'refuses -BufferMemory 1PB at once, naming -BufferMemory, how much RAM there is and a value to use' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = $null
        try { Start-SyncCapture sim-0 -Backend Simulated -FrameRate 30 -FrameCount 10 -BufferMemory 1PB -Path (NewTakePath 'pb') -Wait -ErrorAction Stop }
        catch { $err = $_ }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $err.FullyQualifiedErrorId | Should -Match '^SyncCaptureArgumentInvalid'
        $err.TargetObject | Should -Be 'BufferMemory'
        $err.Exception.Message | Should -Match '^-BufferMemory: .* do not fit in RAM: this process can get [\d.]+ GiB .* -BufferMemory \d+MB'
    }

    It 'unlocks memory (munlockall) when the last take ends' {
        $before = VmLckKb
        $path = NewTakePath 'lock'
        # -InProcess: the memory locked is this process's own.
        $job = Get-SyncCamera -Backend Simulated | Start-SyncCapture -FrameRate 30 -Duration 1.5 -Lead 1 -Path $path -InProcess
        while (-not (Test-Path -LiteralPath (Join-Path $path 'sim-0.frames.csv'))) { Start-Sleep -Milliseconds 50 }
        $during = VmLckKb
        $job | Wait-Job | Remove-Job
        $after = VmLckKb
        Write-Host "  VmLck: before $before kB, during the take $during kB, after $after kB"
        $during | Should -BeGreaterThan $before -Because 'the take locks memory (mlockall) while it records'
        $after | Should -BeLessOrEqual $before
    }

    It 'refuses -BufferMemory 8GB inside a 3 GB memory cgroup with a clear error, and records with 256MB there' {
        $v1 = '/sys/fs/cgroup/memory'
        $v2 = '/sys/fs/cgroup'
        $root = if (Test-Path "$v1/memory.limit_in_bytes") { $v1 }
                elseif ((Test-Path "$v2/cgroup.controllers") -and (Get-Content "$v2/cgroup.controllers") -match '\bmemory\b') { $v2 }
        $missing = if (-not $IsLinux -or (& id -u) -ne '0') { 'root' } elseif (-not $root) { 'a memory cgroup controller' }
        if ($missing) {
            if ($env:CI -eq 'true') { throw "needs $missing, which this machine lacks (CI=true: not skipped)" }
            Set-ItResult -Skipped -Because "needs $missing"
            return
        }
        $cgroup = Join-Path $root "psc-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory -Path $cgroup | Out-Null
        try {
            if ($root -eq $v1) { Set-Content "$cgroup/memory.limit_in_bytes" '3221225472' } else { Set-Content "$cgroup/memory.max" '3221225472' }
            $outputs = foreach ($buffer in 8GB, 256MB) {
                $path = NewTakePath "cgroup$($buffer / 1MB)m"
                # sh moves itself into the cgroup, then becomes the pwsh: nothing of the take runs outside it.
                $command = "echo `$`$ > '$cgroup/cgroup.procs' && exec dotnet pwsh -NoProfile -NonInteractive -File '$ChildScript' -Module '$Manifest' -Path '$path' -PidFile '$path.pid' -Mode Memory -BufferMemory $buffer > '$path.out' 2> '$path.err'"
                $start = [Diagnostics.ProcessStartInfo]::new('sh')
                $start.ArgumentList.Add('-c')
                $start.ArgumentList.Add($command)
                $start.WorkingDirectory = $Repo
                $p = [Diagnostics.Process]::Start($start)
                if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw 'the pwsh in the cgroup did not end within 120 s' }
                $p.ExitCode | Should -Be 0 -Because "pwsh must not crash (stderr: $(Get-Content -Raw "$path.err"))"
                (Get-Content -Raw "$path.out")
            }
            $outputs[0] | Should -Match 'ERROR SyncCaptureArgumentInvalid.* \| BufferMemory \| -BufferMemory: 8589934592 bytes \(8 GiB\) of frame buffers do not fit in RAM'
            $outputs[0] | Should -Match 'memory cgroup .*psc-[0-9a-f]+: limit 3 GiB'
            $outputs[0] | Should -Match 'e\.g\. -BufferMemory \d+MB'
            $outputs[1] | Should -Match 'STARTED (Completed|Faulted) [1-9]' # it recorded (Faulted only if a slow setup made slots late)
        }
        finally {
            # The processes have ended; the empty cgroup goes with rmdir(2) (its control files go with it).
            for ($i = 0; $i -lt 50 -and (Test-Path $cgroup); $i++) {
                try { [IO.Directory]::Delete($cgroup) } catch { Start-Sleep -Milliseconds 100 }
            }
            if (Test-Path $cgroup) { [IO.Directory]::Delete($cgroup) }
        }
    }
}

Describe 'Inputs that used to mislead' -Tag CI {
    It 'refuses a -Path on a provider other than FileSystem, naming -Path, and writes nothing' {
        Push-Location $Takes
        try {
            $before = @(Get-ChildItem -LiteralPath $Takes).Count
            $err = $null
            try { Start-SyncCapture sim-0 -Backend Simulated -FrameRate 30 -FrameCount 10 -Path 'Variable:\foo' -Wait -ErrorAction Stop }
            catch { $err = $_ }
            $err.TargetObject | Should -Be 'Path'
            $err.Exception.Message | Should -Match "^-Path: 'Variable:\\foo' is on the Variable provider"
            @(Get-ChildItem -LiteralPath $Takes).Count | Should -Be $before
        }
        finally { Pop-Location }
    }

    It 'names -<Parameter> for <Case>' -ForEach @(
        @{ Case = 'a 300-year -Duration'; Parameter = 'Duration'; Arguments = @{ FrameRate = 30; Duration = [timespan]::FromDays(365 * 300) } }
        @{ Case = '-FrameRate 1e-12'; Parameter = 'FrameRate'; Arguments = @{ FrameRate = 1e-12; Duration = 10 } }
        @{ Case = 'a 300-year -Period'; Parameter = 'Period'; Arguments = @{ Period = [timespan]::FromDays(365 * 300); Duration = 10 } }
        @{ Case = '-Period [timespan]::MaxValue'; Parameter = 'Period'; Arguments = @{ Period = [timespan]::MaxValue; FrameCount = 10 } }
        @{ Case = 'a 300-year -Lead'; Parameter = 'Lead'; Arguments = @{ FrameRate = 30; Duration = 10; Lead = [timespan]::FromDays(365 * 300) } }
        @{ Case = '-StartTime in 2300'; Parameter = 'StartTime'; Arguments = @{ FrameRate = 30; Duration = 10; StartTime = [datetimeoffset]'2300-01-01Z' } }
        @{ Case = '-FrameCount [long]::MaxValue'; Parameter = 'FrameCount'; Arguments = @{ FrameRate = 30; FrameCount = [long]::MaxValue } }
        @{ Case = '-BufferMemory [long]::MaxValue'; Parameter = 'BufferMemory'; Arguments = @{ FrameRate = 30; Duration = 10; BufferMemory = [long]::MaxValue } }
        @{ Case = '-Duration 9e15 (seconds beyond a TimeSpan)'; Parameter = 'Duration'; Arguments = @{ FrameRate = 30; Duration = 9e15 } }
        @{ Case = '-Lead 1e12 (seconds beyond a TimeSpan)'; Parameter = 'Lead'; Arguments = @{ FrameRate = 30; Duration = 10; Lead = 1e12 } }
    ) {
        $err = $null
        try { Start-SyncCapture sim-0 -Backend Simulated @Arguments -Path (NewTakePath 'overflow') -Wait -ErrorAction Stop }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception | Should -Not -BeOfType [OverflowException]
        if ($err.Exception -is [System.Management.Automation.ParameterBindingException]) {
            $err.Exception.ParameterName | Should -Be $Parameter
        }
        else {
            $err.TargetObject | Should -Be $Parameter
            $err.Exception.Message | Should -Match "^-$Parameter`: "
        }
    }

    It 'names -At for a Stop-SyncCapture -At after 2262' {
        $err = $null
        try { Stop-SyncCapture -All -At ([datetimeoffset]::MaxValue) -ErrorAction Stop } catch { $err = $_ }
        $err.TargetObject | Should -Be 'At'
    }

    It 'names the take that holds a camera when a second take asks for it' {
        $path = NewTakePath 'holder'
        $job = Start-SyncCapture sim-1 -Backend Simulated -FrameRate 30 -Duration 30 -Lead 1 -Path $path -Name "holder-$(Get-Random)"
        try {
            $err = $null
            try { Start-SyncCapture sim-1 -Backend Simulated -FrameRate 30 -FrameCount 10 -Path (NewTakePath 'second') -Wait -ErrorAction Stop }
            catch { $err = $_ }
            $err.TargetObject | Should -Be 'CameraId'
            $err.Exception.Message | Should -Match "^-CameraId: camera 'sim-1' is recording in take '$($job.Name)' \(.*holder-"
            $err.Exception.Message | Should -Match "Stop-SyncCapture -Name '$($job.Name)'"
        }
        finally {
            $job | Stop-Job
            $job | Remove-Job
        }
    }
}
