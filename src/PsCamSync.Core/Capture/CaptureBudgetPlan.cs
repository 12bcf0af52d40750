using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>How a camera's frames reach this host, for the link row of a capture budget.</summary>
public enum CaptureLinkKind
{
    /// <summary>No link: a simulated camera, or a plan given by frame size only.</summary>
    None,
    /// <summary>GigE Vision over the network interface whose IPv4 subnet holds the camera's address.</summary>
    GigE,
    /// <summary>USB3 Vision: nominal 5 Gb/s (SuperSpeed) per camera.</summary>
    Usb3,
}

/// <summary>One camera of a <see cref="CaptureBudgetPlan"/>.</summary>
/// <param name="Id">Camera id (from Get-SyncCamera), or <c>camera-k</c> for a plan given by frame size.</param>
/// <param name="Backend">Backend name (Simulated, Aravis), or empty for a plan given by frame size.</param>
/// <param name="Address">Transport address: the IPv4 address of a GigE Vision camera; empty otherwise.</param>
/// <param name="Width">Frame width, pixels.</param>
/// <param name="Height">Frame height, pixels.</param>
/// <param name="PixelFormat">Pixel format of every frame.</param>
public sealed record CaptureBudgetCamera(string Id, string Backend, string Address, int Width, int Height, PixelFormat PixelFormat)
{
    /// <summary>Bytes of one frame (<see cref="PixelFormats.FrameBytes"/>), as the frame ring and the video sink hold it.</summary>
    public int FrameBytes => PixelFormats.FrameBytes(Width, Height, PixelFormat);

    /// <summary>
    /// How the frames arrive: <see cref="CaptureLinkKind.None"/> for the simulated backend or no backend,
    /// <see cref="CaptureLinkKind.GigE"/> when <see cref="Address"/> is an IPv4 address, else <see cref="CaptureLinkKind.Usb3"/>.
    /// </summary>
    public CaptureLinkKind LinkKind =>
        Backend.Length == 0 || string.Equals(Backend, Cameras.Simulated.SimulatedBackend.BackendName, StringComparison.OrdinalIgnoreCase) ? CaptureLinkKind.None
        : IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork ? CaptureLinkKind.GigE
        : CaptureLinkKind.Usb3;

    /// <summary>"640x480 Mono8".</summary>
    public string Format => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height} {PixelFormat}");
}

/// <summary>
/// A take as <c>Start-SyncCapture</c> would record it, for <see cref="CaptureBudget"/>: cameras and their frame sizes,
/// rate, duration, encoder, take path and ring memory. Frame count and ring size come from the same code the take
/// uses (<see cref="FrameSchedule.FrameCountFor"/>, <see cref="FrameRing.DepthFor"/>), so the budget sizes exactly
/// what the take allocates and writes.
/// </summary>
public sealed class CaptureBudgetPlan
{
    /// <summary>Creates a plan; <see cref="Validate"/> checks it.</summary>
    /// <param name="cameras">The cameras, at least one.</param>
    /// <param name="frameRateHz">Frames per second per camera, Hz.</param>
    /// <param name="duration">Take length.</param>
    /// <param name="encoder">Video encoder.</param>
    /// <param name="path">The take folder, or the existing folder the take will be created in.</param>
    /// <param name="bufferMemoryBytes">-BufferMemory: RAM for all rings together, bytes; null sizes rings by time
    /// (<see cref="CaptureOptions.DefaultBufferSeconds"/> of frames per camera).</param>
    public CaptureBudgetPlan(IReadOnlyList<CaptureBudgetCamera> cameras, double frameRateHz, TimeSpan duration, VideoEncoder encoder, string path, long? bufferMemoryBytes)
    {
        Cameras = cameras ?? throw new ArgumentNullException(nameof(cameras));
        FrameRateHz = frameRateHz;
        Duration = duration;
        Encoder = encoder;
        Path = path ?? throw new ArgumentNullException(nameof(path));
        BufferMemoryBytes = bufferMemoryBytes;
    }

    /// <summary>The cameras.</summary>
    public IReadOnlyList<CaptureBudgetCamera> Cameras { get; }

    /// <summary>Frames per second per camera, Hz.</summary>
    public double FrameRateHz { get; }

    /// <summary>Take length.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Video encoder.</summary>
    public VideoEncoder Encoder { get; }

    /// <summary>The take folder, or the existing folder that will hold it (full path).</summary>
    public string Path { get; }

    /// <summary>-BufferMemory, bytes; null: rings sized by time.</summary>
    public long? BufferMemoryBytes { get; }

    /// <summary>Frames per camera: <see cref="FrameSchedule.FrameCountFor"/> of <see cref="Duration"/> at <see cref="FrameRateHz"/>.</summary>
    public long FrameCount => FrameSchedule.FrameCountFor(Duration.Ticks * TimeSpan.NanosecondsPerTick, FrameRateHz);

    /// <summary>Bytes of one frame set (one frame of every camera).</summary>
    public long FrameSetBytes => Cameras.Sum(c => (long)c.FrameBytes);

    /// <summary>Raw frame bytes arriving per second from all cameras together, bytes/s.</summary>
    public double InputBytesPerSecond => FrameSetBytes * FrameRateHz;

    /// <summary>Frames per camera each ring holds: <see cref="FrameRing.DepthFor"/> with the take's defaults.</summary>
    /// <exception cref="InvalidCaptureArgumentException">BufferMemory: it holds fewer than 2 frames per camera.</exception>
    public int RingFrames => FrameRing.DepthFor(Cameras.Select(c => c.FrameBytes).ToArray(), BufferMemoryBytes, CaptureOptions.DefaultBufferSeconds, FrameRateHz);

    /// <summary>Ring memory the take allocates (and locks), bytes: <see cref="RingFrames"/> × <see cref="FrameSetBytes"/>.</summary>
    public long RingBytes => RingFrames * FrameSetBytes;

    /// <summary>The folder the take's files go to that exists now: <see cref="Path"/> when it is a folder, else its parent.</summary>
    public string ExistingFolder => Directory.Exists(Path) ? Path : System.IO.Path.GetDirectoryName(Path.TrimEnd('/')) ?? Path;

    /// <summary>
    /// Rejects a plan that cannot be a take: no cameras, sizes or rates out of range, a duration that is not positive,
    /// an unknown encoder, a path whose folder does not exist, or a -BufferMemory that holds fewer than 2 frames.
    /// </summary>
    /// <exception cref="InvalidCaptureArgumentException">Names the parameter: CameraId, Width, Height, PixelFormat,
    /// FrameRate, Duration, Encoder, Path or BufferMemory.</exception>
    public void Validate()
    {
        if (Cameras.Count == 0)
            throw new InvalidCaptureArgumentException("CameraId", "the plan has no cameras; pipe cameras from Get-SyncCamera, or give -Width, -Height and -CameraCount.");
        foreach (var c in Cameras)
        {
            if (c.Width <= 0)
                throw new InvalidCaptureArgumentException("Width", $"camera '{c.Id}' has width {c.Width}; the width must be a positive number of pixels, e.g. -Width 1920.");
            if (c.Height <= 0)
                throw new InvalidCaptureArgumentException("Height", $"camera '{c.Id}' has height {c.Height}; the height must be a positive number of pixels, e.g. -Height 1200.");
            if (!Enum.IsDefined(c.PixelFormat))
                throw new InvalidCaptureArgumentException("PixelFormat", $"camera '{c.Id}' has pixel format {c.PixelFormat}; use one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
            if ((long)c.Width * c.Height * PixelFormats.BytesPerPixel(c.PixelFormat) > int.MaxValue)
                throw new InvalidCaptureArgumentException("Width", $"a {c.Format} frame of camera '{c.Id}' is larger than 2 GiB; give a smaller -Width or -Height.");
        }
        FrameSchedule.PeriodFromFrameRate(FrameRateHz); // names FrameRate
        if (Duration <= TimeSpan.Zero)
            throw new InvalidCaptureArgumentException("Duration", $"the duration must be positive; got {Duration}. Use e.g. -Duration 60 (seconds).");
        _ = FrameCount; // names Duration when it holds too many frames
        VideoSinks.EncoderName(Encoder); // names Encoder
        if (string.IsNullOrWhiteSpace(Path))
            throw new InvalidCaptureArgumentException("Path", "the take path is empty; give the folder the take will be written to, e.g. -Path /srv/takes.");
        if (!Directory.Exists(ExistingFolder))
            throw new InvalidCaptureArgumentException("Path", $"neither '{Path}' nor the folder that would hold it exists; give an existing folder on the disk the take will be written to.");
        if (BufferMemoryBytes is <= 0)
            throw new InvalidCaptureArgumentException("BufferMemory", $"the frame buffer memory must be a positive number of bytes; got {BufferMemoryBytes}. Use e.g. -BufferMemory 2GB.");
        _ = RingFrames; // names BufferMemory when it holds fewer than 2 frames per camera
    }

    /// <summary>"4 × 640x480 Mono8 at 100 Hz for 5 s, ffv1": the plan in one line.</summary>
    public string Describe()
    {
        var groups = Cameras.GroupBy(c => c.Format).Select(g => $"{g.Count()} × {g.Key}");
        return string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(" + ", groups)} at {FrameRateHz:0.###} Hz for {Duration.TotalSeconds:0.###} s, {VideoSinks.EncoderName(Encoder)}");
    }
}
