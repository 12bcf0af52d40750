#Requires -Version 7.6
# Pester 5 tests of Export-SyncTakeReport in real pwsh: the charts draw with SkiaSharp, whose native library the module
# loads from its own folder (module/bin/runtimes/<rid>/native), which only a real pwsh process proves. Build first.
# Simulated cameras only.

BeforeAll {
    $script:Repo = Join-Path $PSScriptRoot '..' '..' | Resolve-Path | ForEach-Object Path
    $script:Manifest = Join-Path $Repo 'PsCamSync.psd1'
    Import-Module $Manifest -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) "pscamsync-report-pester-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory -Path $Work | Out-Null
    # One short take of three simulated cameras, reported on by every test below.
    $script:Result = Get-SyncCamera -Simulated 3 |
        Start-SyncCapture -FrameRate 50 -FrameCount 100 -Path (Join-Path $Work 'take') -Wait -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
    $script:Take = $Result.TakePath

    # True when the file starts with the PNG signature.
    function script:IsPng([string] $path) {
        $bytes = [IO.File]::ReadAllBytes($path)
        $bytes.Length -gt 8 -and [BitConverter]::ToString($bytes, 0, 8) -eq '89-50-4E-47-0D-0A-1A-0A'
    }
}

AfterAll {
    Remove-Module PsCamSync -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Export-SyncTakeReport' -Tag CI {
    It 'recorded the take to report on' {
        $Take | Should -Not -BeNullOrEmpty
        Join-Path $Take 'take.json' | Should -Exist
    }

    It 'writes index.html and each chart as PNG and SVG into the take''s report folder, and nothing to the pipeline' {
        $out = $Result | Export-SyncTakeReport
        $out | Should -BeNullOrEmpty
        $report = Join-Path $Take 'report'
        Join-Path $report 'index.html' | Should -Exist
        # Skew, histogram, then exposure and interval for each of the three cameras.
        @(Get-ChildItem $report -Filter *.png) | Should -HaveCount 8
        @(Get-ChildItem $report -Filter *.svg) | Should -HaveCount 8
        Get-ChildItem $report -Filter *.png | ForEach-Object { IsPng $_.FullName | Should -BeTrue -Because $_.Name }
        Get-ChildItem $report -Filter *.svg | ForEach-Object { ([xml](Get-Content -Raw $_.FullName)).DocumentElement.LocalName | Should -Be 'svg' }
        $html = Get-Content -Raw (Join-Path $report 'index.html')
        ([regex]::Matches($html, '<img src="data:image/png;base64,')).Count | Should -Be 8
        $html | Should -Match ([regex]::Escape("<h1>Take $($Result.Name)</h1>"))
    }

    It '-PassThru writes FileInfo objects, index.html first, and -OutputPath chooses the folder' {
        $folder = Join-Path $Work 'passthru'
        $files = Export-SyncTakeReport -Path $Take -OutputPath $folder -PassThru
        $files | Should -HaveCount 17
        $files | ForEach-Object { $_ | Should -BeOfType [IO.FileInfo]; $_.FullName | Should -Exist; $_.DirectoryName | Should -Be $folder }
        $files[0].Name | Should -Be 'index.html'
        $files | Where-Object Extension -EQ '.png' | ForEach-Object { IsPng $_.FullName | Should -BeTrue }
    }

    It 'takes <Name> from the pipeline' -ForEach @(
        @{ Name = 'a DirectoryInfo'; Source = { Get-Item $Take } }
        @{ Name = 'a take.json FileInfo'; Source = { Get-Item (Join-Path $Take 'take.json') } }
        @{ Name = 'a TakeReport of Measure-SyncTake'; Source = { Measure-SyncTake -Path $Take } }
        @{ Name = 'a deserialized SyncTakeResult (as after Invoke-Command)'; Source = { [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize($Result)) } }
    ) {
        $folder = Join-Path $Work ([guid]::NewGuid().ToString('N'))
        $files = & $Source | Export-SyncTakeReport -OutputPath $folder -PassThru
        $files[0].FullName | Should -Be (Join-Path $folder 'index.html')
        Get-Content -Raw $files[0].FullName | Should -Match 'Counts per camera'
    }

    It 'makes one report of several hosts'' folders piped together, and of a combined TakeReport' {
        # A second host's folder of the same take: the same take.json and frames under another host name.
        $second = Join-Path $Work 'host-b'
        Copy-Item -Recurse -LiteralPath $Take -Destination $second
        Remove-Item -Recurse -LiteralPath (Join-Path $second 'report') -ErrorAction SilentlyContinue
        $json = Get-Content -Raw (Join-Path $second 'take.json') | ConvertFrom-Json -AsHashtable
        $json.Host = 'host-b'
        $json | ConvertTo-Json -Depth 20 | Set-Content (Join-Path $second 'take.json')
        foreach ($source in @({ Get-Item $Take, $second }, { Measure-SyncTake -Path $Take, $second -Combine })) {
            $folder = Join-Path $Work ([guid]::NewGuid().ToString('N'))
            $files = & $source | Export-SyncTakeReport -OutputPath $folder -PassThru
            $files | Should -HaveCount (1 + 2 * (2 + 2 * 6))
            $html = Get-Content -Raw $files[0].FullName
            $html | Should -Match 'host-b/sim-2'
            $html | Should -Match ([regex]::Escape("$((Get-Content -Raw (Join-Path $Take 'take.json') | ConvertFrom-Json).Host)/sim-0"))
        }
    }

    It '-WhatIf writes nothing' {
        $folder = Join-Path $Work 'whatif'
        Export-SyncTakeReport -Path $Take -OutputPath $folder -WhatIf | Should -BeNullOrEmpty
        $folder | Should -Not -Exist
    }

    It 'stops with an error naming -Path for a folder that is not a take' {
        $empty = New-Item -ItemType Directory -Path (Join-Path $Work 'not-a-take')
        $e = { Export-SyncTakeReport -Path $empty.FullName -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "-Path: '*not-a-take' is not a take folder*take.json*"
        $e.FullyQualifiedErrorId | Should -Be 'SyncTakeReportNotATake,PsCamSync.Commands.ExportSyncTakeReportCommand'
        Join-Path $empty.FullName 'report' | Should -Not -Exist
    }

    It 'stops with an error naming -OutputPath for a folder outside the file system' {
        $e = { Export-SyncTakeReport -Path $Take -OutputPath Variable:\report -ErrorAction Stop } | Should -Throw -PassThru
        $e.Exception.Message | Should -BeLike "-OutputPath: 'Variable:\report' is on the Variable provider*-OutputPath ./scene1-report*"
        $e.FullyQualifiedErrorId | Should -Be 'SyncTakeReportOutputPathInvalid,PsCamSync.Commands.ExportSyncTakeReportCommand'
    }

    It 'reports a path that does not exist' {
        Export-SyncTakeReport -Path (Join-Path $Work 'nothing-here') -ErrorVariable e -ErrorAction SilentlyContinue
        $e.FullyQualifiedErrorId | Should -Contain 'SyncTakePathNotFound,PsCamSync.Commands.ExportSyncTakeReportCommand'
    }
}

Describe 'The installed module folder (out/PsCamSync/<version>)' -Tag CI {
    BeforeAll {
        $version = (Import-PowerShellDataFile $Manifest).ModuleVersion
        $script:Installed = Join-Path $Repo 'out' 'PsCamSync' $version
    }

    It 'ships libSkiaSharp.so and libHarfBuzzSharp.so for <_>' -ForEach @('linux-x64', 'linux-arm64') {
        foreach ($library in 'libSkiaSharp.so', 'libHarfBuzzSharp.so') {
            Join-Path $Installed 'module' 'bin' 'runtimes' $_ 'native' $library | Should -Exist
        }
    }

    It 'draws a report in a fresh pwsh that imports it from there, loading libSkiaSharp.so from the module folder' {
        $rid = if ([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'Arm64') { 'linux-arm64' } else { 'linux-x64' }
        $folder = Join-Path $Work 'installed'
        $script = Join-Path $Work 'installed.ps1'
        $outFile = Join-Path $Work 'installed.json'
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Join-Path $Installed 'PsCamSync.psd1')'
`$files = Export-SyncTakeReport -Path '$Take' -OutputPath '$folder' -PassThru
[pscustomobject]@{
    ModuleBase = (Get-Module PsCamSync).ModuleBase
    Files      = @(`$files.Name)
    Skia       = @(Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libSkiaSharp' } | ForEach-Object { (`$_ -split '\s+', 6)[5] } | Select-Object -Unique)
} | ConvertTo-Json | Set-Content '$outFile'
"@ | Set-Content $script
        $process = Start-Process -FilePath dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $script -WorkingDirectory $Repo `
            -RedirectStandardOutput "$script.out" -RedirectStandardError "$script.err" -PassThru
        try {
            $process.WaitForExit(180000) | Should -BeTrue -Because 'the child pwsh should finish within 180 s'
        }
        finally {
            if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force }
        }
        $process.ExitCode | Should -Be 0 -Because (Get-Content -Raw "$script.err")
        $child = Get-Content -Raw $outFile | ConvertFrom-Json
        $child.ModuleBase | Should -Be $Installed
        $child.Files[0] | Should -Be 'index.html'
        $child.Files | Should -HaveCount 17
        $child.Skia | Should -Be (Join-Path $Installed 'module' 'bin' 'runtimes' $rid 'native' 'libSkiaSharp.so')
    }
}
