// The PowerShell surface of PsCamSync: one sealed VerbNounCommand per file beside this one, their shared base
// (PsCamSyncCmdlet), the capture job (Jobs/), argument completers (Completion/) and the output types. Logic lives in
// PsCamSync.Core; these classes bind parameters, call the core and write its results and errors.
[assembly: System.CLSCompliant(false)]
