#Requires -Version 7.6
# The scripts in examples/ run as a user runs them: a fresh pwsh, from the repository. (shoot-readiness.Tests.ps1 and
# install-module.ps1 need hosts: Rig.Tests.ps1 runs them against the SSH rig; the C# runner is a README snippet.)

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
}

Describe 'examples/simulated-take.ps1' -Tag CI {
    It 'records ten seconds at 60 Hz from three simulated cameras and every frame set is complete' {
        $take = Join-Path $TestDrive 'simulated-take'
        $out = (& dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Repo 'examples' 'simulated-take.ps1') -Path $take 2>&1 |
            Out-String -Width 250) -replace '\e\[[0-9;]*[A-Za-z]', ''
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'FrameSets\s+: 600 of 600 complete'
        $out | Should -Match 'MappedDeviceSkew\s+: p50'
        $manifest = Get-Content (Join-Path $take 'take.json') -Raw | ConvertFrom-Json
        $manifest.State | Should -Be 'Completed'
        $manifest.Cameras.Counts.Captured | Should -Be @(600, 600, 600)
    }
}
