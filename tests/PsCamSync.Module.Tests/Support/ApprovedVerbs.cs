namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// Which approved verbs (Get-Verb answers which are approved) change state and which only look. Get-Verb's groups
/// do not say this (Common holds both Get and Set), so it is written down here.
/// </summary>
public static class ApprovedVerbs
{
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
