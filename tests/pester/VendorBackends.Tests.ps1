#Requires -Version 7.6
# Pester 5 tests of the vendor SDK backends (issue 11): Spinnaker (FLIR/Teledyne, libSpinnaker_C.so) and IC4 (The
# Imaging Source, libic4core.so), in real pwsh, through the cmdlets. The SDKs cannot be installed here, so the backends
# load stand-in libraries built with cc from tests/native/<name>/standin.c, which export the SDKs' C symbols with the
# published signatures and struct layouts and behave like cameras. Build first (dotnet build PsCamSync.sln), then:
#   Invoke-Pester ./tests/pester/VendorBackends.Tests.ps1 -Output Detailed

BeforeDiscovery {
    $script:Backends = @(
        # DefaultMode: what a take chooses in a fresh recorder process (PTP not yet enabled there); CameraTimed: the mode
        # that fires on the cameras' PTP clocks, once Test-PtpSync has enabled their PTP in this process.
        @{ Name = 'Spinnaker'; Folder = 'spinnaker'; Variable = 'PSCAMSYNC_SPINNAKER_LIBRARY'; Soname = 'libSpinnaker_C.so'
           DefaultMode = 'Action'; CameraTimed = 'ScheduledAction'
           Missing = 'libSpinnaker_C.so.* not found; install the Spinnaker SDK for Linux arm64/x64' }
        @{ Name = 'IC4'; Folder = 'ic4'; Variable = 'PSCAMSYNC_IC4_LIBRARY'; Soname = 'libic4core.so'
           DefaultMode = 'Software'; CameraTimed = 'CameraScheduler'
           Missing = 'libic4core.so not found; install IC Imaging Control 4 (ic4) for Linux arm64/x64' }
    )
    # Where the real SDK is installed, its absence cannot be shown: those tests skip (no CI machine has the SDKs).
    $script:Installed = @{}
    foreach ($b in $Backends) { $Installed[$b.Name] = [bool](& ldconfig -p 2>$null | Select-String -SimpleMatch $b.Soname) }
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    Import-Module (Join-Path $Repo 'PsCamSync.psd1') -Force
    $script:Temp = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-vendor-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Temp | Out-Null
    $built = & bash (Join-Path $Repo 'tests/native/build-standins.sh') (Join-Path $Temp 'standins') 2>&1
    if ($LASTEXITCODE -ne 0) { throw "building the stand-in libraries failed: $built" }
    $script:StandIn = @{}
    foreach ($line in $built) { $name, $path = "$line" -split ' ', 2; $StandIn[$name] = $path }

    # Runs $command in a fresh pwsh (this module imported) without the stand-in variables, as on a host without the SDKs.
    # Returns its output as objects (JSON in between) and its errors as strings.
    function script:InFreshPwsh([string] $command) {
        $file = Join-Path $Temp "fresh-$([guid]::NewGuid().ToString('N').Substring(0, 8)).ps1"
        Set-Content -Path $file -Value @"
Remove-Item Env:PSCAMSYNC_SPINNAKER_LIBRARY, Env:PSCAMSYNC_IC4_LIBRARY -ErrorAction SilentlyContinue
Import-Module '$Repo/PsCamSync.psd1'
`$out = @(& { $command } 2>&1)
[pscustomobject]@{
    Output = @(`$out | Where-Object { `$_ -isnot [System.Management.Automation.ErrorRecord] })
    Errors = @(`$out | Where-Object { `$_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Category = "`$(`$_.CategoryInfo.Category)"; Message = `$_.Exception.Message } })
} | ConvertTo-Json -Depth 4
"@
        Push-Location $Repo
        try { $json = & dotnet pwsh -NoProfile -NonInteractive -File $file 2>&1 | Out-String }
        finally { Pop-Location }
        if ($LASTEXITCODE -ne 0) { throw "pwsh failed: $json" }
        $json | ConvertFrom-Json
    }
}

AfterAll {
    Remove-Item Env:PSCAMSYNC_SPINNAKER_LIBRARY, Env:PSCAMSYNC_IC4_LIBRARY -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Temp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The <Name> backend without its SDK' -Tag CI -ForEach $Backends {
    It 'imports the module and lists the backend as unavailable, saying what to install' -Skip:($Installed[$Name]) {
        $r = InFreshPwsh "Get-SyncCamera -ListBackend"
        $r.Errors | Should -BeNullOrEmpty
        $row = $r.Output | Where-Object Name -EQ $Name
        $row.Available | Should -BeFalse
        $row.Library | Should -BeNullOrEmpty
        $row.Reason | Should -BeLike "$Missing*"
        ($r.Output | Where-Object Name -EQ 'Simulated').Available | Should -BeTrue
    }

    It 'Get-SyncCamera -Backend <Name> is an error naming -Backend' -Skip:($Installed[$Name]) {
        $r = InFreshPwsh "Get-SyncCamera -Backend $Name"
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].Id | Should -BeLike 'CameraBackendUnavailable,*'
        $r.Errors[0].Category | Should -Be 'ResourceUnavailable'
        $r.Errors[0].Message | Should -BeLike "-Backend ${Name}: the $Name camera backend is not available on this machine: $Missing*"
    }

    It 'Start-SyncCapture -Backend <Name> is an error naming -Backend' -Skip:($Installed[$Name]) {
        $r = InFreshPwsh "Start-SyncCapture -CameraId 12345 -Backend $Name -FrameRate 10 -FrameCount 5 -Path '$Temp/absent-$Name' -Wait"
        $r.Errors | Should -Not -BeNullOrEmpty
        $r.Errors[0].Message | Should -BeLike "*-Backend ${Name}: the $Name camera backend is not available on this machine: $Missing*"
        Join-Path $Temp "absent-$Name" | Should -Not -Exist
    }

    It 'lists cameras of the other backends without a word about <Name> unless asked (verbose only)' {
        $r = InFreshPwsh "Get-SyncCamera -Simulated 1 -Verbose 4>&1 | ForEach-Object { if (`$_ -is [System.Management.Automation.VerboseRecord]) { 'VERBOSE: ' + `$_.Message } else { `$_.Id } }"
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -Contain 'sim-0'
        if (-not $Installed[$Name]) { $r.Output | Where-Object { $_ -like "VERBOSE:*$Name camera backend is not available*" } | Should -Not -BeNullOrEmpty }
    }
}

Describe 'The <Name> backend on its stand-in library' -Tag CI -ForEach $Backends {
    BeforeAll {
        Set-Item "Env:$Variable" $StandIn[$Folder]
        $script:Cameras = @(Get-SyncCamera -Backend $Name)
        $script:TakeRoot = (New-Item -ItemType Directory -Force -Path (Join-Path $Temp $Name)).FullName
    }
    AfterAll { Remove-Item "Env:$Variable" -ErrorAction SilentlyContinue }

    It 'lists the backend as available, from the stand-in' {
        $row = Get-SyncCamera -ListBackend -Backend $Name
        $row.Available | Should -BeTrue
        $row.Library | Should -Be $StandIn[$Folder]
        $row.Reason | Should -BeNullOrEmpty
    }

    It 'lists its cameras with serials and formats' {
        $Cameras.Count | Should -BeGreaterOrEqual 2
        $Cameras.Backend | Select-Object -Unique | Should -Be $Name
        $Cameras | ForEach-Object { $_.Serial | Should -Not -BeNullOrEmpty; $_.Width | Should -BeGreaterThan 0; $_.PixelFormat | Should -Be 'Mono8' }
    }

    It 'Test-PtpSync enables the cameras'' PTP and reads their port state' {
        $r = $Cameras | Test-PtpSync -SocketPath (Join-Path $Temp 'no-ptp4l') -Timeout 5 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $r.Cameras | Should -HaveCount $Cameras.Count
        $r.Cameras.CameraId | Should -Be $Cameras.Id
        $r.Cameras | ForEach-Object { $_.Supported | Should -BeTrue; $_.Enabled | Should -BeTrue; "$($_.PortState)" | Should -Be 'Slave' }
    }

    It 'Get-CameraTimestampDelta latches each camera clock against the host' {
        $d = @($Cameras | Get-CameraTimestampDelta -Samples 5 -Interval 0.01 -SocketPath (Join-Path $Temp 'no-ptp4l') -WarningAction SilentlyContinue)
        $d | Should -HaveCount $Cameras.Count
        $d | ForEach-Object { "$($_.Verdict)" | Should -Be 'Pass'; $_.Samples | Should -Be 5; [math]::Abs($_.DeltaNs) | Should -BeLessThan 50000000 }
    }

    It 'records a take through Start-SyncCapture -Wait: every frame, in the frames table, matched by index' {
        $path = Join-Path $TakeRoot 'wait'
        $result = $Cameras | Start-SyncCapture -FrameRate 20 -FrameCount 40 -Lead 1 -TriggerMode Software -Path $path -Wait -WarningAction SilentlyContinue
        "$($result.State)" | Should -Be 'Completed'
        $result.Expected | Should -Be (40 * $Cameras.Count)
        $result.Captured | Should -Be (40 * $Cameras.Count)
        $report = $result | Measure-SyncTake
        $report.CompleteFrameSets | Should -Be 40
        $report.MatchedBy | Should -Be 'Index'
        ($result | Measure-SyncTake -PerCamera).Captured | Should -Be (@(40) * $Cameras.Count)
        $manifest = Get-Content (Join-Path $result.TakePath 'take.json') -Raw | ConvertFrom-Json
        $manifest.Cameras.Backend | Select-Object -Unique | Should -Be $Name
        # The SDK's frame id and device timestamp are in the frames table.
        $frames = Import-Csv (Join-Path $result.TakePath $manifest.Cameras[0].FramesFile)
        $frames | Should -HaveCount 40
        [long] $frames[1].device_frame_id | Should -BeGreaterThan ([long] $frames[0].device_frame_id)
        [long] $frames[1].device_timestamp_ns | Should -BeGreaterThan ([long] $frames[0].device_timestamp_ns)
    }

    It 'records a take as a job in the best mode its cameras support (<DefaultMode>)' {
        $job = $Cameras | Start-SyncCapture -FrameRate 20 -FrameCount 20 -Lead 1 -Path (Join-Path $TakeRoot 'job') -WarningAction SilentlyContinue
        $job | Wait-Job -Timeout 60 | Out-Null
        "$($job.State)" | Should -Be 'Completed'
        $r = $job | Receive-Job -Wait -AutoRemoveJob
        "$($r.TriggerMode)" | Should -Be $DefaultMode
        $r.Captured | Should -Be (20 * $Cameras.Count)
        ($r | Measure-SyncTake).CompleteFrameSets | Should -Be 20
    }

    It 'records a <CameraTimed> take on the cameras'' PTP clocks once Test-PtpSync has enabled their PTP' {
        # -InProcess: the cameras whose PTP Test-PtpSync enabled above are this process's (each process loads its own SDK).
        $r = $Cameras | Start-SyncCapture -FrameRate 25 -FrameCount 25 -Lead 1 -TriggerMode $CameraTimed -InProcess -Path (Join-Path $TakeRoot 'timed') -Wait -WarningAction SilentlyContinue
        "$($r.State)" | Should -Be 'Completed'
        "$($r.TriggerMode)" | Should -Be $CameraTimed
        $report = $r | Measure-SyncTake
        $report.CompleteFrameSets | Should -Be 25
        $report.MatchedBy | Should -Be 'Index'
        # Both cameras fire on their PTP-locked clocks: mapped onto the shared timeline their exposures line up.
        $report.MappedDeviceSkew.P99Ns | Should -BeLessThan 1000000
    }
}
