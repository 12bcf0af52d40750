using PsCamSync.Core.Cameras;
using System.Globalization;
using System.Net;
using System.Text;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Takes;

namespace PsCamSync.Reports;

/// <summary>A chart as the HTML page shows it: its figure, and the PNG bytes and file names written for it.</summary>
/// <param name="Figure">The chart.</param>
/// <param name="Png">The PNG file's bytes, embedded in the page as a data: URI.</param>
/// <param name="PngFile">The PNG's file name beside index.html.</param>
/// <param name="SvgFile">The SVG's file name beside index.html.</param>
internal sealed record RenderedFigure(ReportFigure Figure, byte[] Png, string PngFile, string SvgFile);

/// <summary>
/// Writes the take report's self-contained HTML page: CSS inline, charts embedded as base64 PNG (with links to the PNG
/// and SVG files beside the page). Every string from the take is HTML-encoded.
/// </summary>
internal static class TakeReportHtml
{
    /// <summary>Most rows of the frame-set gap table shown; the page says how many more there are.</summary>
    public const int MaxGapRows = 500;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1160px; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 2px; margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th { background: #f0f0f0; }
        td.text, th.text { text-align: left; }
        dl.header { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
        dl.header dt { font-weight: 600; }
        dl.header dd { margin: 0; }
        figure { margin: 12px 0 24px 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { font-size: 0.85em; color: #555; }
        td.Captured { background: #e6f4ea; }
        td.TriggerMissed, td.Dropped, td.WriteFailed { background: #fde2e1; }
        td.TriggerLate, td.Incomplete { background: #fff3cd; }
        td.CameraLost, td.NoRow { background: #e2e3e5; }
        p.note { color: #555; font-size: 0.9em; }
        """;

    /// <summary>The page for <paramref name="series"/> with the charts <paramref name="figures"/>.</summary>
    public static string Build(TakeSeries series, IReadOnlyList<RenderedFigure> figures)
    {
        var report = series.Report;
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E($"Take report: {report.Take}")).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

        Header(html, series);
        Counts(html, series);
        Skew(html, report);
        int figure = 0;
        // The take-wide charts, then per camera.
        for (; figure < figures.Count && figure < 2; figure++)
            Figure(html, figures[figure]);
        GapTable(html, series);
        Faults(html, series);
        TriggerThreads(html, series);
        if (figure < figures.Count)
        {
            html.Append("<h2 id=\"cameras\">Per camera</h2>\n");
            for (; figure < figures.Count; figure++)
                Figure(html, figures[figure]);
        }
        html.Append("<p class=\"note\">Written by PsCamSync Export-SyncTakeReport at ")
            .Append(E(DateTimeOffset.UtcNow.ToString("u", Inv))).Append(".</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Header(StringBuilder html, TakeSeries series)
    {
        var report = series.Report;
        html.Append("<h1>Take ").Append(E(report.Take)).Append("</h1>\n<dl class=\"header\">\n");
        Item(html, "Hosts", report.Host);
        Item(html, "Folders", string.Join("; ", series.Folders.Select(f => f.Path)));
        Item(html, "Trigger mode", report.TriggerMode);
        Item(html, "State", report.State.ToString() +
            string.Concat(series.Folders.Where(f => f.StopReason is not null).Select(f => $" ({f.Host}: {f.StopReason})")));
        Item(html, "Period", $"{series.PeriodNs / 1e6:0.###} ms ({1e9 / series.PeriodNs:0.###} Hz)");
        Item(html, "t0", DateTimeOffset.FromUnixTimeMilliseconds(series.StartNs / 1_000_000).ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", Inv));
        Item(html, "Frames matched by", report.MatchedBy.ToString());
        Item(html, "Complete frame sets", $"{report.CompleteFrameSets} of {report.ExpectedFrameSets}");
        html.Append("</dl>\n");
    }

    private static void Item(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");

    private static void Counts(StringBuilder html, TakeSeries series)
    {
        string[] columns = ["Expected", "Captured", "Missing", "Dropped", "WriteFailed", "Late", "CameraLost", "Incomplete"];
        static long[] Values(CameraReport c) => [c.Expected, c.Captured, c.Missing, c.Dropped, c.WriteFailed, c.Late, c.CameraLost, c.Incomplete];

        html.Append("<h2 id=\"counts\">Counts per camera</h2>\n<table id=\"counts-per-camera\">\n<tr><th class=\"text\">Host</th><th class=\"text\">Camera</th>");
        foreach (var c in columns)
            html.Append("<th>").Append(E(c)).Append("</th>");
        html.Append("<th>Interval mean, ms</th><th>Interval SD, µs</th><th>Exposure after Tn, µs</th></tr>\n");
        foreach (var camera in series.Report.Cameras)
        {
            html.Append("<tr><td class=\"text\">").Append(E(camera.Host)).Append("</td><td class=\"text\">").Append(E(camera.CameraId)).Append("</td>");
            foreach (long v in Values(camera))
                html.Append("<td>").Append(v.ToString(Inv)).Append("</td>");
            html.Append("<td>").Append((camera.IntervalMeanNs / 1e6).ToString("0.000", Inv)).Append("</td><td>")
                .Append((camera.IntervalStdDevNs / 1e3).ToString("0.0", Inv)).Append("</td><td>")
                .Append(camera.MappedOffsetMeanNs is double m ? (m / 1e3).ToString("0.0", Inv) : "–").Append("</td></tr>\n");
        }
        html.Append("</table>\n");

        html.Append("<h2 id=\"hosts\">Counts per host</h2>\n<table id=\"counts-per-host\">\n<tr><th class=\"text\">Host</th><th>Cameras</th>");
        foreach (var c in columns)
            html.Append("<th>").Append(E(c)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var host in series.Report.Cameras.GroupBy(c => c.Host))
        {
            html.Append("<tr><td class=\"text\">").Append(E(host.Key)).Append("</td><td>").Append(host.Count().ToString(Inv)).Append("</td>");
            var sums = new long[columns.Length];
            foreach (var camera in host)
            {
                var v = Values(camera);
                for (int i = 0; i < v.Length; i++)
                    sums[i] += v[i];
            }
            foreach (long s in sums)
                html.Append("<td>").Append(s.ToString(Inv)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void Skew(StringBuilder html, TakeReport report)
    {
        html.Append("<h2 id=\"skew\">Skew statistics</h2>\n<table id=\"skew-statistics\">\n<tr><th class=\"text\">Times</th><th>Frame sets</th><th>p50, µs</th><th>p99, µs</th><th>max, µs</th></tr>\n");
        foreach (var s in new[] { report.ScheduledSkew, report.TriggerSkew, report.DeviceSkew, report.MappedDeviceSkew })
            html.Append("<tr><td class=\"text\">").Append(E(s.Kind.ToString())).Append("</td><td>").Append(s.FrameSets.ToString(Inv)).Append("</td><td>")
                .Append(Us(s.P50Ns)).Append("</td><td>").Append(Us(s.P99Ns)).Append("</td><td>").Append(Us(s.MaxNs)).Append("</td></tr>\n");
        html.Append("</table>\n<p class=\"note\">Skew is max − min of one kind of time within a frame set, over the cameras that have it (nearest-rank percentiles). Device: raw device timestamps, each on its own camera clock; MappedDevice: exposure starts mapped onto the shared timeline by each camera's clock model.</p>\n");
    }

    private static string Us(long ns) => (ns / 1e3).ToString("0.0", Inv);

    private static void Figure(StringBuilder html, RenderedFigure f)
    {
        html.Append("<h3>").Append(E(f.Figure.Heading)).Append("</h3>\n<figure id=\"figure-").Append(E(f.Figure.FileStem)).Append("\">\n<img src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(f.Png)).Append("\" alt=\"").Append(E(f.Figure.Heading))
            .Append("\" width=\"").Append(TakeReportPlots.WidthPx.ToString(Inv)).Append("\" height=\"").Append(TakeReportPlots.HeightPx.ToString(Inv)).Append("\">\n<figcaption>")
            .Append(E(f.Figure.Caption)).Append(" Files: <a href=\"").Append(E(Uri.EscapeDataString(f.PngFile))).Append("\">").Append(E(f.PngFile))
            .Append("</a>, <a href=\"").Append(E(Uri.EscapeDataString(f.SvgFile))).Append("\">").Append(E(f.SvgFile)).Append("</a>.</figcaption>\n</figure>\n");
    }

    private static void GapTable(StringBuilder html, TakeSeries series)
    {
        var gaps = series.FrameSets.Where(r => r.HasGap).ToList();
        html.Append("<h2 id=\"gaps\">Frame-set gaps</h2>\n");
        if (gaps.Count == 0)
        {
            html.Append("<p id=\"no-gaps\">Every camera has a Captured frame in every frame set.</p>\n");
            return;
        }
        html.Append("<p>Frame sets in which at least one camera has no Captured frame: ").Append(gaps.Count.ToString(Inv)).Append(" of ")
            .Append(series.FrameSets.Count.ToString(Inv)).Append(". Each cell is that camera's status for the frame index (NoRow: its frames table has no row).</p>\n");
        html.Append("<table id=\"gap-table\">\n<tr><th>Frame index</th><th>s after t0</th>");
        foreach (var camera in series.Cameras)
            html.Append("<th class=\"text\">").Append(E(camera.Label)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in gaps.Take(MaxGapRows))
        {
            html.Append("<tr><td>").Append(row.Index.ToString(Inv)).Append("</td><td>")
                .Append(TakeReportPlots.Seconds(series, row.ScheduledNs).ToString("0.000", Inv)).Append("</td>");
            foreach (var status in row.Status)
            {
                string s = StatusText(status);
                html.Append("<td class=\"text ").Append(s).Append("\">").Append(s).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
        if (gaps.Count > MaxGapRows)
            html.Append("<p class=\"note\" id=\"gaps-more\">The first ").Append(MaxGapRows.ToString(Inv)).Append(" frame sets with gaps are shown; ")
                .Append((gaps.Count - MaxGapRows).ToString(Inv)).Append(" more are in the frames tables.</p>\n");
    }

    /// <summary>The gap table's text for a status: its name, or <c>NoRow</c> when the camera has no row.</summary>
    public static string StatusText(FrameStatus? status) => status?.ToString() ?? "NoRow";

    private static void Faults(StringBuilder html, TakeSeries series)
    {
        html.Append("<h2 id=\"faults\">Faults</h2>\n");
        if (series.Faults.Count == 0)
            html.Append("<p id=\"no-faults\">take.json recorded no faults.</p>\n");
        else
        {
            html.Append("<table id=\"fault-table\">\n<tr><th>s after t0</th><th class=\"text\">Host</th><th class=\"text\">Camera</th><th class=\"text\">Source</th><th class=\"text\">Message</th></tr>\n");
            foreach (var f in series.Faults)
                html.Append("<tr><td>").Append(TakeReportPlots.Seconds(series, f.TimeNs).ToString("0.000", Inv)).Append("</td><td class=\"text\">").Append(E(f.Host))
                    .Append("</td><td class=\"text\">").Append(E(f.Camera ?? "")).Append("</td><td class=\"text\">").Append(E(f.Source.ToString()))
                    .Append("</td><td class=\"text\">").Append(E(f.Message)).Append("</td></tr>\n");
            html.Append("</table>\n<p class=\"note\">The charts mark these times with dashed red lines.</p>\n");
        }
        if (series.Report.Faults.Count > 0)
        {
            html.Append("<h3>As Measure-SyncTake reports them</h3>\n<ul id=\"analysis-faults\">\n");
            foreach (var f in series.Report.Faults)
                html.Append("<li>").Append(E(f)).Append("</li>\n");
            html.Append("</ul>\n");
        }
    }

    private static void TriggerThreads(StringBuilder html, TakeSeries series)
    {
        html.Append("<h2 id=\"trigger-thread\">Trigger thread</h2>\n<table id=\"trigger-thread-table\">\n<tr><th class=\"text\">Host</th><th>SCHED_FIFO priority</th><th>Timer slack, ns</th>" +
            "<th class=\"text\">Memory locked</th><th>Spin, µs</th><th>Ready after start, ms</th><th>Wake error p50, µs</th><th>p99, µs</th><th>max, µs</th><th>GCs</th><th class=\"text\">Refused</th></tr>\n");
        foreach (var folder in series.Folders)
        {
            html.Append("<tr><td class=\"text\">").Append(E(folder.Host)).Append("</td>");
            if (folder.TriggerThread is not { } t)
            {
                html.Append("<td class=\"text\" colspan=\"10\">take.json has no trigger-thread report (the camera kept the time, or the take did not start).</td></tr>\n");
                continue;
            }
            html.Append("<td>").Append(t.FifoPriority.ToString(Inv)).Append("</td><td>").Append(t.TimerSlackNs.ToString(Inv)).Append("</td><td class=\"text\">")
                .Append(t.MemoryLocked ? "yes" : "no").Append("</td><td>").Append((t.SpinNs / 1e3).ToString("0.0", Inv)).Append("</td><td>")
                .Append(t.ReadyNs == 0 ? "–" : ((t.ReadyNs - folder.StartedNs) / 1e6).ToString("0.0", Inv)).Append("</td><td>")
                .Append(t.WakeErrorP50Us.ToString("0.0", Inv)).Append("</td><td>").Append(t.WakeErrorP99Us.ToString("0.0", Inv)).Append("</td><td>")
                .Append(t.WakeErrorMaxUs.ToString("0.0", Inv)).Append("</td><td>").Append(t.GarbageCollections.ToString(Inv)).Append("</td><td class=\"text\">")
                .Append(E(string.Join("; ", t.Refused))).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
