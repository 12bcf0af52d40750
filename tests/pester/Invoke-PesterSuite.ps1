#Requires -Version 7.6
<#
.SYNOPSIS
    Runs every Pester file of the repository in this pwsh and writes the results as NUnit XML.

.DESCRIPTION
    Called by the xunit test PesterSuiteTests (so `dotnet test PsCamSync.sln -m:1` runs it) and usable by hand:

        dotnet build PsCamSync.sln
        dotnet pwsh -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -PesterPath ~/.nuget/packages/pester/5.9.1/tools/Pester.psd1

    Runs tests/pester/*.Tests.ps1. The rig tests (tests/pester/Rig.Tests.ps1) need the three-host SSH rig that
    tests/rig/rig.sh builds; without it ($env:PSCAMSYNC_RIG unset) they skip, except under CI=true where they fail.
    examples/*.Tests.ps1 run from Rig.Tests.ps1 against the rig, in fresh pwsh processes, as a user would run them.
    Exit code: 0 when nothing failed.
#>
param(
    # Pester.psd1 of Pester 5.9.1 (restored by the module test project's PackageDownload).
    [Parameter(Mandatory)] [string] $PesterPath,
    # Where the NUnit XML goes.
    [string] $ResultPath,
    # Pester files to run; default every *.Tests.ps1 beside this script.
    [string[]] $Path
)

$here = Split-Path -Parent $MyInvocation.MyCommand.Path
if (-not $ResultPath) { $ResultPath = Join-Path $here '..' '..' 'TestResults' 'pester' 'pester.xml' }
if (-not $Path) { $Path = @(Join-Path $here '*.Tests.ps1') }

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
# Tests that start a fresh pwsh running Pester (the examples' .Tests.ps1, the README) import it from here.
$env:PSCAMSYNC_PESTER = (Resolve-Path $PesterPath).Path
# The takes these tests start (and every pwsh they start) register in a host folder of their own, not the machine's.
$env:PSCAMSYNC_RUNTIME_DIR = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-$PID"
# What Test-CaptureBudget measures (and Start-SyncCapture reads) is cached in a folder of this run, not the user's ~/.cache.
$env:XDG_CACHE_HOME = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-pester-cache-$PID"
# Plain text from every pwsh these tests start: their output ends up in messages and the NUnit XML.
$env:NO_COLOR = '1'
$configuration = New-PesterConfiguration
$configuration.Run.Path = @(Resolve-Path $Path | ForEach-Object Path)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = [IO.Path]::GetFullPath($ResultPath)
New-Item -ItemType Directory -Force -Path (Split-Path $configuration.TestResult.OutputPath.Value) | Out-Null

$result = Invoke-Pester -Configuration $configuration
Remove-Item -LiteralPath $env:XDG_CACHE_HOME -Recurse -Force -ErrorAction SilentlyContinue
"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped, " +
    "$($result.NotRunCount) not run; containers failed: $($result.FailedContainersCount)"
foreach ($t in $result.Failed) { "FAILED: $($t.ExpandedPath): $($t.ErrorRecord | Select-Object -First 1)" }
foreach ($c in $result.Containers | Where-Object Result -eq 'Failed') {
    if ($c.ErrorRecord) { "FAILED CONTAINER: $($c.Item): $($c.ErrorRecord | Select-Object -First 1)" }
}
exit ([int]($result.Result -ne 'Passed'))
