#!/usr/bin/env pwsh
#Requires -Version 7.6
<#
.SYNOPSIS
    Installs the built PsCamSync module on every host of a rig, over the rig's PowerShell sessions.

.DESCRIPTION
    Copies the versioned module folder that `dotnet build PsCamSync.sln` lays out (out/PsCamSync/<version>/) into
    the first folder of each host's $env:PSModulePath (for root on Linux: ~/.local/share/powershell/Modules), with
    Copy-Item -ToSession, then imports it there to prove it loads. Afterwards `Import-Module PsCamSync` works on
    every host. The folder holds managed code only, so the same copy runs on x86_64 PCs and arm64 Raspberry Pis;
    the hosts need PowerShell 7.6 (and libaravis-0.8 for real cameras).

    Writes one object per host: ComputerName, Version, ModuleBase.

.PARAMETER Session
    The hosts' sessions, e.g. New-PSSession -HostName pi-a, pi-b, pi-c.

.PARAMETER ModuleFolder
    The built module folder (default: out/PsCamSync of this checkout).

.EXAMPLE
    $rig = New-PSSession -HostName pi-a, pi-b, pi-c
    ./examples/install-module.ps1 -Session $rig
#>
param(
    [Parameter(Mandatory)] [System.Management.Automation.Runspaces.PSSession[]] $Session,
    [string] $ModuleFolder = (Join-Path $PSScriptRoot '..' 'out' 'PsCamSync')
)

$ErrorActionPreference = 'Stop'
if (-not (Test-Path (Join-Path $ModuleFolder '*' 'PsCamSync.psd1'))) {
    throw "No built module in '$ModuleFolder' (-ModuleFolder): run 'dotnet build PsCamSync.sln' first."
}

foreach ($s in $Session) {
    # The host's own module folder: the first entry of its PSModulePath, created if it does not exist yet.
    $modules = Invoke-Command -Session $s {
        $folder = ($env:PSModulePath -split [IO.Path]::PathSeparator)[0]
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        $folder
    }
    Copy-Item -Path $ModuleFolder -Destination $modules -ToSession $s -Recurse -Force
}

Invoke-Command -Session $Session {
    $m = Import-Module PsCamSync -Force -PassThru
    [pscustomobject]@{ ComputerName = [Environment]::MachineName; Version = $m.Version.ToString(); ModuleBase = $m.ModuleBase }
} | Select-Object ComputerName, Version, ModuleBase
