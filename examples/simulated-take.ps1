#!/usr/bin/env pwsh
#Requires -Version 7.6
<#
.SYNOPSIS
    Records ten seconds at 60 Hz from three simulated cameras and measures the take.

.DESCRIPTION
    The smallest complete PsCamSync take: no camera hardware and no PTP daemon are needed. Build the module first
    (dotnet build PsCamSync.sln). The take folder is written under -Path and kept, so you can look at take.json, the
    frames tables and the videos afterwards.

.PARAMETER Path
    Take folder to create. Default: a new timestamped folder in the system's temporary folder.

.EXAMPLE
    ./examples/simulated-take.ps1
#>
param(
    [string] $Path = (Join-Path ([IO.Path]::GetTempPath()) "simulated-take-$(Get-Date -Format yyyyMMdd-HHmmss)")
)

$ErrorActionPreference = 'Stop'

# Load the module from this checkout.
Import-Module (Join-Path $PSScriptRoot '..' 'PsCamSync.psd1') -Force

# Three simulated cameras: sim-0, sim-1 and sim-2.
$cameras = Get-SyncCamera -Backend Simulated -Simulated 3
$cameras | Format-Table

# Ten seconds at 60 Hz: 600 frames per camera. Frame 0 is due two seconds from now (the default -Lead), and frame n
# of every camera is triggered at T0 + n / 60 s. -Wait records in the foreground with a progress bar.
# A fault the take records (a late wake-up on a busy machine, say) is shown as an error but does not end this script:
# the take keeps every frame captured, and the measurement below says what it cost.
$take = $cameras | Start-SyncCapture -FrameRate 60 -Duration 10 -Path $Path -Name simulated-take -Wait -ErrorAction Continue
$take | Format-Table

# Every one of the 600 frame sets should be complete; the list view shows the skew of trigger and device times.
$take | Measure-SyncTake | Format-List

# The same, camera by camera: counts, frame interval and the camera clock's offset from the schedule.
$take | Measure-SyncTake -PerCamera
