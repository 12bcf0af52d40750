using AngleSharp.Dom;
using PsCamSync.Core.Analysis;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Cameras.Simulated;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Analysis;
using PsCamSync.Core.Tests.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;
using PsCamSync.Reports;
using SkiaSharp;
using Xunit.Abstractions;

namespace PsCamSync.Core.Tests.Reports;

/// <summary>
/// A take recorded from three simulated cameras, one of them unplugged mid-take (so there are missed and CameraLost
/// slots and a fault), exported once as a report.
/// </summary>
public sealed class RecordedTakeReport : IDisposable
{
    private readonly TempDirectory _dir = new("pscamsync-report");

    /// <summary>The take folder.</summary>
    public string TakePath { get; }
    /// <summary>The report folder.</summary>
    public string ReportPath { get; }
    /// <summary>What <see cref="TakeReportExporter.Export"/> returned.</summary>
    public IReadOnlyList<string> Written { get; }
    /// <summary>The series the report was drawn from.</summary>
    public TakeSeries Series { get; }
    /// <summary>Progress calls (percent, status).</summary>
    public List<(int Percent, string Status)> Progress { get; } = new();

    public RecordedTakeReport()
    {
        var backend = new SimulatedBackend(3, (k, o) => { if (k == 1) o.UnplugAfterTriggers = 80; });
        var opened = backend.Discover().Select(c => backend.Open(c.Id)).ToList();
        var schedule = SimulatedTakeTests.ScheduleSoon(50, 4, leadSeconds: 2.0);
        using (var session = CaptureSession.Start(opened,
            new CaptureOptions { TriggerMode = SyncTriggerMode.Software, Schedule = schedule, Path = _dir.Combine("scene1"), Backends = new ICameraBackend[] { backend } }))
        {
            SimulatedTakeTests.Run(session, timeoutSeconds: 40);
            TakePath = session.TakePath;
        }
        Series = TakeSeries.Load([TakePath]);
        ReportPath = _dir.Combine("report");
        Written = TakeReportExporter.Export(Series, ReportPath, (p, s) => Progress.Add((p, s)));
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// The report's structure: the page parses (strict HTML5), holds every section with the report's numbers, every chart
/// embedded and every file linked is a valid PNG or SVG, the gap table equals the statuses in the frames tables, and
/// Chromium renders the page with its charts.
/// </summary>
[Collection("Takes")]
public sealed class TakeReportExportTests : IClassFixture<RecordedTakeReport>
{
    private readonly RecordedTakeReport _take;
    private readonly ITestOutputHelper _output;

    public TakeReportExportTests(RecordedTakeReport take, ITestOutputHelper output)
    {
        _take = take;
        _output = output;
    }

    private string Page => Path.Combine(_take.ReportPath, TakeReportExporter.PageFileName);

    private static List<string> Cells(IElement row) => row.Children.Select(c => c.TextContent.Trim()).ToList();

    [Fact]
    public void Page_Parses_AndHoldsEverySection_WithTheReportsNumbers()
    {
        var doc = ReportFiles.ParseHtml(Page);
        var report = _take.Series.Report;
        Assert.Equal($"Take report: {report.Take}", doc.Title);
        Assert.Equal($"Take {report.Take}", doc.QuerySelector("h1")!.TextContent);
        foreach (var id in new[] { "counts-per-camera", "counts-per-host", "skew-statistics", "gap-table", "fault-table", "trigger-thread-table" })
            Assert.True(doc.GetElementById(id) is not null, $"no #{id}");
        Assert.Empty(doc.QuerySelectorAll("script"));
        Assert.Empty(doc.QuerySelectorAll("link[rel=stylesheet]"));   // CSS inline

        var rows = doc.QuerySelectorAll("#counts-per-camera tr").Skip(1).Select(Cells).ToList();
        Assert.Equal(report.Cameras.Count, rows.Count);
        for (int c = 0; c < rows.Count; c++)
        {
            var r = report.Cameras[c];
            Assert.Equal(new[] { r.Host, r.CameraId, $"{r.Expected}", $"{r.Captured}", $"{r.Missing}", $"{r.Dropped}", $"{r.WriteFailed}", $"{r.Late}", $"{r.CameraLost}", $"{r.Incomplete}" },
                rows[c].Take(10));
        }
        var host = Cells(doc.QuerySelectorAll("#counts-per-host tr")[1]);
        Assert.Equal(report.Host, host[0]);
        Assert.Equal($"{report.Cameras.Sum(c => c.Captured)}", host[3]);
        var trigger = doc.QuerySelectorAll("#skew-statistics tr").Select(Cells).Single(r => r[0] == "Trigger");
        Assert.Equal((report.TriggerSkew.P99Ns / 1e3).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), trigger[3]);

        // Progress went from 0 to 100 through every chart.
        Assert.Equal(0, _take.Progress[0].Percent);
        Assert.Equal(100, _take.Progress[^1].Percent);
        Assert.True(_take.Progress.Select(p => p.Percent).SequenceEqual(_take.Progress.Select(p => p.Percent).Order()));
    }

    [Fact]
    public void EveryChart_EmbeddedAndBeside_IsAValidPngOrSvg_AndTheFilesWrittenAreThoseLinked()
    {
        var doc = ReportFiles.ParseHtml(Page);
        var images = doc.QuerySelectorAll("img").ToList();
        // Skew, histogram, then exposure and interval per camera.
        Assert.Equal(2 + 2 * _take.Series.Cameras.Count, images.Count);
        foreach (var img in images)
        {
            string src = img.GetAttribute("src")!;
            const string prefix = "data:image/png;base64,";
            Assert.StartsWith(prefix, src);
            var size = ReportFiles.AssertPng(Convert.FromBase64String(src[prefix.Length..]), img.GetAttribute("alt")!);
            Assert.Equal((1100, 400), size);
        }

        var linked = doc.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(2 * images.Count, linked.Count);
        foreach (var href in linked)
        {
            string file = Path.Combine(_take.ReportPath, Uri.UnescapeDataString(href));
            Assert.True(File.Exists(file), $"{href} is linked but not there");
            if (file.EndsWith(".png", StringComparison.Ordinal))
                Assert.Equal((1100, 400), ReportFiles.AssertPng(File.ReadAllBytes(file), href));
            else
            {
                Assert.EndsWith(".svg", file);
                ReportFiles.AssertSvg(file);
            }
        }
        Assert.Equal(new[] { Page }.Concat(linked.Select(h => Path.Combine(_take.ReportPath, h))).Order(), _take.Written.Order());
        Assert.Equal(_take.Written.Order(), Directory.GetFiles(_take.ReportPath).Order());
    }

    [Fact]
    public void GapTable_EqualsTheStatusesInTheFramesTables()
    {
        var manifest = TakeFolder.ReadManifest(_take.TakePath);
        var tables = manifest.Cameras.Select(c => FramesTableReader.Read(Path.Combine(_take.TakePath, c.FramesFile)).ToDictionary(r => r.FrameIndex, r => r.Status)).ToList();
        var indexes = tables.SelectMany(t => t.Keys).Distinct().Order().ToList();
        var expected = indexes
            .Select(n => (Index: n, Cells: tables.Select(t => t.TryGetValue(n, out var s) ? s.ToString() : "NoRow").ToList()))
            .Where(r => r.Cells.Any(c => c != nameof(FrameStatus.Captured)))
            .ToList();
        Assert.Contains(expected, r => r.Cells[1] == nameof(FrameStatus.CameraLost));   // the unplugged camera made gaps
        Assert.InRange(expected.Count, 1, TakeReportHtml.MaxGapRows);

        var doc = ReportFiles.ParseHtml(Page);
        var table = doc.QuerySelectorAll("#gap-table tr").Select(Cells).ToList();
        Assert.Equal(new[] { "Frame index", "s after t0" }.Concat(manifest.Cameras.Select(c => $"{manifest.Host}/{c.Id}")), table[0]);
        var shown = table.Skip(1).Select(r => (Index: long.Parse(r[0]), Cells: r.Skip(2).ToList())).ToList();
        Assert.Equal(expected.Select(r => r.Index), shown.Select(r => r.Index));
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i].Cells, shown[i].Cells);
        Assert.Null(doc.GetElementById("gaps-more"));
        _output.WriteLine($"{expected.Count} gap rows of {indexes.Count} frame sets; unplugged camera: {string.Join(", ", expected.Select(r => r.Cells[1]).Distinct())}");
    }

    [Fact]
    public void Faults_AreListedWithTheirTimes_AndMarkedOnTheCharts()
    {
        var manifest = TakeFolder.ReadManifest(_take.TakePath);
        Assert.Contains(manifest.Faults, f => f.Message.Contains("stopped answering"));
        var doc = ReportFiles.ParseHtml(Page);
        var rows = doc.QuerySelectorAll("#fault-table tr").Skip(1).Select(Cells).ToList();
        Assert.Equal(manifest.Faults.Count, rows.Count);
        var ordered = manifest.Faults.OrderBy(f => f.TimeNs).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(((ordered[i].TimeNs - manifest.Schedule!.StartNs) / 1e9).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), rows[i][0]);
            Assert.Equal(ordered[i].Message, rows[i][4]);
        }
        // The fault lines are drawn in crimson (#DC143C): every fault on the skew chart; on a camera's charts its own
        // faults and those of the take as a whole.
        Assert.Contains("DC143C", File.ReadAllText(Path.Combine(_take.ReportPath, "skew.svg")), StringComparison.OrdinalIgnoreCase);
        for (int c = 0; c < manifest.Cameras.Count; c++)
        {
            string id = manifest.Cameras[c].Id;
            string svg = File.ReadAllText(Path.Combine(_take.ReportPath, $"camera{c + 1}-{TakeFolder.FileStem(id)}-interval.svg"));
            bool marked = manifest.Faults.Any(f => f.Camera is null || f.Camera == id);
            Assert.True(marked == svg.Contains("DC143C", StringComparison.OrdinalIgnoreCase), $"{id}: fault lines drawn: {!marked}, expected {marked}");
        }
        Assert.Contains(manifest.Faults, f => f.Camera == manifest.Cameras[1].Id);
    }

    [Fact]
    public void Strings_FromTheTake_AreHtmlEncoded()
    {
        using var dir = new TempDirectory();
        var b = new TakeBuilder();
        b.Manifest.Name = "<script>alert(1)</script> & co";
        b.Manifest.Host = "host\"<i>";
        b.Manifest.Faults.Add(new TakeFault { TimeNs = TakeBuilder.T0, Source = TakeFaultSource.Trigger, Message = "<img src=x onerror=alert(2)>" });
        var status = Enumerable.Repeat(FrameStatus.Captured, 10).ToArray();
        var zeros = new long[10];
        b.Camera("<b>cam</b>", status, zeros, zeros);
        b.Camera("cam2", status, zeros, zeros);
        string take = b.Write(dir.Combine("take"));
        TakeReportExporter.Export(TakeSeries.Load([take]), dir.Combine("report"));

        var doc = ReportFiles.ParseHtml(dir.Combine("report/index.html"));
        Assert.Empty(doc.QuerySelectorAll("script, b, i"));
        Assert.Equal("Take <script>alert(1)</script> & co", doc.QuerySelector("h1")!.TextContent);
        Assert.All(doc.QuerySelectorAll("img"), img => Assert.StartsWith("data:image/png;base64,", img.GetAttribute("src")));
        Assert.Equal("<img src=x onerror=alert(2)>", Cells(doc.QuerySelectorAll("#fault-table tr")[1])[4]);
        Assert.Contains(doc.QuerySelectorAll("#counts-per-camera td"), td => td.TextContent == "<b>cam</b>");
        Assert.NotNull(doc.GetElementById("no-gaps"));
    }

    [Fact]
    public void GapTable_ShowsTheFirst500Rows_AndSaysHowManyMore()
    {
        using var dir = new TempDirectory();
        var b = new TakeBuilder();
        const int slots = 700;
        b.Manifest.Schedule = new FrameSchedule(TakeBuilder.T0, TakeBuilder.Period, slots, null);
        b.Manifest.EndFrameIndex = slots;
        var zeros = new long[slots];
        b.Camera("a", Enumerable.Repeat(FrameStatus.Captured, slots).ToArray(), zeros, zeros);
        b.Camera("b", Enumerable.Range(0, slots).Select(n => n % 5 == 4 ? FrameStatus.Captured : FrameStatus.Dropped).ToArray(), zeros, zeros);
        string take = b.Write(dir.Combine("take"));
        TakeReportExporter.Export(TakeSeries.Load([take]), dir.Combine("report"));

        var doc = ReportFiles.ParseHtml(dir.Combine("report/index.html"));
        var rows = doc.QuerySelectorAll("#gap-table tr").Skip(1).Select(Cells).ToList();
        Assert.Equal(TakeReportHtml.MaxGapRows, rows.Count);
        var expected = Enumerable.Range(0, slots).Where(n => n % 5 != 4).Take(TakeReportHtml.MaxGapRows).Select(n => $"{n}");
        Assert.Equal(expected, rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(new[] { "Captured", "Dropped" }, r.Skip(2)));
        int gaps = slots - slots / 5;
        Assert.Contains($"{gaps - TakeReportHtml.MaxGapRows} more", doc.GetElementById("gaps-more")!.TextContent);
    }

    /// <summary>
    /// Headless Chromium renders the page: the screenshot is not blank, and the charts' coloured series are on it. With PSCAMSYNC_REPORT_SCREENSHOT set, a copy scaled to
    /// 800 px wide is saved there (the README's picture, docs/take-report.png).
    /// </summary>
    [RequiresFact("chromium")]
    public void Chromium_RendersThePage_WithItsCharts()
    {
        using var dir = new TempDirectory("pscamsync-chromium");
        string shot = dir.Combine("shot.png");
        string chromium = Machine.FindOnPath("chromium")!;
        Processes.Run(chromium, new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={dir.Combine("profile")}",
            $"--screenshot={shot}", "--window-size=1280,2000", new Uri(Page).AbsoluteUri,
        }, timeoutMs: 120_000);
        Assert.True(File.Exists(shot), "chromium wrote no screenshot");
        var bytes = File.ReadAllBytes(shot);
        ReportFiles.AssertPng(bytes, "screenshot");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((1280, 2000), (bitmap.Width, bitmap.Height));

        // Text, tables and the gap table's pastel cells are grey or barely coloured; the charts' series, fault lines and
        // histogram bars are the only strongly coloured pixels (max − min channel above 80), apart from a few links.
        var colours = new HashSet<uint>();
        long nonWhite = 0, saturated = 0;
        var bands = new long[bitmap.Height / 100 + 1];
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                colours.Add((uint)c);
                if (c.Red < 245 || c.Green < 245 || c.Blue < 245)
                    nonWhite++;
                int max = Math.Max(c.Red, Math.Max(c.Green, c.Blue)), min = Math.Min(c.Red, Math.Min(c.Green, c.Blue));
                if (max - min > 80)
                {
                    saturated++;
                    bands[y / 100]++;
                }
            }
        long sampled = (bitmap.Width / 2) * (bitmap.Height / 2);
        int colouredBands = bands.Count(b => b >= 20);
        _output.WriteLine($"screenshot: {colours.Count} distinct colours, {100.0 * nonWhite / sampled:0.0}% non-white, {saturated} strongly coloured samples " +
            $"in {colouredBands} of {bands.Length} 100-px bands ({string.Join(" ", bands)})");
        Assert.True(colours.Count > 200, $"only {colours.Count} distinct colours: the page did not render");
        Assert.True(nonWhite > sampled / 20, $"{nonWhite} of {sampled} samples are not white: the page is nearly blank");
        // The two take-wide charts (skew and histogram, 400 px each) fall within the first 2000 px.
        Assert.True(saturated > 300 && colouredBands >= 3, $"{saturated} strongly coloured samples in {colouredBands} bands: the charts are not on the page");

        if (Environment.GetEnvironmentVariable("PSCAMSYNC_REPORT_SCREENSHOT") is { Length: > 0 } copy)
        {
            using var small = bitmap.Resize(new SKImageInfo(800, 2000 * 800 / 1280), new SKSamplingOptions(SKCubicResampler.Mitchell));
            using var data = small.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(copy, data.ToArray());
            _output.WriteLine($"saved {copy}: {new FileInfo(copy).Length} bytes");
        }
    }

}
