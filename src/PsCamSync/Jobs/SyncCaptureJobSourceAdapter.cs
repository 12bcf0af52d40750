using System.Collections.Concurrent;
using System.Management.Automation;

namespace PsCamSync.Commands.Jobs;

/// <summary>
/// Keeps the capture jobs of a session so that the job cmdlets (Get-Job, Wait-Job, Receive-Job, Stop-Job,
/// Remove-Job) find them. PowerShell's JobManager creates one per session from the job definition's type.
/// </summary>
public sealed class SyncCaptureJobSourceAdapter : JobSourceAdapter
{
    /// <summary>Name of the job-invocation parameter that carries the new job.</summary>
    internal const string JobParameter = "NewJob";

    private readonly ConcurrentDictionary<Guid, Job2> _jobs = new();

    /// <summary>Creates the adapter (called by PowerShell's JobManager).</summary>
    public SyncCaptureJobSourceAdapter() => Name = nameof(SyncCaptureJobSourceAdapter);

    /// <summary>Adds the job that Start-SyncCapture created and passed in the specification.</summary>
    public override Job2 NewJob(JobInvocationInfo specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var job = specification.Parameters.SelectMany(p => p)
            .FirstOrDefault(p => string.Equals(p.Name, JobParameter, StringComparison.Ordinal))?.Value as SyncCaptureJob
            ?? throw new PSArgumentException("Capture jobs are created by Start-SyncCapture.", nameof(specification));
        _jobs.TryAdd(job.InstanceId, job);
        return job;
    }

    /// <summary>Every capture job of the session.</summary>
    public override IList<Job2> GetJobs() => _jobs.Values.ToList();

    /// <summary>The jobs named <paramref name="name"/> (wildcards allowed).</summary>
    public override IList<Job2> GetJobsByName(string name, bool recurse)
    {
        var pattern = new WildcardPattern(name ?? "*", WildcardOptions.IgnoreCase);
        return _jobs.Values.Where(j => pattern.IsMatch(j.Name)).ToList();
    }

    /// <summary>The jobs started by the command line <paramref name="command"/> (wildcards allowed).</summary>
    public override IList<Job2> GetJobsByCommand(string command, bool recurse)
    {
        var pattern = new WildcardPattern(command ?? "*", WildcardOptions.IgnoreCase);
        return _jobs.Values.Where(j => pattern.IsMatch(j.Command)).ToList();
    }

    /// <summary>The job with <paramref name="instanceId"/>, or null.</summary>
    public override Job2? GetJobByInstanceId(Guid instanceId, bool recurse) =>
        _jobs.TryGetValue(instanceId, out var job) ? job : null;

    /// <summary>The job with session id <paramref name="id"/>, or null.</summary>
    public override Job2? GetJobBySessionId(int id, bool recurse) => _jobs.Values.FirstOrDefault(j => j.Id == id);

    /// <summary>The jobs in <paramref name="state"/>.</summary>
    public override IList<Job2> GetJobsByState(JobState state, bool recurse) =>
        _jobs.Values.Where(j => j.JobStateInfo.State == state).ToList();

    /// <summary>Capture jobs have no filterable properties: always empty.</summary>
    public override IList<Job2> GetJobsByFilter(Dictionary<string, object> filter, bool recurse) => new List<Job2>();

    /// <summary>Forgets the job, stopping its take first if it is still recording.</summary>
    public override void RemoveJob(Job2 job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_jobs.TryRemove(job.InstanceId, out var removed) && !IsFinished(removed.JobStateInfo.State))
            removed.StopJob();
    }

    private static bool IsFinished(JobState state) =>
        state is JobState.Completed or JobState.Stopped or JobState.Failed;
}
