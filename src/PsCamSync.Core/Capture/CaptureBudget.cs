using System.Globalization;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Capture;

/// <summary>
/// Weighs a <see cref="CaptureBudgetPlan"/> against what a host offers (<see cref="CaptureBudgetMeasurements"/>):
/// pure arithmetic, no I/O, so the verdict can be tested with given numbers.
/// </summary>
/// <remarks>
/// <para>Rows (units in <see cref="CaptureBudgetRow.Unit"/>):</para>
/// <list type="bullet">
/// <item>Disk, bytes/s: what the take writes per second (Y4M: every frame plus its 6-byte <c>FRAME\n</c> marker; ffmpeg:
/// the measured encoded bytes per frame, or the raw size as an upper bound when that is unknown) against the measured
/// sequential write throughput.</item>
/// <item>Encoder (ffmpeg encoders only), bytes/s: raw frame bytes per second arriving against what the encoders took
/// together in the measured run.</item>
/// <item>DiskSpace, bytes: the video the whole take writes against the free space.</item>
/// <item>Memory, bytes: the rings (<see cref="CaptureBudgetPlan.RingBytes"/>) against <see cref="MemoryBudget.MaxRingBytes"/>.</item>
/// <item>Link, bytes/s, one row per link: the frame payload of its cameras against its bandwidth (GVSP/USB
/// packet headers add a few percent on top).</item>
/// </list>
/// <para>A row's headroom is (available − required) / available. At least <see cref="TightHeadroomPercent"/> is
/// Fits, less is Tight, negative is DoesNotFit, with one exception that models the frame rings: when the disk or the
/// encoder drains slower than frames arrive (drain ratio ρ = available / required &lt; 1), each camera's ring gains
/// <c>rate × (1 − ρ)</c> frames per second; if the take ends before its <see cref="CaptureBudgetPlan.RingFrames"/> are
/// full (<c>rate × (1 − ρ) × duration ≤ RingFrames</c>) no frame is lost, only the writer finishes later, and the row is
/// Tight. The worst row decides the verdict; the bottleneck is the worst row with the least headroom.</para>
/// </remarks>
public static class CaptureBudget
{
    /// <summary>Headroom below which a resource is Tight: 20 percent.</summary>
    public const double TightHeadroomPercent = 20;

    /// <summary>Bytes each Y4M frame adds to its plane: the <c>FRAME\n</c> marker.</summary>
    public static int Y4mFrameOverheadBytes => Y4mFormat.FrameMarker.Length;

    private const string BytesPerSecond = "bytes/s";
    private const string Bytes = "bytes";

    /// <summary>Weighs <paramref name="plan"/> against <paramref name="measured"/>.</summary>
    /// <param name="plan">The take.</param>
    /// <param name="measured">What the host offers.</param>
    /// <param name="host">The host's name, for the result.</param>
    /// <exception cref="InvalidCaptureArgumentException">The plan is invalid (<see cref="CaptureBudgetPlan.Validate"/>).</exception>
    public static CaptureBudgetResult Evaluate(CaptureBudgetPlan plan, CaptureBudgetMeasurements measured, string host)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(measured);
        plan.Validate();
        var ctx = new Context(plan, measured);
        var rows = new List<(CaptureBudgetRow Row, double? Ratio)>();

        rows.Add(DiskRow(ctx));
        if (plan.Encoder != VideoEncoder.Y4M)
            rows.Add(EncoderRow(ctx));
        rows.Add((SpaceRow(ctx), null));
        if (measured.MaxRingBytes is long maxRing)
            rows.Add((CapacityRow(CaptureBudgetResource.Memory, "RAM", plan.RingBytes, maxRing,
                string.Create(CultureInfo.InvariantCulture, $"{plan.RingFrames} frames per camera ({(plan.BufferMemoryBytes is null ? $"{CaptureOptions.DefaultBufferSeconds:0.#} s of frames" : "-BufferMemory")}); the rings may take {MemoryBudget.RingShare:P0} of {measured.MemoryNote}")), null));
        rows.AddRange(LinkRows(ctx).Select(r => (r, (double?)null)));

        var worst = rows.Max(r => r.Row.Verdict);
        var limiting = rows.Where(r => r.Row.Verdict == worst).OrderBy(r => r.Row.HeadroomPercent ?? double.MaxValue).First();
        string fix = worst == CaptureBudgetVerdict.Fits ? "None needed." : Fix(ctx, limiting.Row, limiting.Ratio);
        return new CaptureBudgetResult(host, plan.Path, worst, limiting.Row.Resource, fix, rows.Select(r => r.Row).ToList(), plan);
    }

    /// <summary>The numbers every row uses.</summary>
    private sealed class Context
    {
        public Context(CaptureBudgetPlan plan, CaptureBudgetMeasurements measured)
        {
            Plan = plan;
            Measured = measured;
            Rate = plan.FrameRateHz;
            Frames = plan.FrameCount;
            Seconds = Frames / Rate;
            RawWrittenPerSet = plan.Cameras.Sum(c => (double)c.FrameBytes + Y4mFrameOverheadBytes);
            WrittenPerSet = plan.Encoder == VideoEncoder.Y4M ? RawWrittenPerSet
                : measured.EncodedBytesPerFrame is double e ? e * plan.Cameras.Count : plan.FrameSetBytes;
            WrittenIsEstimate = plan.Encoder != VideoEncoder.Y4M && measured.EncodedBytesPerFrame is null;
        }

        public CaptureBudgetPlan Plan { get; }
        public CaptureBudgetMeasurements Measured { get; }
        public double Rate { get; }
        public long Frames { get; }
        public double Seconds { get; }
        public double RawWrittenPerSet { get; }
        public double WrittenPerSet { get; }
        public bool WrittenIsEstimate { get; }
    }

    private static (CaptureBudgetRow, double?) DiskRow(Context c)
    {
        double required = c.WrittenPerSet * c.Rate;
        string what = c.Plan.Encoder == VideoEncoder.Y4M ? "raw Y4M frames"
            : c.WrittenIsEstimate ? "encoded output, sized as raw frames (the encoded size was not measured)"
            : string.Create(CultureInfo.InvariantCulture, $"encoded output, {Size(c.Measured.EncodedBytesPerFrame!.Value)} per frame as measured");
        return ThroughputRow(c, CaptureBudgetResource.Disk, c.Plan.ExistingFolder, required, c.Measured.DiskWriteBytesPerSecond,
            $"{what}; disk: {c.Measured.DiskNote}");
    }

    private static (CaptureBudgetRow, double?) EncoderRow(Context c)
    {
        string target = $"{VideoSinks.EncoderName(c.Plan.Encoder)} × {c.Plan.Cameras.Count} ({string.Join(", ", c.Plan.Cameras.Select(x => x.Format).Distinct())})";
        double required = c.Plan.InputBytesPerSecond;
        if (c.Measured.EncoderError is { } error)
            return (new CaptureBudgetRow(CaptureBudgetResource.Encoder, target, required, 0, BytesPerSecond, CaptureBudgetVerdict.DoesNotFit,
                "the encoder could not run: " + error), 0);
        return ThroughputRow(c, CaptureBudgetResource.Encoder, target, required, c.Measured.EncoderBytesPerSecond,
            string.Create(CultureInfo.InvariantCulture, $"{c.Rate * c.Plan.Cameras.Count:0.#} frames/s of raw input; encoder: {c.Measured.EncoderNote}"));
    }

    /// <summary>A drain stage (disk or encoder): over capacity still fits when the rings hold the deficit to the end.</summary>
    private static (CaptureBudgetRow, double?) ThroughputRow(Context c, CaptureBudgetResource resource, string target, double required, double? available, string note)
    {
        if (available is not double a)
            return (new CaptureBudgetRow(resource, target, required, null, BytesPerSecond, CaptureBudgetVerdict.Fits, note + " (not counted in the verdict)"), null);
        double ratio = required > 0 ? a / required : double.PositiveInfinity;
        var row = new CaptureBudgetRow(resource, target, required, a, BytesPerSecond, VerdictOf(a, required), note);
        if (ratio >= 1)
            return (row, ratio);
        double gainPerSecond = c.Rate * (1 - ratio); // frames per camera per second the ring gains
        double backlog = gainPerSecond * c.Seconds;
        double fillSeconds = c.Plan.RingFrames / gainPerSecond;
        var ci = CultureInfo.InvariantCulture;
        if (backlog <= c.Plan.RingFrames)
            return (new CaptureBudgetRow(resource, target, required, a, BytesPerSecond, CaptureBudgetVerdict.Tight, note + string.Format(ci,
                ". Falls behind by {0:0.#} frames/s per camera, but the rings ({1} frames per camera) would fill after {2:0.#} s and the take lasts {3:0.#} s: no frame lost, the writer finishes about {4:0.#} s after the last frame",
                gainPerSecond, c.Plan.RingFrames, fillSeconds, c.Seconds, backlog / (c.Rate * ratio))), ratio);
        return (new CaptureBudgetRow(resource, target, required, a, BytesPerSecond, CaptureBudgetVerdict.DoesNotFit, note + string.Format(ci,
            ". Falls behind by {0:0.#} frames/s per camera: the rings ({1} frames per camera) are full after {2:0.#} s of the {3:0.#} s take, then about {4:0} frames per camera are dropped",
            gainPerSecond, c.Plan.RingFrames, fillSeconds, c.Seconds, backlog - c.Plan.RingFrames)), ratio);
    }

    private static CaptureBudgetRow SpaceRow(Context c)
    {
        double required = c.WrittenPerSet * c.Frames;
        string note = string.Create(CultureInfo.InvariantCulture, $"{c.Frames} frames per camera of {(c.WrittenIsEstimate ? "raw size (encoded size not measured)" : c.Plan.Encoder == VideoEncoder.Y4M ? "raw Y4M" : "measured encoded size")}; video files only");
        if (c.Measured.FreeBytes is not long free)
            return new CaptureBudgetRow(CaptureBudgetResource.DiskSpace, c.Plan.ExistingFolder, required, null, Bytes, CaptureBudgetVerdict.Fits, note + "; free space could not be read (not counted in the verdict)");
        return CapacityRow(CaptureBudgetResource.DiskSpace, c.Plan.ExistingFolder, required, free, note);
    }

    private static CaptureBudgetRow CapacityRow(CaptureBudgetResource resource, string target, double required, double available, string note) =>
        new(resource, target, required, available, Bytes, VerdictOf(available, required), note);

    private static IEnumerable<CaptureBudgetRow> LinkRows(Context c)
    {
        var linked = c.Plan.Cameras.Where(x => x.LinkKind != CaptureLinkKind.None).ToList();
        if (linked.Count < c.Plan.Cameras.Count)
        {
            var unlinked = c.Plan.Cameras.Where(x => x.LinkKind == CaptureLinkKind.None).ToList();
            bool simulated = unlinked.Any(x => x.Backend.Length > 0);
            yield return new CaptureBudgetRow(CaptureBudgetResource.Link, "none", unlinked.Sum(x => (double)x.FrameBytes) * c.Rate, null, BytesPerSecond,
                CaptureBudgetVerdict.Fits, string.Create(CultureInfo.InvariantCulture,
                    $"{unlinked.Count} camera(s) {(simulated ? "simulated: their frames cross no link" : "given by frame size only: no link to check (pipe the cameras from Get-SyncCamera)")}"));
        }
        var byId = c.Plan.Cameras.ToDictionary(x => x.Id, StringComparer.OrdinalIgnoreCase);
        foreach (var group in c.Measured.Links.GroupBy(l => l.LinkName))
        {
            var cams = group.Where(l => byId.ContainsKey(l.CameraId)).Select(l => byId[l.CameraId]).ToList();
            double required = cams.Sum(x => (double)x.FrameBytes) * c.Rate;
            var first = group.First();
            string note = string.Create(CultureInfo.InvariantCulture, $"{cams.Count} camera(s) ({string.Join(", ", cams.Select(x => x.Id))}), frame payload only; {first.Note}");
            if (first.BytesPerSecond is not double bw)
                yield return new CaptureBudgetRow(CaptureBudgetResource.Link, group.Key, required, null, BytesPerSecond, CaptureBudgetVerdict.Fits, note + " (not counted in the verdict)");
            else
                yield return new CaptureBudgetRow(CaptureBudgetResource.Link, group.Key, required, bw, BytesPerSecond, VerdictOf(bw, required), note);
        }
    }

    private static CaptureBudgetVerdict VerdictOf(double available, double required)
    {
        if (required > available)
            return CaptureBudgetVerdict.DoesNotFit;
        return available > 0 && (available - required) / available * 100 >= TightHeadroomPercent ? CaptureBudgetVerdict.Fits : CaptureBudgetVerdict.Tight;
    }

    /// <summary>The fix for the limiting row, from the numbers.</summary>
    private static string Fix(Context c, CaptureBudgetRow row, double? ratio)
    {
        var ci = CultureInfo.InvariantCulture;
        var fixes = new List<string>();
        var plan = c.Plan;
        double headroomFactor = 1 - TightHeadroomPercent / 100;
        switch (row.Resource)
        {
            case CaptureBudgetResource.Disk:
            case CaptureBudgetResource.Encoder:
                if (row.Available is double a && a > 0)
                {
                    string rate = Rate(c.Rate * a / row.Required * headroomFactor);
                    fixes.Add(row.Resource == CaptureBudgetResource.Disk
                        ? string.Format(ci, "lower -FrameRate to {0} Hz (the disk writes {1}, the take would write {2})", rate, Throughput(a), Throughput(row.Required))
                        : string.Format(ci, "lower -FrameRate to {0} Hz (the encoders take {1} of raw frames, the cameras send {2})", rate, Throughput(a), Throughput(row.Required)));
                    if (BufferFix(c, ratio) is { } buffer)
                    {
                        if (buffer.StartsWith('('))
                            fixes[^1] += " " + buffer;
                        else
                            fixes.Add(buffer);
                    }
                }
                if (row.Resource == CaptureBudgetResource.Encoder)
                {
                    double y4m = c.RawWrittenPerSet * c.Rate;
                    if (c.Measured.DiskWriteBytesPerSecond is double disk)
                    {
                        if (y4m <= disk * headroomFactor)
                            fixes.Add(string.Format(ci, "use -Encoder Y4M instead of {0} (raw frames: {1} against the disk's measured {2})", VideoSinks.EncoderName(plan.Encoder), Throughput(y4m), Throughput(disk)));
                    }
                    else
                    {
                        fixes.Add(string.Format(ci, "use -Encoder Y4M if the disk writes {0} (not measured)", Throughput(y4m / headroomFactor)));
                    }
                }
                else
                {
                    fixes.Add("write the take to a faster disk (another -Path)");
                }
                break;
            case CaptureBudgetResource.DiskSpace:
                double perSecond = c.WrittenPerSet * c.Rate;
                if (row.Available is double free)
                {
                    fixes.Add(string.Format(ci, "free {0} on {1} or give a -Path on a disk with {2} free", Size(Math.Max(0, row.Required / headroomFactor - free)), row.Target, Size(row.Required / headroomFactor)));
                    if (perSecond > 0)
                        fixes.Add(string.Format(ci, "shorten -Duration to {0:0} s", Math.Floor(free * headroomFactor / perSecond)));
                }
                if (plan.Encoder == VideoEncoder.Y4M)
                    fixes.Add("record with a compressing -Encoder (Ffv1 is lossless) if it keeps up (Test-CaptureBudget -Encoder Ffv1 measures it)");
                break;
            case CaptureBudgetResource.Memory:
                if (row.Available is double max)
                    fixes.Add(string.Format(ci, "give -BufferMemory {0}MB or less (the rings may take {1} of this host's RAM)", Math.Max(1, Math.Floor(max * headroomFactor / 1e6)), Size(max)));
                fixes.Add("free memory");
                break;
            case CaptureBudgetResource.Link:
                if (row.Available is double bw && bw > 0)
                    fixes.Add(string.Format(ci, "lower -FrameRate to {0} Hz ({1} carries {2}, the cameras on it send {3})", Rate(c.Rate * bw / row.Required * headroomFactor), row.Target, Throughput(bw), Throughput(row.Required)));
                fixes.Add($"spread the cameras on {row.Target} over more links");
                break;
        }
        if (fixes.Count == 0)
            return "Measure it: run Test-CaptureBudget on this host.";
        string text = string.Join("; or ", fixes);
        return char.ToUpperInvariant(text[0]) + text[1..] + ".";
    }

    /// <summary>"give -BufferMemory N MB": rings that carry the deficit to the end of the take, when RAM allows.</summary>
    private static string? BufferFix(Context c, double? ratio)
    {
        if (ratio is not double r || r >= 1 || r <= 0)
            return null;
        double backlog = c.Rate * (1 - r) * c.Seconds;
        double bytes = (Math.Ceiling(backlog) + 2) * c.Plan.FrameSetBytes / (1 - TightHeadroomPercent / 100);
        if (bytes <= c.Plan.RingBytes)
            return null;
        if (c.Measured.MaxRingBytes is long max && bytes > max)
            return string.Create(CultureInfo.InvariantCulture, $"(rings that carry the deficit to the end would need {Size(bytes)}, more than the {Size(max)} of RAM they may take)");
        return string.Create(CultureInfo.InvariantCulture, $"give -BufferMemory {Math.Ceiling(bytes / 1e6):0}MB so the rings carry the deficit to the end of the take");
    }

    private static string Rate(double hz) => hz >= 10
        ? Math.Floor(hz).ToString("0", CultureInfo.InvariantCulture)
        : Math.Max(0.1, Math.Floor(hz * 10) / 10).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>"123.4 MB/s" (decimal megabytes, as disks and links are rated), for messages.</summary>
    public static string Throughput(double bytesPerSecond) => Size(bytesPerSecond) + "/s";

    /// <summary>"1.23 GB", "45.6 MB", "789 kB" (decimal units).</summary>
    public static string Size(double bytes) => bytes switch
    {
        >= 1e9 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.##} GB"),
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0} kB"),
    };
}
