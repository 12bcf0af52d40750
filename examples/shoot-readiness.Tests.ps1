#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
  Shoot readiness: run before a shoot. Asks every host of the rig, at once, whether its PTP clock and its cameras
  are locked to one grandmaster (Test-PtpSync), and fails with the hints of the host that is not ready.

    $rig = New-PSSession -HostName cam-host-1, cam-host-2, cam-host-3 -UserName root
    $c = New-PesterContainer -Path ./examples/shoot-readiness.Tests.ps1 -Data @{ Session = $rig; MaxOffset = 0.0001 }
    Invoke-Pester -Container $c -Output Detailed

  Parameters (all optional):
    Session     PSSessions of the hosts (default: $global:RigSessions; none = this machine only)
    SocketPath  ptp4l's uds_address on the hosts (default /var/run/ptp4l)
    Timeout     seconds each host waits for convergence (default 45)
    MaxOffset   largest |offsetFromMaster| in seconds (default 0.0001 = 100 us)
    Cameras     $true to also check (and enable PTP on) every camera each host's Get-SyncCamera finds, and then
                measure each camera's timestamp against its host's clock (Get-CameraTimestampDelta)
    Threshold   largest |camera - host| timestamp delta in seconds (default 0.003 = 3 ms)
    Samples     latch rounds per camera for the delta (default 10)
  The module must be installed (or the path in ModulePath importable) on every host.
#>
param(
    [System.Management.Automation.Runspaces.PSSession[]] $Session = $global:RigSessions,
    [string] $SocketPath = '/var/run/ptp4l',
    [double] $Timeout = 45,
    [double] $MaxOffset = 0.0001,
    [bool] $Cameras = $false,
    [double] $Threshold = 0.003,
    [int] $Samples = 10,
    [string] $ModulePath = 'PsCamSync'
)

BeforeAll {
    $check = {
        param($ModulePath, $SocketPath, $Timeout, $MaxOffset, $Cameras, $Threshold, $Samples)
        Import-Module $ModulePath -ErrorAction Stop
        if ($Cameras) {
            $found = @(Get-SyncCamera)
            $found | Test-PtpSync -SocketPath $SocketPath -Timeout $Timeout -MaxOffset $MaxOffset -ErrorAction SilentlyContinue
            # After convergence: what the frames will carry, camera clock against host clock.
            if ($found) {
                $found | Get-CameraTimestampDelta -SocketPath $SocketPath -Threshold $Threshold -Samples $Samples -ErrorAction SilentlyContinue
            }
        } else {
            Test-PtpSync -SocketPath $SocketPath -Timeout $Timeout -MaxOffset $MaxOffset -ErrorAction SilentlyContinue
        }
    }
    $arguments = $ModulePath, $SocketPath, $Timeout, $MaxOffset, $Cameras, $Threshold, $Samples
    # All hosts wait in parallel: the whole check takes one -Timeout, not one per host.
    $all = if ($Session) {
        @(Invoke-Command -Session $Session -ScriptBlock $check -ArgumentList $arguments)
    } else {
        @(& $check @arguments)
    }
    # Deserialized objects keep their type name with a 'Deserialized.' prefix.
    $script:results = @($all | Where-Object { $_.PSObject.TypeNames -match 'PtpSyncResult$' })
    $script:deltas = @($all | Where-Object { $_.PSObject.TypeNames -match 'TimestampDeltaResult$' })
    function script:ExplainDelta($d) {
        if ($d.Verdict -eq 'Error') { return "host $($d.Host), camera $($d.CameraId): could not be measured: $($d.Error)" }
        "host $($d.Host), camera $($d.CameraId): its clock is {0:N3} ms off the host's (max {1:N3} ms over {2} samples, mapping {3}); limit {4:N3} ms. Check that the camera is a PTP slave of the host's grandmaster (Test-PtpSync -Verbose), or that its clock model is used" -f `
            ($d.DeltaNs / 1e6), ($d.MaxAbsDeltaNs / 1e6), $d.Samples, $d.Mapping, ($d.ThresholdNs / 1e6)
    }
    function script:Explain($r) { "host $($r.Host): $($r.Verdict): $(($r.Hints | Select-Object -First 3) -join ' / ')" }
}

Describe 'Shoot readiness' {
    # Each check lists every host that fails it, with that host's hints, so one run names everything to fix.
    It 'every host answered' {
        $expected = if ($Session) { @($Session).Count } else { 1 }
        $script:results.Count | Should -Be $expected -Because "each host writes one Test-PtpSync result; missing: $((@($Session.ComputerName) | Where-Object { $_ -notin $script:results.PSComputerName }) -join ', ')"
    }

    It 'ptp4l is reachable on every host' {
        @($script:results | Where-Object Verdict -eq 'Error' | ForEach-Object { Explain $_ }) | Should -BeNullOrEmpty
    }

    It 'every host (and its cameras) is Ready' {
        $script:results.Count | Should -BeGreaterThan 0
        @($script:results | Where-Object Verdict -ne 'Ready' | ForEach-Object { Explain $_ }) | Should -BeNullOrEmpty
    }

    It 'all hosts follow one grandmaster' {
        $byGm = @($script:results | Where-Object GrandmasterIdentity | Group-Object GrandmasterIdentity)
        $text = ($byGm | ForEach-Object { "$($_.Name) <- $($_.Group.Host -join ', ')" }) -join '; '
        $byGm.Count | Should -Be 1 -Because "grandmasters seen: $text. Put all hosts on one PTP domain and segment"
    }

    It 'exactly one host or an external clock is the grandmaster' {
        $masters = @($script:results | Where-Object Role -eq 'Grandmaster')
        $masters.Count | Should -BeLessOrEqual 1 -Because "hosts claiming grandmaster: $($masters.Host -join ', '). Keep one (lowest priority1), set slaveOnly 1 on the others"
    }

    It 'every offset is within the limit' {
        @($script:results | Where-Object { $_.Verdict -ne 'Error' -and [math]::Abs($_.OffsetFromMasterNs) -gt $MaxOffset * 1e9 } |
            ForEach-Object { "host $($_.Host) is $($_.OffsetFromMasterNs) ns off its master (limit $($MaxOffset * 1e9) ns)" }) | Should -BeNullOrEmpty
    }

    It 'every camera timestamp agrees with its host clock' -Skip:(-not $Cameras) {
        $script:deltas.Count | Should -BeGreaterThan 0 -Because 'each camera of each host gives one delta'
        @($script:deltas | Where-Object Verdict -ne 'Pass' | ForEach-Object { ExplainDelta $_ }) | Should -BeNullOrEmpty
    }
}
