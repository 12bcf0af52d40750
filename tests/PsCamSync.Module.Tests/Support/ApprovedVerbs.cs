namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// The approved verbs of PowerShell 7 (Get-Verb), by group, embedded so the check needs no PowerShell.
/// </summary>
public static class ApprovedVerbs
{
    /// <summary>Every approved verb.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        // Common
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New",
        "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set",
        "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        // Communications
        "Connect", "Disconnect", "Read", "Receive", "Send", "Write",
        // Data
        "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit",
        "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore",
        "Save", "Sync", "Unpublish", "Update",
        // Diagnostic
        "Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace",
        // Lifecycle
        "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install", "Invoke",
        "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait",
        // Security
        "Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect",
        // Other
        "Use",
    };

    /// <summary>Verbs whose cmdlets change state and therefore must support -WhatIf/-Confirm.</summary>
    public static readonly IReadOnlySet<string> ChangeState = new HashSet<string>(StringComparer.Ordinal)
    {
        "Add", "Clear", "Copy", "Move", "New", "Remove", "Rename", "Reset", "Set", "Lock", "Unlock",
        "Dismount", "Mount", "Publish", "Unpublish", "Restore", "Update", "Initialize",
        "Deploy", "Disable", "Enable", "Install", "Uninstall", "Register", "Unregister", "Restart", "Resume", "Start",
        "Stop", "Suspend", "Block", "Unblock", "Grant", "Revoke", "Protect", "Unprotect",
    };

    /// <summary>Verbs that only look: their cmdlets must not ask for confirmation.</summary>
    public static readonly IReadOnlySet<string> ReadOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "Get", "Find", "Search", "Select", "Measure", "Test", "Resolve", "Compare", "Trace", "Watch", "Show", "Format",
    };
}
