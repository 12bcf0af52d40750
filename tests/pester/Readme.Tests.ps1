#Requires -Version 7.6
# Every snippet of README.md runs. Each fenced block is preceded by a marker comment that says how:
#   <!-- snippet: local -->          PowerShell on this machine, cwd = the repository (the local blocks run in
#                                    order, in one fresh pwsh, as a user pasting them into one shell would)
#   <!-- snippet: rig -->            PowerShell on the controller of the three-host SSH rig (pi-a, pi-b, pi-c),
#                                    in order, in one fresh pwsh; needs tests/rig/rig.sh (skips without it, fails
#                                    under CI=true)
#   <!-- snippet: sh -->             bash -e, cwd = the repository
#   <!-- snippet: not run: REASON --> not executed, for the reason given (e.g. the test command itself)
# A block without a marker fails the first test, so no snippet goes untested by accident.

BeforeDiscovery {
    $script:RigMissing = if ($env:PSCAMSYNC_RIG) { $null } elseif ($env:PSCAMSYNC_RIG_MISSING) { $env:PSCAMSYNC_RIG_MISSING } else { 'not started by tests/rig/rig.sh' }
    $script:SkipRig = $RigMissing -and $env:CI -ne 'true'
}

BeforeAll {
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $readme = Get-Content (Join-Path $Repo 'README.md')
    $script:Blocks = [System.Collections.Generic.List[object]]::new()
    $marker = $null
    for ($i = 0; $i -lt $readme.Count; $i++) {
        if ($readme[$i] -match '^\s*<!-- snippet: (.+?) -->\s*$') { $marker = $Matches[1]; continue }
        if ($readme[$i] -match '^\s*```(\w+)\s*$') {
            $language = $Matches[1]; $start = $i + 1
            do { $i++ } while ($i -lt $readme.Count -and $readme[$i] -notmatch '^\s*```\s*$')
            $Blocks.Add([pscustomobject]@{ Line = $start; Language = $language; Marker = $marker; Code = ($readme[$start..($i - 1)] -join "`n") })
            $marker = $null
        }
        elseif ($readme[$i].Trim()) { $marker = $null }   # a marker applies to the block right after it
    }

    # Runs one script in a fresh pwsh (the repository's local tool), cwd = the repository, with the preferences a user
    # has; returns exit code and output. The script fails (exit 1) on any error it wrote except a take's recorded
    # faults (CaptureFault*: a late wake-up on a loaded machine is reported, and the take is still complete), which
    # stay in the output.
    function script:Invoke-Fresh([string] $code, [string] $name) {
        $file = Join-Path $TestDrive "$name.ps1"
        $check = @'

$unexpected = @($Error | Where-Object { "$($_.FullyQualifiedErrorId)" -notlike 'CaptureFault*' })
if ($unexpected) { $unexpected | ForEach-Object { "ERROR: $($_.FullyQualifiedErrorId): $_" }; exit 1 }
'@
        Set-Content -Path $file -Value ($code + $check)
        Push-Location $Repo
        # Colour escapes are dropped: the output goes into failure messages and the NUnit XML.
        try { $out = (& dotnet pwsh -NoProfile -NonInteractive -File $file 2>&1 | Out-String -Width 250) -replace '\e\[[0-9;]*[A-Za-z]', '' }
        finally { Pop-Location }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $out }
    }
    function script:RemoveTakes { Remove-Item -LiteralPath (Join-Path $Repo 'takes') -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'README snippets' -Tag CI {
    It 'every fenced block says how it is tested' {
        $Blocks.Count | Should -BeGreaterThan 5
        $unmarked = @($Blocks | Where-Object { $_.Marker -notmatch '^(local|rig|sh|not run: .{10,})$' })
        $unmarked.Line | Should -BeNullOrEmpty -Because 'each block needs <!-- snippet: local|rig|sh|not run: reason --> right above it'
    }

    It 'the local PowerShell blocks run in one fresh pwsh' {
        $code = ($Blocks | Where-Object Marker -eq 'local' | ForEach-Object Code) -join "`n"
        $code | Should -Not -BeNullOrEmpty
        RemoveTakes
        try {
            $r = Invoke-Fresh $code 'readme-local'
            $r.ExitCode | Should -Be 0 -Because $r.Output
            $r.Output | Should -Match 'Completed'
        }
        finally { RemoveTakes }
    }

    It 'the shell blocks run' {
        RemoveTakes
        try {
            foreach ($b in $Blocks | Where-Object Marker -eq 'sh') {
                Push-Location $Repo
                try { $out = (bash -e -c $b.Code 2>&1 | Out-String) -replace '\e\[[0-9;]*[A-Za-z]', '' }
                finally { Pop-Location }
                $LASTEXITCODE | Should -Be 0 -Because "README line $($b.Line): $out"
            }
        }
        finally { RemoveTakes }
    }

    It 'the rig blocks run on the controller of the three-host rig' -Skip:$SkipRig {
        if ($RigMissing) { throw "the SSH rig did not run: $RigMissing (under CI=true it must)" }
        $code = ($Blocks | Where-Object Marker -eq 'rig' | ForEach-Object Code) -join "`n"
        RemoveTakes
        try {
            # A user has Pester installed; here it comes from the NuGet package the suite runs with.
            $r = Invoke-Fresh ("Import-Module '$env:PSCAMSYNC_PESTER'`n" + $code + "`nGet-PSSession | Remove-PSSession") 'readme-rig'
            $r.ExitCode | Should -Be 0 -Because $r.Output
            $r.Output | Should -Match 'pi-a'
        }
        finally { RemoveTakes }
    }
}
