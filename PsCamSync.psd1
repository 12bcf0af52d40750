# Module manifest for PsCamSync: frame-synchronized capture from many machine-vision cameras on PTP-disciplined
# Linux hosts. Build first (dotnet build PsCamSync.sln puts the binaries in module/bin), then:
#   Import-Module ./PsCamSync.psd1
@{
    RootModule           = 'module/bin/PsCamSync.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '0cc1821f-6169-4e06-9155-f28c0c91853d'
    Author               = 'PsCamSync contributors'
    CompanyName          = 'PsCamSync'
    Copyright            = '(c) PsCamSync contributors.'
    Description          = 'Frame-synchronized video capture from many machine-vision cameras (simulated, GenICam through Aravis) on several Linux hosts whose clocks are disciplined by PTP (linuxptp).'

    # The binaries target .NET 10, which PowerShell 7.6 runs on.
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.6'

    FormatsToProcess     = @('module/PsCamSync.format.ps1xml')
    TypesToProcess       = @('module/PsCamSync.types.ps1xml')

    CmdletsToExport      = @('Get-SyncCamera', 'Start-SyncCapture', 'Get-SyncCapture', 'Wait-SyncCapture', 'Stop-SyncCapture', 'Measure-SyncTake', 'Export-SyncTakeReport', 'Test-PtpSync', 'Get-CameraTimestampDelta',
                             'Test-CaptureBudget', 'Measure-SyncJitter')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()

    PrivateData          = @{
        PSData = @{
            Tags         = @('camera', 'video', 'capture', 'synchronization', 'PTP', 'GenICam', 'GigEVision', 'Linux')
            ReleaseNotes = 'First release: Get-SyncCamera, Start-SyncCapture, Get-SyncCapture, Wait-SyncCapture, Stop-SyncCapture, Measure-SyncTake, Test-PtpSync, Get-CameraTimestampDelta. A take records in a recorder process of its own on its host and outlives the session that started it.'
        }
    }
}
