using System.Xml.Linq;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Reports;

namespace PsCamSync.Core.Tests.Reports;

/// <summary>The jitter-versus-rate figure: a PNG or SVG file that is what its name says, with every series drawn.</summary>
public class JitterSweepPlotTests
{
    private static List<JitterSweepPoint> Points() =>
    [
        new() { FrameRateHz = 40, IntervalStdDevUs = 20, IntervalP50DeviationUs = 3, IntervalP99DeviationUs = 300, IntervalMaxDeviationUs = 310, ExposureDelayP99Us = 320, WakeErrorP99Us = 300 },
        new() { FrameRateHz = 80, IntervalStdDevUs = 2300, IntervalP50DeviationUs = 1500, IntervalP99DeviationUs = 4800, IntervalMaxDeviationUs = 5000, ExposureDelayP99Us = 4850, WakeErrorP99Us = 870 },
        new() { FrameRateHz = 120, IntervalStdDevUs = 160, IntervalP50DeviationUs = 1, IntervalP99DeviationUs = 890, IntervalMaxDeviationUs = 1500, ExposureDelayP99Us = null, WakeErrorP99Us = 440 },
    ];

    [Fact]
    public void Save_WritesAPngOfTheFiguresSize()
    {
        using var dir = new TempDirectory();
        string path = JitterSweepPlot.Save(Points(), dir.Combine("sweep.png"), "test");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(JitterSweepPlot.Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(JitterSweepPlot.Height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    [Fact]
    public void Save_WritesAnSvgForAnSvgName_WithEveryLegendEntry()
    {
        using var dir = new TempDirectory();
        string path = JitterSweepPlot.Save(Points(), dir.Combine("sweep.svg"), "test sweep");
        var svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        string text = File.ReadAllText(path);
        foreach (var label in new[] { "interval SD", "interval median", "interval p99", "interval max", "exposure start", "wake error", "test sweep" })
            Assert.Contains(label, text);
    }

    [Fact]
    public void Save_RefusesNoPoints()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => JitterSweepPlot.Save([], dir.Combine("empty.png"), "none"));
        Assert.False(File.Exists(dir.Combine("empty.png")));
    }
}
