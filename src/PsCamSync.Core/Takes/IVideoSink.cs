using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>Encoders a take can write video with.</summary>
public enum VideoEncoder
{
    /// <summary>Built-in lossless YUV4MPEG2 (<c>.y4m</c>, mono planes); needs no external program.</summary>
    Y4M,
    /// <summary>ffmpeg libx264 (ultrafast, <c>.mkv</c>).</summary>
    Libx264,
    /// <summary>ffmpeg FFV1, lossless (<c>.mkv</c>).</summary>
    Ffv1,
    /// <summary>ffmpeg NVIDIA NVENC HEVC (<c>.mkv</c>); needs an NVIDIA GPU.</summary>
    HevcNvenc,
}

/// <summary>Format of the frames a sink receives.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="PixelFormat">Pixel format of every frame.</param>
/// <param name="FrameRateHz">Nominal frame rate, written into the container.</param>
public readonly record struct VideoFormat(int Width, int Height, PixelFormat PixelFormat, double FrameRateHz);

/// <summary>
/// Writes one camera's frames to one video file, in order. Used by one writer thread. Frames are counted from 0;
/// <see cref="Write"/> returns the video frame number, which the frames table records.
/// </summary>
public interface IVideoSink : IDisposable
{
    /// <summary>File name relative to the take folder.</summary>
    string FileName { get; }

    /// <summary>Encoder name as recorded in the manifest.</summary>
    string EncoderName { get; }

    /// <summary>Bytes of one frame (the format's width × height × bytes per pixel): what <see cref="Write"/> takes.</summary>
    int FrameBytes { get; }

    /// <summary>
    /// True once the sink cannot take any more frames (the encoder process exited, or the sink was closed); a failed
    /// <see cref="Write"/> of a sink that is not dead leaves the file as it was before that frame, so later frames can
    /// still be written.
    /// </summary>
    bool IsDead { get; }

    /// <summary>Appends one frame of exactly the format's size; returns its 0-based number in the file.</summary>
    /// <exception cref="TakeFolderException">The file or encoder process failed; the message says which, and
    /// <see cref="TakeFolderException.DiskFull"/> whether the disk is full.</exception>
    long Write(ReadOnlySpan<byte> frame);

    /// <summary>Flushes and closes the file (waits for the encoder process to exit).</summary>
    void Complete();
}
