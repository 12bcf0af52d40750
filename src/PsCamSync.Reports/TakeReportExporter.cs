using System.Text;
using PsCamSync.Core.Analysis;

namespace PsCamSync.Reports;

/// <summary>
/// Writes a take's report into a folder: <c>index.html</c> (self-contained: CSS inline, every chart embedded as a
/// base64 PNG) and, beside it, each chart as a PNG and an SVG file. The page holds the header (take, hosts, trigger
/// mode, state, period), counts per camera and per host, the skew statistics, skew per frame set over time, the skew
/// histogram, the frame-set gap table, the faults, the trigger-thread report and per camera the exposure start after
/// Tn and the frame interval over time. Charts are drawn with ScottPlot.
/// </summary>
public static class TakeReportExporter
{
    /// <summary>The page's file name.</summary>
    public const string PageFileName = "index.html";

    /// <summary>Draws the charts of <paramref name="series"/> and writes the report into <paramref name="outputFolder"/>
    /// (created when missing; files of the same names are replaced).</summary>
    /// <param name="series">The take, as <see cref="TakeSeries.Load"/> reads it.</param>
    /// <param name="outputFolder">The folder to write into.</param>
    /// <param name="progress">Called before each step with the percent done (0-100) and what is being drawn or written.</param>
    /// <returns>The full paths written: index.html first, then per chart its PNG and SVG.</returns>
    /// <exception cref="IOException">A file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static IReadOnlyList<string> Export(TakeSeries series, string outputFolder, Action<int, string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        string folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);

        var figures = TakeReportPlots.All(series);
        var rendered = new List<RenderedFigure>(figures.Count);
        var written = new List<string>(1 + 2 * figures.Count);
        for (int i = 0; i < figures.Count; i++)
        {
            var figure = figures[i];
            progress?.Invoke(100 * i / (figures.Count + 1), $"Drawing {figure.Heading}");
            var paths = PlotFiles.Save(figure.Plot, Path.Combine(folder, figure.FileStem), TakeReportPlots.WidthPx, TakeReportPlots.HeightPx);
            written.AddRange(paths);
            rendered.Add(new RenderedFigure(figure, File.ReadAllBytes(paths[0]), Path.GetFileName(paths[0]), Path.GetFileName(paths[1])));
        }
        progress?.Invoke(100 * figures.Count / (figures.Count + 1), $"Writing {PageFileName}");
        string page = Path.Combine(folder, PageFileName);
        File.WriteAllText(page, TakeReportHtml.Build(series, rendered), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        written.Insert(0, page);
        progress?.Invoke(100, "Done");
        return written;
    }
}
