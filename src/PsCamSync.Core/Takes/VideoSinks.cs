using System.Globalization;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// Builds the video sink for an encoder. <see cref="VideoEncoder.Y4M"/> is written in-process; the others pipe raw
/// frames into an ffmpeg child (<c>-f rawvideo -pix_fmt … -s WxH -framerate N/D -i -</c>) writing Matroska:
/// <list type="bullet">
/// <item><see cref="VideoEncoder.Ffv1"/>: <c>-c:v ffv1 -level 3 -g 1 -slices 4 -slicecrc 1</c>, lossless and
/// bit-exact: Mono8 as <c>gray</c>, Mono16 as <c>gray16le</c>, a Bayer mosaic stored as its raw plane (<c>gray</c>).
/// Every frame is a key frame, so a file cut by a crash decodes up to its last whole frame.</item>
/// <item><see cref="VideoEncoder.Libx264"/>: <c>-c:v libx264 -preset ultrafast -crf 18</c>, visually lossless and fast
/// enough for live capture (lossless is FFV1's job; x264 qp 0 would be larger and slower than FFV1 for no gain).
/// Output <c>yuv420p</c> so every player can decode it; Mono16 keeps its 10 most significant bits
/// (<c>yuv420p10le</c>); Bayer input is given to ffmpeg as <c>bayer_rggb8</c> etc. and demosaiced to colour.</item>
/// <item><see cref="VideoEncoder.HevcNvenc"/>: <c>-c:v hevc_nvenc -preset p4</c> on an NVIDIA GPU; <c>yuv420p</c>, or
/// <c>p010le</c> for Mono16; Bayer demosaiced as for libx264.</item>
/// </list>
/// </summary>
public static class VideoSinks
{
    /// <summary>File extension the encoder writes (".y4m" or ".mkv").</summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Encoder": not a known encoder.</exception>
    public static string Extension(VideoEncoder encoder) => encoder switch
    {
        VideoEncoder.Y4M => ".y4m",
        VideoEncoder.Libx264 or VideoEncoder.Ffv1 or VideoEncoder.HevcNvenc => ".mkv",
        _ => throw UnknownEncoder(encoder),
    };

    /// <summary>The encoder name recorded in the manifest: <c>Y4M</c>, <c>libx264</c>, <c>ffv1</c> or <c>hevc_nvenc</c>.</summary>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Encoder": not a known encoder.</exception>
    public static string EncoderName(VideoEncoder encoder) => encoder switch
    {
        VideoEncoder.Y4M => "Y4M",
        VideoEncoder.Libx264 => "libx264",
        VideoEncoder.Ffv1 => "ffv1",
        VideoEncoder.HevcNvenc => "hevc_nvenc",
        _ => throw UnknownEncoder(encoder),
    };

    /// <summary>
    /// Creates the sink writing <paramref name="fileName"/> inside <paramref name="takePath"/>. FFmpeg encoders start
    /// an ffmpeg child process (arguments as a list, never through a shell) fed through stdin; its stderr goes to
    /// <c>&lt;stem&gt;.ffmpeg.log</c> beside the video.
    /// </summary>
    /// <param name="encoder">Which encoder.</param>
    /// <param name="takePath">The take folder.</param>
    /// <param name="fileName">Video file name inside it, normally the camera's file stem plus <see cref="Extension"/>.</param>
    /// <param name="format">Size, pixel format and nominal rate of every frame.</param>
    /// <param name="ffmpegPath">ffmpeg executable (default: "ffmpeg" on PATH).</param>
    /// <exception cref="InvalidCaptureArgumentException">ParameterName "Encoder": the pixel format cannot be written by
    /// this encoder, or ffmpeg is missing; "FrameRate": the rate is not positive.</exception>
    /// <exception cref="TakeFolderException">The video or log file cannot be created (e.g. it exists).</exception>
    public static IVideoSink Create(VideoEncoder encoder, string takePath, string fileName, VideoFormat format, string ffmpegPath = "ffmpeg")
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        Validate(encoder, format);
        if (encoder == VideoEncoder.Y4M)
            return new Y4mSink(takePath, fileName, format);
        return FfmpegSink.Start(ffmpegPath, FfmpegArguments(encoder, format, Path.GetFullPath(Path.Combine(takePath, fileName))), takePath, fileName, format,
            EncoderName(encoder), FfmpegSink.DefaultCompleteTimeout);
    }

    /// <summary>
    /// The ffmpeg argument list for <paramref name="encoder"/> writing <paramref name="outputFile"/>, which is given as
    /// <c>file:&lt;path&gt;</c> so that no file name is read as an option or a protocol.
    /// </summary>
    internal static IReadOnlyList<string> FfmpegArguments(VideoEncoder encoder, VideoFormat format, string outputFile)
    {
        var rate = FrameRateRational.FromHz(format.FrameRateHz);
        bool lossless = encoder == VideoEncoder.Ffv1;
        var args = new List<string>
        {
            "-hide_banner", "-nostats", "-loglevel", "info", "-n",
            "-f", "rawvideo",
            "-pix_fmt", InputPixelFormat(format.PixelFormat, keepMosaic: lossless),
            "-s", string.Create(CultureInfo.InvariantCulture, $"{format.Width}x{format.Height}"),
            "-framerate", string.Create(CultureInfo.InvariantCulture, $"{rate.Numerator}/{rate.Denominator}"),
            "-i", "-",
            "-an",
        };
        bool sixteen = format.PixelFormat == PixelFormat.Mono16;
        switch (encoder)
        {
            case VideoEncoder.Ffv1:
                args.AddRange(["-c:v", "ffv1", "-level", "3", "-g", "1", "-slices", "4", "-slicecrc", "1", "-pix_fmt", sixteen ? "gray16le" : "gray"]);
                break;
            case VideoEncoder.Libx264:
                args.AddRange(["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", sixteen ? "yuv420p10le" : "yuv420p"]);
                break;
            case VideoEncoder.HevcNvenc:
                args.AddRange(["-c:v", "hevc_nvenc", "-preset", "p4", "-pix_fmt", sixteen ? "p010le" : "yuv420p"]);
                break;
            default:
                throw UnknownEncoder(encoder);
        }
        args.AddRange(["-f", "matroska", "file:" + outputFile]);
        return args;
    }

    /// <summary>ffmpeg's rawvideo pixel format for a PFNC format; Bayer as its mosaic plane when <paramref name="keepMosaic"/>.</summary>
    internal static string InputPixelFormat(PixelFormat format, bool keepMosaic) => format switch
    {
        PixelFormat.Mono8 => "gray",
        PixelFormat.Mono16 => "gray16le",
        _ when keepMosaic => "gray",
        PixelFormat.BayerRG8 => "bayer_rggb8",
        PixelFormat.BayerGR8 => "bayer_grbg8",
        PixelFormat.BayerGB8 => "bayer_gbrg8",
        PixelFormat.BayerBG8 => "bayer_bggr8",
        _ => throw new InvalidCaptureArgumentException("Encoder", $"pixel format {format} cannot be written by ffmpeg here; use Mono8, Mono16 or an 8-bit Bayer format."),
    };

    private static void Validate(VideoEncoder encoder, VideoFormat format)
    {
        EncoderName(encoder); // throws for an unknown encoder
        if (!Enum.IsDefined(format.PixelFormat))
            throw new InvalidCaptureArgumentException("Encoder", $"pixel format {format.PixelFormat} cannot be written by {encoder}; use {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
        if (format.Width <= 0 || format.Height <= 0)
            throw new InvalidCaptureArgumentException("Encoder", $"the frame size {format.Width}x{format.Height} cannot be written; width and height must be positive.");
        if ((encoder is VideoEncoder.Libx264 or VideoEncoder.HevcNvenc) && (format.Width % 2 != 0 || format.Height % 2 != 0))
            throw new InvalidCaptureArgumentException("Encoder", $"{encoder} needs an even width and height (4:2:0 chroma); {format.Width}x{format.Height} is odd. Set an even ROI, or use -Encoder Ffv1 or Y4M.");
        FrameRateRational.FromHz(format.FrameRateHz);
    }

    private static InvalidCaptureArgumentException UnknownEncoder(VideoEncoder encoder) =>
        new("Encoder", $"'{encoder}' is not an encoder; use one of {string.Join(", ", Enum.GetNames<VideoEncoder>())}.");
}
