using PsCamSync.Core.Analysis;
using PsCamSync.Core.Takes;
using ScottPlot;

namespace PsCamSync.Reports;

/// <summary>One chart of a take report: the file stem its PNG and SVG get, its heading and caption, and the plot.</summary>
/// <param name="FileStem">File name without extension (letters, digits, '-', '_', '.').</param>
/// <param name="Heading">Heading above the figure.</param>
/// <param name="Caption">What it shows, in a sentence.</param>
/// <param name="Plot">The ScottPlot plot.</param>
internal sealed record ReportFigure(string FileStem, string Heading, string Caption, Plot Plot);

/// <summary>
/// The charts of a take report, drawn with ScottPlot from a <see cref="TakeSeries"/>. Time axes are seconds after the
/// schedule's t0 (frame set n at Tn − t0); faults recorded in take.json are dashed red vertical lines at their times.
/// </summary>
internal static class TakeReportPlots
{
    /// <summary>Width of every chart, px.</summary>
    public const int WidthPx = 1100;
    /// <summary>Height of every chart, px.</summary>
    public const int HeightPx = 400;

    private static readonly Color TriggerColor = Colors.DarkOrange;
    private static readonly Color DeviceColor = Colors.SlateGray;
    private static readonly Color MappedColor = Colors.RoyalBlue;
    private static readonly Color FaultColor = Colors.Crimson;

    /// <summary>Every chart: skew over time, skew histogram, then per camera exposure start after Tn and frame interval.</summary>
    public static List<ReportFigure> All(TakeSeries series)
    {
        var figures = new List<ReportFigure>
        {
            new("skew", "Skew per frame set",
                "Cross-camera skew (max − min over the cameras of each frame set) of trigger issue times and of exposure starts mapped onto the shared timeline (left axis, µs), and of raw device timestamps, each on its own camera clock (right axis, ms).",
                SkewOverTime(series)),
            new("skew-histogram", "Histogram of skew",
                "How often each skew occurs: trigger issue times and mapped exposure starts (µs).",
                SkewHistogram(series)),
        };
        for (int c = 0; c < series.Cameras.Count; c++)
        {
            var camera = series.Cameras[c];
            string stem = $"camera{c + 1}-{TakeFolder.FileStem(camera.CameraId)}";
            figures.Add(new($"{stem}-exposure", $"{camera.Label}: exposure start after Tn",
                camera.HasClockModel
                    ? "Exposure start (device timestamp mapped through the camera's clock model) minus the scheduled time Tn, µs, for frames with pixels."
                    : "The take recorded no clock model for this camera, so its exposure starts cannot be placed on the shared timeline.",
                ExposureAfterTn(series, c)));
            figures.Add(new($"{stem}-interval", $"{camera.Label}: frame interval",
                $"Device-timestamp interval between consecutive frames, ms (the schedule's period is {series.PeriodNs / 1e6:0.###} ms).",
                Interval(series, c)));
        }
        return figures;
    }

    /// <summary>Trigger and mapped-device skew (µs, left axis) and raw device skew (ms, right axis) over time.</summary>
    public static Plot SkewOverTime(TakeSeries series)
    {
        var plot = NewPlot("Skew per frame set", "µs (trigger, mapped device)");
        AddPoints(plot, series, r => r.TriggerSkewNs, 1e3, "Trigger", TriggerColor);
        AddPoints(plot, series, r => r.MappedDeviceSkewNs, 1e3, "Mapped device", MappedColor);
        var raw = AddPoints(plot, series, r => r.DeviceSkewNs, 1e6, "Raw device (right axis, ms)", DeviceColor);
        if (raw is not null)
        {
            raw.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "ms (raw device)";
        }
        AddFaults(plot, series, camera: null);
        return plot;
    }

    /// <summary>Histograms of trigger and mapped-device skew, µs.</summary>
    public static Plot SkewHistogram(TakeSeries series)
    {
        var plot = new Plot();
        plot.Title("Histogram of skew");
        plot.XLabel("skew, µs");
        plot.YLabel("frame sets");
        foreach (var (values, label, color) in new[]
        {
            (series.FrameSets.Where(r => r.TriggerSkewNs.HasValue).Select(r => r.TriggerSkewNs!.Value / 1e3).ToArray(), "Trigger", TriggerColor),
            (series.FrameSets.Where(r => r.MappedDeviceSkewNs.HasValue).Select(r => r.MappedDeviceSkewNs!.Value / 1e3).ToArray(), "Mapped device", MappedColor),
        })
        {
            if (values.Length == 0)
                continue;
            double min = values.Min(), max = values.Max();
            if (max <= min)
                max = min + 1;
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(40, min, max);
            histogram.AddRange(values);
            plot.Add.Histogram(histogram, color.WithAlpha(0.6));
            // Histogram bars carry no legend text of their own.
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = color.WithAlpha(0.6) });
        }
        if (plot.GetPlottables().Any())
            plot.Axes.Margins(bottom: 0);
        else
            plot.Title("Histogram of skew: no frame set with two cameras");
        return plot;
    }

    /// <summary>Camera <paramref name="camera"/>'s exposure start after Tn over time, µs.</summary>
    public static Plot ExposureAfterTn(TakeSeries series, int camera)
    {
        var plot = NewPlot($"{series.Cameras[camera].Label}: exposure start after Tn", "µs");
        AddPoints(plot, series, r => r.ExposureAfterTnNs[camera], 1e3, null, MappedColor);
        AddFaults(plot, series, series.Cameras[camera]);
        return plot;
    }

    /// <summary>Camera <paramref name="camera"/>'s frame interval over time, ms, with the period as a line.</summary>
    public static Plot Interval(TakeSeries series, int camera)
    {
        var plot = NewPlot($"{series.Cameras[camera].Label}: frame interval", "ms");
        AddPoints(plot, series, r => r.IntervalNs[camera], 1e6, null, Colors.SeaGreen);
        var period = plot.Add.HorizontalLine(series.PeriodNs / 1e6, 1, Colors.Gray, LinePattern.Dotted);
        period.LegendText = "period";
        AddFaults(plot, series, series.Cameras[camera]);
        return plot;
    }

    private static Plot NewPlot(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("s after t0");
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Adds the non-null values of <paramref name="value"/> (ns, divided by <paramref name="scale"/>) against
    /// time as points; null when there are none (the plot then says so in its title).</summary>
    private static ScottPlot.Plottables.Scatter? AddPoints(Plot plot, TakeSeries series, Func<FrameSetRow, long?> value, double scale, string? label, Color color)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var row in series.FrameSets)
        {
            if (value(row) is not long v)
                continue;
            xs.Add(Seconds(series, row.ScheduledNs));
            ys.Add(v / scale);
        }
        if (xs.Count == 0)
        {
            plot.Axes.Title.Label.Text += label is null ? " (no values)" : $" ({label}: no values)";
            return null;
        }
        var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), color);
        points.MarkerSize = xs.Count > 2000 ? 2 : 4;
        if (label is not null)
            points.LegendText = label;
        return points;
    }

    /// <summary>Dashed vertical lines at the faults of <paramref name="camera"/> and of its host's take as a whole (all
    /// faults when null).</summary>
    private static void AddFaults(Plot plot, TakeSeries series, SeriesCamera? camera)
    {
        bool first = true;
        foreach (var fault in series.Faults)
        {
            if (camera is not null && (fault.Host != camera.Host || (fault.Camera is not null && fault.Camera != camera.CameraId)))
                continue;
            var line = plot.Add.VerticalLine(Seconds(series, fault.TimeNs), 1.5f, FaultColor.WithAlpha(0.7), LinePattern.Dashed);
            if (first)
                line.LegendText = "fault";
            first = false;
        }
    }

    /// <summary>Seconds after the schedule's t0.</summary>
    public static double Seconds(TakeSeries series, long timeNs) => (timeNs - series.StartNs) / 1e9;
}
