using System.Text;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// The YUV4MPEG2 dialect of the built-in sink: one monochrome plane per frame, <c>C mono</c> (8 bit) or
/// <c>C mono16</c> (16 bit little-endian), progressive, square pixels. A Bayer mosaic is stored as its raw 8-bit
/// plane (<c>C mono</c>) with an <c>XPFNC=&lt;format&gt;</c> extension tag naming the pattern, which ffmpeg and mpv
/// ignore and <see cref="Y4mReader"/> reads back. Stream header:
/// <c>YUV4MPEG2 W1920 H1200 F30:1 Ip A1:1 Cmono[ XPFNC=BayerRG8]\n</c>; each frame is <c>FRAME\n</c> then the plane.
/// Spec: the YUV4MPEG2 format as read by libavformat's yuv4mpegdec (tags W, H, F, I, A, C, X).
/// </summary>
internal static class Y4mFormat
{
    public const string Magic = "YUV4MPEG2";
    public const string PfncTag = "XPFNC=";
    public static ReadOnlySpan<byte> FrameMarker => "FRAME\n"u8;

    public static string ColorSpace(PixelFormat format) => format == PixelFormat.Mono16 ? "mono16" : "mono";

    public static byte[] StreamHeader(VideoFormat format)
    {
        var rate = FrameRateRational.FromHz(format.FrameRateHz);
        var text = new StringBuilder()
            .Append(Magic)
            .Append(" W").Append(format.Width)
            .Append(" H").Append(format.Height)
            .Append(" F").Append(rate.Numerator).Append(':').Append(rate.Denominator)
            .Append(" Ip A1:1 C").Append(ColorSpace(format.PixelFormat));
        if (format.PixelFormat is not (PixelFormat.Mono8 or PixelFormat.Mono16))
            text.Append(' ').Append(PfncTag).Append(format.PixelFormat);
        text.Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
