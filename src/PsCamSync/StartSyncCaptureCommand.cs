using System.Globalization;
using System.Management.Automation;
using PsCamSync.Commands.Completion;
using PsCamSync.Commands.Jobs;
using PsCamSync.Core;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Commands;

/// <summary>
/// Start-SyncCapture: records a frame-synchronized take from the cameras given (by -CameraId or piped from
/// Get-SyncCamera, also as deserialized objects from Invoke-Command). Frame n of every camera is triggered at
/// T0 + n × period on the shared (PTP) timeline. Returns a SyncCaptureJob; with -Wait it records in the foreground
/// with a progress bar and writes the SyncTakeResult. Ctrl+C stops a foreground take; the take folder keeps what was
/// captured.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "SyncCapture", SupportsShouldProcess = true, DefaultParameterSetName = AsJobSet)]
[OutputType(typeof(SyncCaptureJob), ParameterSetName = new[] { AsJobSet })]
[OutputType(typeof(SyncTakeResult), ParameterSetName = new[] { WaitSet })]
public sealed class StartSyncCaptureCommand : CameraPipelineCmdlet
{
    private const string AsJobSet = "AsJob";
    private const string WaitSet = "Wait";

    /// <summary>Frames per second, Hz. Give this or -Period.</summary>
    [Parameter]
    public double? FrameRate { get; set; }

    /// <summary>Frame period (a number is seconds). Give this or -FrameRate.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan? Period { get; set; }

    /// <summary>Absolute time of frame 0 (give every host the same value). Not with -Lead.</summary>
    [Parameter]
    [DateTimeOffsetTransformation]
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Time from now to frame 0 at the earliest, aligned on the frame grid (a number is seconds; default 2 s).</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan? Lead { get; set; }

    /// <summary>Length of the take (a number is seconds). Give this or -FrameCount.</summary>
    [Parameter]
    [SecondsTransformation]
    public TimeSpan? Duration { get; set; }

    /// <summary>Number of frames per camera. Give this or -Duration.</summary>
    [Parameter]
    public long? FrameCount { get; set; }

    /// <summary>Take folder to create (must not exist). Default: a new timestamped folder in the current location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Video encoder (default Y4M, built-in lossless).</summary>
    [Parameter]
    public VideoEncoder Encoder { get; set; } = VideoEncoder.Y4M;

    /// <summary>RAM for all frame rings together, bytes (e.g. 2GB). Default: two seconds of frames per camera.</summary>
    [Parameter]
    public long? BufferMemory { get; set; }

    /// <summary>Exposure time for every camera, µs. Default: each camera keeps its own.</summary>
    [Parameter]
    public double? Exposure { get; set; }

    /// <summary>Take name (default: the folder name). Stop-SyncCapture -Name and the job use it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>
    /// How frames are started: Software (a trigger per camera per frame), Action (one GigE Vision ACTION_CMD per frame for
    /// every camera), ScheduledAction (ACTION_CMDs carrying Tn, sent ahead: each camera fires on its own PTP clock), or
    /// CameraScheduler (the cameras' action scheduler, committed once). Default: the best mode every camera supports;
    /// the take records which (TriggerMode in take.json and in the result).
    /// </summary>
    [Parameter]
    public SyncTriggerMode? TriggerMode { get; set; }

    /// <summary>Network interface whose subnet broadcast carries the ACTION_CMDs (e.g. eth1). Default: the interface whose
    /// IPv4 subnet holds the cameras.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkInterfaceCompleter))]
    public string? ActionInterface { get; set; }

    /// <summary>Records in the foreground with a progress bar and writes the result instead of a job.</summary>
    [Parameter(Mandatory = true, ParameterSetName = WaitSet)]
    public SwitchParameter Wait { get; set; }

    /// <summary>
    /// Records inside this session's process instead of a recorder process of its own: the take then ends with this
    /// session (its process), as takes did before the recorder existed. Default: a detached recorder, so the take outlives the session.
    /// </summary>
    [Parameter]
    public SwitchParameter InProcess { get; set; }

    /// <summary>Validates, opens every camera, starts the take and writes the job (or waits for the result).</summary>
    protected override void EndProcessing()
    {
        var plan = new CapturePlan
        {
            FrameRate = FrameRate, Period = Period, StartTime = StartTime, Lead = Lead, Duration = Duration,
            FrameCount = FrameCount, BufferMemory = BufferMemory, Exposure = Exposure, Encoder = Encoder, Name = Name,
            TriggerMode = TriggerMode, ActionInterface = ActionInterface,
        };

        IReadOnlyList<CameraRequest> requests = Array.Empty<CameraRequest>();
        CaptureOptions preview = null!;
        try
        {
            requests = CameraSelection.CheckRequests(Requests);
            LiveTakes.CheckCamerasFree(requests); // this process's own takes; other processes' are checked when it starts
            long now = SharedTimeline.NowNs();
            var schedule = plan.ToSchedule(now);
            preview = plan.ToOptions(ResolveTakePath(plan, schedule), now);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncCaptureArgumentInvalid");
        }

        string action = string.Format(CultureInfo.InvariantCulture,
            "Record {0} camera(s) ({1}) at {2:0.###} Hz, {3} frames from {4:yyyy-MM-dd HH:mm:ss.fff} UTC",
            requests.Count, string.Join(", ", requests.Select(r => r.Id)), preview.Schedule.FrameRateHz,
            preview.Schedule.EndIndex, SharedTimeline.ToDateTimeOffset(preview.Schedule.StartNs));
        if (!ShouldProcess(preview.Path, action))
            return;

        var directory = OpenHostDirectory();
        if (InProcess)
            StartInProcess(directory, plan, requests, preview);
        else
            StartInRecorder(directory, plan, requests, preview);
    }

    private HostTakeDirectory OpenHostDirectory()
    {
        try
        {
            return HostTakeDirectory.Open();
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnusable", null, ErrorCategory.PermissionDenied);
            throw; // not reached
        }
    }

    /// <summary>Hands the take to a recorder process of its own (the default).</summary>
    private void StartInRecorder(HostTakeDirectory directory, CapturePlan plan, IReadOnlyList<CameraRequest> requests, CaptureOptions preview)
    {
        RecorderStart start = null!;
        try
        {
            var request = new RecorderStartRequest { TakePath = preview.Path, Cameras = requests.ToList(), Plan = plan, SimulatedModel = PsCamSync.Core.Cameras.Simulated.SimulatedModel.Current };
            WriteVerbose($"Handing take '{preview.Name ?? System.IO.Path.GetFileName(preview.Path)}' to a recorder process (host folder {directory.Path}).");
            start = RecorderLauncher.Start(directory, request, null, StopToken);
        }
        catch (RecorderStartException e) when (e.CameraErrors.Count > 0)
        {
            foreach (var cameraError in e.CameraErrors)
                WriteCoreError(cameraError, "SyncCameraOpenFailed", CameraOf(cameraError));
            ThrowTerminatingError(new ErrorRecord(e.Error, "SyncCaptureCamerasUnavailable", CoreErrors.Category(e.CameraErrors[0], ErrorCategory.ReadError), null));
        }
        catch (RecorderStartException e)
        {
            ThrowCoreError(e.Error, e.Error is InvalidCaptureArgumentException ? "SyncCaptureArgumentInvalid" : "SyncCaptureStartFailed", preview.Path, ErrorCategory.WriteError);
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncCaptureArgumentInvalid");
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureRecorderFailed", preview.Path, ErrorCategory.ResourceUnavailable);
        }
        catch (OperationCanceledException)
        {
            return; // Ctrl+C while the recorder started: Get-SyncCapture lists it if it came up
        }

        if (start.Lead is { IsTooShort: true } lead)
            WriteWarning(LeadWarning(lead, requests.Count));
        var take = start.Take;
        WriteVerbose(string.Format(CultureInfo.InvariantCulture,
            "Take '{0}' recording to {1} in recorder process {2}, ready {3:0} ms after the launch; trigger thread: {4}.",
            take.Name, take.TakePath, take.Entry.Recorder?.ProcessId, (start.StartedNs - start.LaunchedNs) / 1e6, Granted(start.Granted)));
        WriteTriggerMode(take.TakePath);
        WarnIfOverBudget(take.TakePath, start.Schedule);
        if (Wait)
        {
            RunInForeground(take, start.Schedule);
            return;
        }
        var job = new SyncCaptureJob(CommandLine(), take, start.Schedule, CamerasOf(take));
        job.Register(JobManager);
        job.Begin();
        WriteObject(job);
    }

    /// <summary>
    /// Warns when this take would not fit the host (<see cref="CaptureBudget"/>): free space and links are read now, the
    /// disk and encoder throughputs come from the cache of an earlier Test-CaptureBudget (nothing slow is measured here).
    /// Runs once the take has started, because the cameras' frame sizes are known from take.json then; the rings were
    /// already checked against RAM by the take itself. The capture threads are not touched.
    /// </summary>
    private void WarnIfOverBudget(string takePath, FrameSchedule schedule)
    {
        if (schedule.FrameCount is null && schedule.StopNs is null)
            return;
        try
        {
            var manifest = TakeFolder.ReadManifest(takePath);
            var cameras = manifest.Cameras.Select(c => new CaptureBudgetCamera(c.Id, c.Backend, c.Address, c.Width, c.Height,
                PixelFormats.Parse(c.PixelFormat))).ToList();
            var plan = new CaptureBudgetPlan(cameras, schedule.FrameRateHz, TimeSpan.FromTicks(schedule.EndIndex * schedule.PeriodNs / TimeSpan.NanosecondsPerTick),
                Encoder, takePath, BufferMemory);
            var measured = CaptureBudgetProbes.ReadCheap(plan, CaptureBudgetCache.ForUser(), includeMemory: false);
            if (measured.DiskWriteBytesPerSecond is null || (Encoder != VideoEncoder.Y4M && measured.EncoderBytesPerSecond is null))
                WriteVerbose($"Capture budget: throughput was not measured for this disk and encoder (disk: {measured.DiskNote}; encoder: {measured.EncoderNote}); run Test-CaptureBudget with this plan once to have Start-SyncCapture check it.");
            var result = CaptureBudget.Evaluate(plan, measured, Environment.MachineName);
            foreach (var row in result.Rows)
                WriteVerbose("Capture budget: " + TestCaptureBudgetCommand.Describe(row));
            if (result.Verdict == CaptureBudgetVerdict.DoesNotFit)
                WriteWarning($"This take does not fit {result.Host}: frames will be dropped. Bottleneck: {result.Bottleneck} ({result.Rows.First(r => r.Resource == result.Bottleneck && r.Verdict == result.Verdict).Note}). Fix: {result.Fix}");
            else
                WriteVerbose($"Capture budget: {result.Verdict}, bottleneck {result.Bottleneck}.");
        }
        catch (PsCamSyncException e)
        {
            // The check is advice; the take records regardless. Say why it could not be made.
            WriteVerbose($"Capture budget: not checked: {e.Message}");
        }
    }

    /// <summary>Says which trigger mode the take uses and why (a camera that lacks actions makes the take fall back).</summary>
    private void WriteTriggerMode(string takePath)
    {
        try
        {
            var manifest = TakeFolder.ReadManifest(takePath);
            WriteVerbose($"Trigger mode {manifest.TriggerMode}: {manifest.TriggerModeNote}.");
        }
        catch (TakeFolderException e)
        {
            WriteCoreError(e, "SyncCaptureManifestUnreadable", takePath);
        }
    }

    private static string Granted(TriggerThreadReport? granted) => granted is null ? "not yet known" :
        string.Format(CultureInfo.InvariantCulture, "SCHED_FIFO {0}, memory locked {1}, timer slack {2} ns{3}", granted.FifoPriority > 0 ? granted.FifoPriority.ToString(CultureInfo.InvariantCulture) : "refused",
            granted.MemoryLocked, granted.TimerSlackNs, granted.Refused.Count > 0 ? "; refused: " + string.Join("; ", granted.Refused) : "");

    private static string? CameraOf(PsCamSyncException e) => e switch
    {
        CameraNotFoundException n => n.CameraId,
        CameraException c => c.CameraId,
        _ => null,
    };

    // The cameras as the take recorded them (take.json is written when the take starts).
    private IReadOnlyList<CameraInfo> CamerasOf(IRunningTake take)
    {
        try
        {
            return TakeFolder.ReadManifest(take.TakePath).Cameras.Select(c => new CameraInfo(c.Backend, c.Id, c.Vendor, c.Model, c.Serial, c.Address,
                c.Width, c.Height, Enum.TryParse<PixelFormat>(c.PixelFormat, out var f) ? f : default)).ToList();
        }
        catch (TakeFolderException e)
        {
            WriteCoreError(e, "SyncCaptureManifestUnreadable", take.TakePath);
            return Array.Empty<CameraInfo>();
        }
    }

    /// <summary>Records in this session's process (-InProcess): the take ends with this process.</summary>
    private void StartInProcess(HostTakeDirectory directory, CapturePlan plan, IReadOnlyList<CameraRequest> requests, CaptureOptions preview)
    {
        var entry = new HostTakeEntry
        {
            Id = HostTakeDirectory.NewId(), Name = preview.Name ?? System.IO.Path.GetFileName(preview.Path), TakePath = preview.Path,
            Cameras = requests.ToList(), InProcess = true, Phase = RecorderPhase.Starting, Launcher = RecorderIdentity.Current(),
            CreatedNs = SharedTimeline.NowNs(),
        };
        try
        {
            using (directory.Lock(TimeSpan.FromSeconds(10)))
            {
                HostTakes.CheckCamerasFree(directory, requests);
                directory.Write(entry);
            }
        }
        catch (InvalidCaptureArgumentException e)
        {
            ThrowCoreError(e, "SyncCaptureArgumentInvalid");
        }
        catch (PsCamSyncException e)
        {
            ThrowCoreError(e, "SyncCaptureHostFolderUnusable", directory.Path, ErrorCategory.WriteError);
        }

        RecorderServer? server = null;
        try
        {
            var cameras = OpenAllCameras(requests);
            var infos = cameras.Select(c => c.Info).ToList();
            CaptureSession session = null!;
            CaptureOptions options = preview;
            LeadCheck lead = null!;
            try
            {
                // The lead counts from now, after the cameras are open; an absolute start stays as given.
                options = plan.ToOptions(preview.Path, SharedTimeline.NowNs());
                lead = CaptureSession.CheckLead(cameras, options, SharedTimeline.NowNs());
                if (lead.IsTooShort)
                    WriteWarning(LeadWarning(lead, cameras.Count));
                session = CaptureSession.Start(cameras, options);
            }
            catch (PsCamSyncException e)
            {
                foreach (var c in cameras) c.Dispose();
                ThrowCoreError(e, "SyncCaptureStartFailed", options.Path, ErrorCategory.WriteError);
            }
            catch
            {
                foreach (var c in cameras) c.Dispose();
                throw;
            }

            IRunningTake take = session;
            WarnIfOverBudget(take.TakePath, options.Schedule);
            try
            {
                server = RecorderServer.Listen(directory, entry, RecorderProcess.RuntimeSettings());
                server.Started(session, lead);
                var served = server;
                session.Completion.ContinueWith(_ => { served.Ended.Wait(TimeSpan.FromSeconds(5)); served.Dispose(); }, TaskScheduler.Default);
            }
            catch (PsCamSyncException e)
            {
                // The take records regardless; only other sessions cannot see it.
                WriteCoreError(e, "SyncCaptureNotRegistered", take.TakePath, ErrorCategory.WriteError);
            }
            if (Wait)
            {
                WriteTriggerMode(take.TakePath);
                RunInForeground(take, options.Schedule);
                return;
            }

            SyncCaptureJob job;
            try
            {
                job = new SyncCaptureJob(CommandLine(), take, options.Schedule, infos);
                job.Register(JobManager);
                job.Begin();
            }
            catch
            {
                take.Dispose(); // no job follows the take: stop it rather than leave it recording unseen
                throw;
            }
            WriteVerbose($"Take '{take.Name}' recording to {take.TakePath} as job {job.Id}, in this session's process.");
            WriteTriggerMode(take.TakePath);
            WriteObject(job);
        }
        finally
        {
            if (server is null)
                ForgetEntry(directory, entry.Id);
        }
    }

    private void ForgetEntry(HostTakeDirectory directory, string id)
    {
        try
        {
            File.Delete(directory.EntryPath(id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"The entry '{directory.EntryPath(id)}' of a take that did not start could not be deleted: {e.Message}");
        }
    }

    /// <summary>Words a <see cref="LeadCheck"/> that found the lead too short, naming the parameter that sets it.</summary>
    private string LeadWarning(LeadCheck lead, int cameraCount)
    {
        var ci = CultureInfo.InvariantCulture;
        long leadMs = Math.Max(0, lead.LeadNs) / 1_000_000, setupMs = lead.SetupEstimateNs / 1_000_000;
        string setup = string.Format(ci,
            "setting up this take is expected to take about {0} ms ({1} camera(s), {2:0.#} MiB of frame rings to allocate and lock in RAM)",
            setupMs, cameraCount, lead.RingBytes / (double)(1 << 20));
        string consequence = "frames due before the trigger thread is ready are not triggered: they are recorded as TriggerLate and as a Trigger fault in take.json";
        string suggested = (lead.SuggestedLeadNs / 1e9).ToString("0.#", ci);
        if (lead.JoinsLate)
            return string.Format(ci, "-StartTime is past, so this host joins the take at frame {0}, due in {1} ms, but {2}; {3}. Start the take with a -StartTime at least {4} s ahead to record it from frame 0.",
                lead.FirstFrameIndex, leadMs, setup, consequence, suggested);
        if (StartTime is not null)
            return string.Format(ci, "-StartTime leaves {0} ms until frame {1}, but {2}; {3}. Give a -StartTime at least {4} s from now.",
                leadMs, lead.FirstFrameIndex, setup, consequence, suggested);
        var given = Lead ?? CapturePlan.DefaultLead;
        return string.Format(ci, "-Lead {0} s leaves {1} ms until frame {2}, but {3}; {4}. Use -Lead {5} or more.",
            given.TotalSeconds.ToString("0.###", ci), leadMs, lead.FirstFrameIndex, setup, consequence, suggested);
    }

    private string ResolveTakePath(CapturePlan plan, FrameSchedule schedule)
    {
        if (Path is not null)
            return ResolveWritablePath(Path, nameof(Path), "./takes/take-001");
        string here = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        return System.IO.Path.Combine(here, plan.DefaultFolderName(schedule));
    }

    /// <summary>Opens every camera, or none: a take does not start with some of its cameras missing.</summary>
    private List<ICamera> OpenAllCameras(IReadOnlyList<CameraRequest> requests)
    {
        var slots = OpenCameras(requests, "SyncCameraOpenFailed");
        var failed = slots.Where(s => s.OpenError is not null).ToList();
        if (failed.Count > 0)
        {
            DisposeAll(slots);
            var error = new PsCamSyncException(
                $"No take was started: {failed.Count} of {requests.Count} camera(s) could not be opened (see the errors above).", failed[0].OpenError);
            ThrowTerminatingError(new ErrorRecord(error, "SyncCaptureCamerasUnavailable", CoreErrors.Category(failed[0].OpenError!, ErrorCategory.ReadError), null));
        }
        return slots.Select(s => s.Camera!).ToList();
    }

    private void RunInForeground(IRunningTake take, FrameSchedule schedule)
    {
        TakeManifest manifest;
        if (take.OutlivesSession)
        {
            // The take belongs to its recorder: Ctrl+C (or a session that goes away) stops the waiting, not the take.
            if (!WaitWithProgress(new[] { (take, schedule.PeriodNs) }, null))
                return;
            manifest = take.Completion.GetAwaiter().GetResult();
            take.Dispose();
        }
        else
        {
            try
            {
                WaitWithProgress(new[] { (take, schedule.PeriodNs) }, null);
            }
            finally
            {
                // Ctrl+C, a stopped pipeline or a failure end the wait before the take: disposing stops the take now.
                // Either way it is finalised before the command returns, so take.json is final when the prompt is back.
                take.Dispose();
                manifest = take.Completion.GetAwaiter().GetResult();
            }
        }
        WriteTakeResult(take, manifest, allFaults: true);
    }

    private string CommandLine()
    {
        string line = MyInvocation.Line?.Trim() ?? "";
        return line.Length > 0 ? line : MyInvocation.MyCommand.Name;
    }

}
