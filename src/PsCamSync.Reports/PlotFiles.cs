using ScottPlot;

namespace PsCamSync.Reports;

/// <summary>
/// Saves ScottPlot plots the same way for every report: a PNG and an SVG of one size, with the report's font sizes.
/// </summary>
public static class PlotFiles
{
    /// <summary>Font size of plot titles, px.</summary>
    public const float TitleFontSize = 18;
    /// <summary>Font size of axis labels, px.</summary>
    public const float LabelFontSize = 14;

    /// <summary>
    /// Gives <paramref name="plot"/> the report's style (font sizes; a legend at the upper right when some plottable
    /// has a legend text) and writes <c><paramref name="pathWithoutExtension"/>.png</c> and <c>.svg</c>, replacing
    /// files of those names.
    /// </summary>
    /// <param name="plot">The plot to save.</param>
    /// <param name="pathWithoutExtension">Folder and file name without extension; the folder must exist.</param>
    /// <param name="widthPx">Image width, px (at least 100).</param>
    /// <param name="heightPx">Image height, px (at least 100).</param>
    /// <returns>The paths written: the PNG, then the SVG.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size below 100 px.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public static IReadOnlyList<string> Save(Plot plot, string pathWithoutExtension, int widthPx, int heightPx)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentException.ThrowIfNullOrEmpty(pathWithoutExtension);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPx, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPx, 100);
        Style(plot);
        string png = pathWithoutExtension + ".png";
        string svg = pathWithoutExtension + ".svg";
        plot.SavePng(png, widthPx, heightPx);
        plot.SaveSvg(svg, widthPx, heightPx);
        return new[] { png, svg };
    }

    /// <summary>The report's style: title and axis label font sizes, and a legend when any plottable is labelled.</summary>
    public static void Style(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Axes.Title.Label.FontSize = TitleFontSize;
        plot.Axes.Bottom.Label.FontSize = LabelFontSize;
        plot.Axes.Left.Label.FontSize = LabelFontSize;
        plot.Axes.Right.Label.FontSize = LabelFontSize;
        if (plot.Legend.ManualItems.Count > 0 || plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText))))
            plot.ShowLegend(Alignment.UpperRight);
    }
}
