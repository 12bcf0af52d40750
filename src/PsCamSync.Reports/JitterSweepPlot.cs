using PsCamSync.Core.Capture;
using ScottPlot;

namespace PsCamSync.Reports;

/// <summary>
/// The jitter-versus-frame-rate figure of a sweep (as in the FLIR-on-Raspberry-Pi study): interval SD, median, p99
/// and max deviation, exposure delay p99 and trigger-thread wake error p99 against frame rate, µs on a linear axis. Drawn with
/// ScottPlot 5 (on SkiaSharp), in the style of the take report's charts (<see cref="PlotFiles.Style"/>).
/// </summary>
public static class JitterSweepPlot
{
    /// <summary>Width of the saved figure, pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of the saved figure, pixels.</summary>
    public const int Height = 600;

    /// <summary>
    /// Draws <paramref name="points"/> and saves the figure to <paramref name="path"/>: SVG when the name ends in
    /// <c>.svg</c>, PNG otherwise. Series without values (e.g. no clock model) are left out.
    /// </summary>
    /// <param name="points">The sweep's points (any order; drawn by frame rate).</param>
    /// <param name="path">The file to write (its folder must exist); overwritten.</param>
    /// <param name="title">The figure's title.</param>
    /// <returns>The full path written.</returns>
    /// <exception cref="ArgumentException">No points.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static string Save(IReadOnlyList<JitterSweepPoint> points, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
            throw new ArgumentException("a sweep without points has nothing to plot", nameof(points));
        var plot = Build(points, title);
        string full = Path.GetFullPath(path);
        if (full.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            plot.SaveSvg(full, Width, Height);
        else
            plot.SavePng(full, Width, Height);
        if (!File.Exists(full))
            throw new IOException($"the plot was not written to '{full}'.");
        return full;
    }

    private static Plot Build(IReadOnlyList<JitterSweepPoint> points, string title)
    {
        var sorted = points.OrderBy(p => p.FrameRateHz).ToList();
        var plot = new Plot();
        Add(plot, sorted, "interval SD", p => p.IntervalStdDevUs, LinePattern.Solid);
        Add(plot, sorted, "interval median |Δ − period|", p => p.IntervalP50DeviationUs, LinePattern.Dashed);
        Add(plot, sorted, "interval p99 |Δ − period|", p => p.IntervalP99DeviationUs, LinePattern.Solid);
        Add(plot, sorted, "interval max |Δ − period|", p => p.IntervalMaxDeviationUs, LinePattern.Dotted);
        Add(plot, sorted, "exposure start − Tn, p99", p => p.ExposureDelayP99Us, LinePattern.Dashed);
        Add(plot, sorted, "trigger wake error p99", p => p.WakeErrorP99Us, LinePattern.Dashed);
        plot.Title(title);
        plot.XLabel("frame rate (Hz)");
        plot.YLabel("µs");
        plot.Axes.SetLimitsY(0, Math.Max(10, sorted.Max(p => new[] { p.IntervalMaxDeviationUs, p.ExposureDelayP99Us, p.WakeErrorP99Us }.Max(v => v ?? 0)) * 1.08));
        PlotFiles.Style(plot);                    // the take report's font sizes
        plot.ShowLegend(Alignment.UpperLeft);     // low rates (left) are usually the clean ones, so the legend goes there
        return plot;
    }

    private static void Add(Plot plot, List<JitterSweepPoint> points, string label, Func<JitterSweepPoint, double?> value, LinePattern pattern)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var p in points)
        {
            if (value(p) is { } v && double.IsFinite(v))
            {
                xs.Add(p.FrameRateHz);
                ys.Add(v);
            }
        }
        if (xs.Count == 0)
            return;
        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        scatter.LegendText = label;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
    }
}
