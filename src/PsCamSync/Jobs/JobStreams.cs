using System.Management.Automation;

namespace PsCamSync.Commands.Jobs;

/// <summary>Stream set-up shared by the capture job and its camera jobs.</summary>
internal static class JobStreams
{
    /// <summary>
    /// Gives the job fresh stream collections whose enumerators never block, so enumerating a running job's
    /// streams (as the formatter and Receive-Job do) returns what is there instead of waiting for the job to end.
    /// </summary>
    public static void NeverBlocking(Job job)
    {
        job.Output = new PSDataCollection<PSObject> { EnumeratorNeverBlocks = true };
        job.Error = new PSDataCollection<ErrorRecord> { EnumeratorNeverBlocks = true };
        job.Progress = new PSDataCollection<ProgressRecord> { EnumeratorNeverBlocks = true };
        job.Verbose = new PSDataCollection<VerboseRecord> { EnumeratorNeverBlocks = true };
        job.Warning = new PSDataCollection<WarningRecord> { EnumeratorNeverBlocks = true };
        job.Debug = new PSDataCollection<DebugRecord> { EnumeratorNeverBlocks = true };
        job.Information = new PSDataCollection<InformationRecord> { EnumeratorNeverBlocks = true };
    }

    /// <summary>True when any of the job's own streams holds records not yet received.</summary>
    public static bool HasData(Job job) =>
        job.Output.Count > 0 || job.Error.Count > 0 || job.Progress.Count > 0 || job.Verbose.Count > 0 ||
        job.Warning.Count > 0 || job.Debug.Count > 0 || job.Information.Count > 0;
}
