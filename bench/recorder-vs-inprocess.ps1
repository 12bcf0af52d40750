#Requires -Version 7.6
<#
.SYNOPSIS
    Benchmark: a take handed to a recorder process against the same take recorded inside this pwsh (-InProcess),
    measured in one run, interleaved, and printed as ratios.

.DESCRIPTION
    For each mode, -Repeat takes of -Cameras simulated cameras at -FrameRate for -Duration s, started as a job (what a
    user does). Per take it reads:
      start      from the Start-SyncCapture call to its return (the job is there), ms
      ready      from the call to the trigger thread's ReadyNs in take.json (the take can fire), ms
      wake p50/p99/max, µs, and the slots lost (TriggerLate + TriggerMissed + Dropped) from take.json
    and prints the median of each mode and recorder / in-process ratios. While each take records, a busy loop in this
    pwsh (a script block allocating strings) plays "other runspaces' work", which pauses an in-process trigger thread.

        dotnet build PsCamSync.sln
        dotnet pwsh -NoProfile -File bench/recorder-vs-inprocess.ps1 [-Repeat 4] [-Duration 5] [-FrameRate 60]
#>
param(
    [int] $Repeat = 4,
    [double] $Duration = 5,
    [double] $FrameRate = 60,
    [int] $Cameras = 2,
    [switch] $NoLoad
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
Import-Module (Join-Path $repo 'PsCamSync.psd1') -Force
$work = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-bench-rec-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$env:PSCAMSYNC_RUNTIME_DIR = Join-Path $work 'host'
$ids = 0..($Cameras - 1) | ForEach-Object { "sim-$_" }

function NsNow { [long](([DateTimeOffset]::UtcNow - [DateTimeOffset]::UnixEpoch).Ticks * 100) }
function Median([double[]] $v) { $s = $v | Sort-Object; if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

$rows = foreach ($i in 1..$Repeat) {
    foreach ($mode in 'InProcess', 'Recorder') {
        $path = Join-Path $work "$mode-$i"
        $extra = @{ InProcess = ($mode -eq 'InProcess') }
        $callNs = NsNow
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $job = Start-SyncCapture -CameraId $ids -Backend Simulated -FrameRate $FrameRate -Duration $Duration -Lead 1.5 -Path $path @extra -WarningAction SilentlyContinue
        $startMs = $watch.Elapsed.TotalMilliseconds
        if (-not $NoLoad) {
            # Work in this pwsh while the take records: what another runspace or the pipeline does in a real session.
            $until = [DateTime]::UtcNow.AddSeconds($Duration + 1.5)
            while ([DateTime]::UtcNow -lt $until) { $null = 1..2000 | ForEach-Object { "x$_" } }
        }
        $null = $job | Wait-Job
        $job | Remove-Job -Force
        $m = Get-Content (Join-Path $path 'take.json') -Raw | ConvertFrom-Json
        $lost = ($m.Cameras | ForEach-Object { $_.Counts.TriggerLate + $_.Counts.TriggerMissed + $_.Counts.Dropped } | Measure-Object -Sum).Sum
        [pscustomobject]@{
            Mode = $mode; Run = $i; StartMs = [math]::Round($startMs, 1)
            ReadyMs = [math]::Round(([long]$m.TriggerThread.ReadyNs - $callNs) / 1e6, 1)
            WakeP50Us = $m.TriggerThread.WakeErrorP50Us; WakeP99Us = $m.TriggerThread.WakeErrorP99Us; WakeMaxUs = $m.TriggerThread.WakeErrorMaxUs
            Lost = $lost; Expected = ($m.Cameras | ForEach-Object { $_.Counts.Expected } | Measure-Object -Sum).Sum
            Fifo = $m.TriggerThread.FifoPriority
        }
        Remove-Item -Recurse -Force $path
    }
}
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$summary = foreach ($mode in 'InProcess', 'Recorder') {
    $r = @($rows | Where-Object Mode -EQ $mode)
    [pscustomobject]@{
        Mode = $mode; Takes = $r.Count
        StartMs = Median $r.StartMs; ReadyMs = Median $r.ReadyMs
        WakeP99Us = Median $r.WakeP99Us; WakeMaxUs = Median $r.WakeMaxUs; WorstMaxUs = ($r.WakeMaxUs | Measure-Object -Maximum).Maximum
        Lost = "$(($r.Lost | Measure-Object -Sum).Sum) of $(($r.Expected | Measure-Object -Sum).Sum)"
    }
}
$summary | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
$in = $summary[0]; $rec = $summary[1]
'ratios recorder / in-process (medians): start {0:0.00}, ready {1:0.00}, wake p99 {2:0.00}, wake max {3:0.00}{4}' -f
    ($rec.StartMs / $in.StartMs), ($rec.ReadyMs / $in.ReadyMs), ($rec.WakeP99Us / $in.WakeP99Us), ($rec.WakeMaxUs / $in.WakeMaxUs),
    $(if ($NoLoad) { ' (no load in pwsh)' } else { ' (with a busy loop in pwsh during each take)' }) | Write-Host
Remove-Item -Recurse -Force $work
