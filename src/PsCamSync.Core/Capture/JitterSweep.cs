using System.Globalization;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The jitter sweep (<c>Measure-SyncJitter</c>): one short take per frame rate on the same cameras, each recorded
/// through <see cref="CapturePlan"/> and <see cref="CaptureSession"/> as <c>Start-SyncCapture -InProcess</c> records
/// it, into a folder of its own under the sweep folder, then measured with <see cref="Measure"/>. Plotting interval
/// jitter against frame rate shows the rates where the trigger path waits on something it shares (the "doughnut hole"
/// of a USB3 camera on a Raspberry Pi 4, where a trigger write waits behind a frame transfer).
/// </summary>
public static class JitterSweep
{
    /// <summary>Most rates one sweep may have (1000).</summary>
    public const int MaxRates = 1000;

    /// <summary>The lead each take of a sweep gets: 1 s (its setup on simulated cameras takes about 0.1 s).</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The rates of a sweep, ascending, each once: <paramref name="frameRatesHz"/> as given, or, with
    /// <paramref name="stepHz"/>, <c>min + i × step</c> for i = 0, 1, ... up to the largest given rate
    /// (<c>-FrameRate 10..120 -Step 10</c> and <c>-FrameRate 10,120 -Step 10</c> both give 10, 20, ..., 120).
    /// </summary>
    /// <param name="frameRatesHz">Rates, Hz, each above 0; with a step at least two different ones (the range's ends).</param>
    /// <param name="stepHz">Step between rates, Hz (above 0), or null.</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName <c>FrameRate</c>: none, a rate that is not a
    /// positive number, or more than <see cref="MaxRates"/>; <c>Step</c>: not above 0, or given with a single rate.</exception>
    public static IReadOnlyList<double> Rates(IReadOnlyList<double> frameRatesHz, double? stepHz)
    {
        ArgumentNullException.ThrowIfNull(frameRatesHz);
        if (frameRatesHz.Count == 0)
            throw new InvalidCaptureArgumentException("FrameRate", "give at least one frame rate, e.g. -FrameRate 30,60,90 or -FrameRate 10..120 -Step 10.");
        foreach (double hz in frameRatesHz)
        {
            if (!double.IsFinite(hz) || hz <= 0)
                throw new InvalidCaptureArgumentException("FrameRate", $"every frame rate must be a positive number of Hz; got {hz.ToString(CultureInfo.InvariantCulture)}.");
            FrameSchedule.PeriodFromFrameRate(hz); // the schedule's own limits, named FrameRate
        }
        double min = frameRatesHz.Min(), max = frameRatesHz.Max();
        List<double> rates;
        if (stepHz is { } step)
        {
            if (!double.IsFinite(step) || step <= 0)
                throw new InvalidCaptureArgumentException("Step", $"the step must be a positive number of Hz; got {step.ToString(CultureInfo.InvariantCulture)}.");
            if (min == max)
                throw new InvalidCaptureArgumentException("Step", $"-Step needs a range of rates, but -FrameRate gave only {min.ToString(CultureInfo.InvariantCulture)} Hz; give its lowest and highest rate, e.g. -FrameRate 10,120 -Step 10 (or 10..120), or leave out -Step.");
            double count = Math.Floor((max - min) / step + 1e-9) + 1;
            if (count > MaxRates)
                throw new InvalidCaptureArgumentException("Step", $"from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} Hz in steps of {step.ToString(CultureInfo.InvariantCulture)} Hz makes {count} rates, more than {MaxRates}; give a larger -Step.");
            rates = Enumerable.Range(0, (int)count).Select(i => Math.Round(min + i * step, 9)).ToList();
        }
        else
        {
            rates = frameRatesHz.Distinct().Order().ToList();
            if (rates.Count > MaxRates)
                throw new InvalidCaptureArgumentException("FrameRate", $"{rates.Count} rates is more than the {MaxRates} a sweep may have; give fewer.");
        }
        return rates;
    }

    /// <summary>The folder of rate number <paramref name="number"/> (0-based) in a sweep folder, e.g. <c>03-72.5Hz</c>.</summary>
    public static string FolderName(int number, double frameRateHz) =>
        string.Create(CultureInfo.InvariantCulture, $"{number + 1:D2}-{frameRateHz:0.###}Hz");

    /// <summary>
    /// Records and measures one take per rate, in order, lazily: each point is returned when its take has ended and been
    /// analysed. The sweep folder is created when missing; each take goes into <see cref="FolderName"/> inside it.
    /// </summary>
    /// <param name="ratesHz">The rates (<see cref="Rates"/>).</param>
    /// <param name="planFor">The plan of the take at a rate (as Start-SyncCapture builds it from its parameters).</param>
    /// <param name="sweepPath">The sweep folder (absolute path); its parent must exist.</param>
    /// <param name="openCameras">Opens the cameras for one take; the take's session owns and closes them.</param>
    /// <param name="warn">Receives warnings (a lead too short for the take's setup), or null.</param>
    /// <param name="cancel">Stops the take in progress (what it recorded stays on disk) and ends the sweep with an
    /// <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="InvalidCaptureArgumentException">A plan is invalid (the message names the parameter), or
    /// ParameterName <c>Path</c>: the sweep folder cannot be created, or a rate's folder exists already.</exception>
    /// <exception cref="PsCamSyncException">A take could not start (cameras, folder), or its folder cannot be analysed.</exception>
    public static IEnumerable<JitterSweepPoint> Run(IReadOnlyList<double> ratesHz, Func<double, CapturePlan> planFor, string sweepPath,
        Func<IReadOnlyList<ICamera>> openCameras, Action<string>? warn, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(ratesHz);
        ArgumentNullException.ThrowIfNull(planFor);
        ArgumentNullException.ThrowIfNull(openCameras);
        CreateSweepFolder(sweepPath);
        for (int i = 0; i < ratesHz.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            string takePath = Path.Combine(sweepPath, FolderName(i, ratesHz[i]));
            RecordOne(planFor(ratesHz[i]), takePath, openCameras, warn, cancel);
            yield return Measure(takePath);
        }
    }

    private static void CreateSweepFolder(string sweepPath)
    {
        if (string.IsNullOrWhiteSpace(sweepPath))
            throw new InvalidCaptureArgumentException("Path", "the sweep folder path is empty; give one, e.g. -Path ./sweep-1.");
        if (File.Exists(sweepPath))
            throw new InvalidCaptureArgumentException("Path", $"'{sweepPath}' is a file; give a folder for the sweep's takes.");
        try
        {
            Directory.CreateDirectory(sweepPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidCaptureArgumentException("Path", $"the sweep folder '{sweepPath}' cannot be created: {e.Message}");
        }
    }

    private static void RecordOne(CapturePlan plan, string takePath, Func<IReadOnlyList<ICamera>> openCameras, Action<string>? warn, CancellationToken cancel)
    {
        plan.ToOptions(takePath, SharedTimeline.NowNs()); // every parameter checked before a camera is opened
        var cameras = openCameras();
        CaptureOptions options;
        try
        {
            // The lead counts from now, after the cameras are open, as Start-SyncCapture's does.
            options = plan.ToOptions(takePath, SharedTimeline.NowNs());
            var lead = CaptureSession.CheckLead(cameras, options, SharedTimeline.NowNs());
            if (lead.IsTooShort)
                warn?.Invoke(string.Format(CultureInfo.InvariantCulture,
                    "{0}: setting the take up is expected to take about {1} ms but its lead is {2} ms; frames due before the trigger thread is ready are recorded as TriggerLate.",
                    Path.GetFileName(takePath), lead.SetupEstimateNs / 1_000_000, Math.Max(0, lead.LeadNs) / 1_000_000));
        }
        catch
        {
            foreach (var c in cameras) DisposeQuietly(c); // not handed to a session yet
            throw;
        }
        using var session = CaptureSession.Start(cameras, options); // owns the cameras from here, also when it throws
        try
        {
            session.Completion.Wait(cancel);
        }
        catch (OperationCanceledException)
        {
            session.Dispose(); // stops the take now; the folder keeps what was recorded
            throw;
        }
    }

    private static void DisposeQuietly(ICamera camera)
    {
        try { camera.Dispose(); }
        catch (PsCamSyncException) { /* closing a camera that failed to start: the start error is the one reported */ }
    }

    /// <summary>
    /// Measures one take of a sweep: counts and interval statistics per <see cref="TakeAnalyzer"/>, and, pooled over
    /// the cameras, the interval deviations, trigger delays and exposure delays from the frames tables.
    /// </summary>
    /// <param name="takePath">A take folder.</param>
    /// <exception cref="TakeFolderException">The folder is not a readable take.</exception>
    public static JitterSweepPoint Measure(string takePath)
    {
        var matching = TakeAnalyzer.Match([takePath], FrameMatchMethod.Index);   // reads the folder once
        var (report, data) = (matching.Report, matching.Data);
        var manifest = data.Folders[0].Manifest;
        long periodNs = data.PeriodNs;

        var deviations = new List<long>();
        var triggerDelays = new List<long>();
        var exposureDelays = new List<long>();
        foreach (var camera in data.Cameras)
        {
            var byIndex = FrameSetMatcher.RowsByIndex(camera, faults: null);
            foreach (var (_, interval) in CameraStatistics.Intervals(camera, FrameMatchMethod.Index, periodNs, byIndex))
                deviations.Add(Math.Abs(interval - periodNs));   // the intervals TakeAnalyzer's statistics use
            foreach (var (_, i) in byIndex)
            {
                var row = camera.Rows[i];
                if (row.TriggerNs != 0)
                    triggerDelays.Add(row.TriggerNs - row.ScheduledNs);
                if (row.DeviceTimestampNs == 0)
                    continue;
                long mapped = TakeAnalyzer.MappedDeviceNs(camera, row);
                if (mapped != 0)
                    exposureDelays.Add(mapped - row.ScheduledNs);
            }
        }
        deviations.Sort();
        triggerDelays.Sort();
        exposureDelays.Sort();
        var skew = report.MappedDeviceSkew.FrameSets > 0 ? report.MappedDeviceSkew : report.DeviceSkew;

        return new JitterSweepPoint
        {
            FrameRateHz = Math.Round(1e9 / periodNs, 3),
            PeriodUs = periodNs / 1e3,
            TriggerMode = manifest.TriggerMode,
            Cameras = data.Cameras.Count,
            Expected = report.Cameras.Sum(c => c.Expected),
            Captured = report.Cameras.Sum(c => c.Captured),
            Missing = report.Cameras.Sum(c => c.Missing),
            Late = report.Cameras.Sum(c => c.Late),
            Dropped = report.Cameras.Sum(c => c.Dropped),
            IntervalStdDevUs = report.Cameras.Count == 0 ? null : report.Cameras.Max(c => c.IntervalStdDevNs) / 1e3,
            IntervalP50DeviationUs = deviations.Count == 0 ? null : Percentiles.NearestRank(deviations, 50) / 1e3,
            IntervalP99DeviationUs = P99Us(deviations),
            IntervalMaxDeviationUs = MaxUs(deviations),
            TriggerDelayP99Us = P99Us(triggerDelays),
            TriggerDelayMaxUs = MaxUs(triggerDelays),
            ExposureDelayP99Us = P99Us(exposureDelays),
            ExposureDelayMaxUs = MaxUs(exposureDelays),
            WakeErrorP99Us = manifest.TriggerThread?.WakeErrorP99Us,
            WakeErrorMaxUs = manifest.TriggerThread?.WakeErrorMaxUs,
            SkewP99Us = skew.FrameSets > 0 ? skew.P99Ns / 1e3 : null,
            SkewKind = skew.FrameSets > 0 ? skew.Kind : null,
            State = report.State,
            Faults = report.Faults.Count,
            TakePath = Path.GetFullPath(takePath),
        };
    }

    private static double? P99Us(List<long> sorted) => sorted.Count == 0 ? null : Percentiles.NearestRank(sorted, 99) / 1e3;

    private static double? MaxUs(List<long> sorted) => sorted.Count == 0 ? null : sorted[^1] / 1e3;
}

/// <summary>
/// One rate of a jitter sweep (<see cref="JitterSweep.Measure"/>): plain data (its enum crosses Invoke-Command by name,
/// see types.ps1xml). Times are µs; statistics over no samples are null.
/// </summary>
public sealed class JitterSweepPoint
{
    /// <summary>Frame rate of the take, Hz (1e9 / its period in ns, to 0.001 Hz).</summary>
    public double FrameRateHz { get; init; }
    /// <summary>Frame period, µs.</summary>
    public double PeriodUs { get; init; }
    /// <summary>How frames were started, from take.json.</summary>
    public SyncTriggerMode TriggerMode { get; init; }
    /// <summary>Cameras in the take.</summary>
    public int Cameras { get; init; }
    /// <summary>Scheduled slots, all cameras.</summary>
    public long Expected { get; init; }
    /// <summary>Complete frames, all cameras.</summary>
    public long Captured { get; init; }
    /// <summary>Slots without a frame (trigger missed, dropped, write failed), all cameras.</summary>
    public long Missing { get; init; }
    /// <summary>Slots whose trigger was too late to send (TriggerLate), all cameras.</summary>
    public long Late { get; init; }
    /// <summary>Frames dropped for want of a buffer, all cameras.</summary>
    public long Dropped { get; init; }
    /// <summary>Population SD of the intervals between device timestamps of consecutive indexes, of the worst camera, µs.</summary>
    public double? IntervalStdDevUs { get; init; }
    /// <summary>Median (nearest rank) of |interval − period| over consecutive indexes of every camera, µs: what most
    /// frames see, where the p99 and max show the worst few.</summary>
    public double? IntervalP50DeviationUs { get; init; }
    /// <summary>99th percentile (nearest rank) of |interval − period| over consecutive indexes of every camera, µs
    /// (device timestamps: exposure starts).</summary>
    public double? IntervalP99DeviationUs { get; init; }
    /// <summary>Largest |interval − period|, µs.</summary>
    public double? IntervalMaxDeviationUs { get; init; }
    /// <summary>99th percentile of trigger issued − Tn over every triggered slot, µs (the frames tables' trigger times).</summary>
    public double? TriggerDelayP99Us { get; init; }
    /// <summary>Largest trigger issued − Tn, µs.</summary>
    public double? TriggerDelayMaxUs { get; init; }
    /// <summary>99th percentile of exposure start − Tn, µs: the device timestamp mapped onto the shared timeline by the
    /// take's clock model, so it includes a trigger that waited inside the camera's driver; null without a clock model.</summary>
    public double? ExposureDelayP99Us { get; init; }
    /// <summary>Largest exposure start − Tn, µs.</summary>
    public double? ExposureDelayMaxUs { get; init; }
    /// <summary>99th percentile of the trigger thread's wake-up error, µs (take.json).</summary>
    public double? WakeErrorP99Us { get; init; }
    /// <summary>Largest wake-up error of the trigger thread, µs (take.json).</summary>
    public double? WakeErrorMaxUs { get; init; }
    /// <summary>99th percentile of the skew between cameras per frame set, µs (mapped device times, else raw device
    /// times: <see cref="SkewKind"/>); null with one camera.</summary>
    public double? SkewP99Us { get; init; }
    /// <summary>Which times <see cref="SkewP99Us"/> compares: MappedDevice or Device; null with one camera.</summary>
    public SkewKind? SkewKind { get; init; }
    /// <summary>The take's state.</summary>
    public TakeState State { get; init; }
    /// <summary>Faults the analysis found (take.json faults included).</summary>
    public int Faults { get; init; }
    /// <summary>The take's folder (full path).</summary>
    public string TakePath { get; init; } = "";
}
