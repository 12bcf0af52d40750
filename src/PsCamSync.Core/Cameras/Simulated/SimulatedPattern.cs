using System.Buffers.Binary;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// The pixel pattern of simulated frames: a header in the first row encodes camera index and frame id, so a
/// recording can be checked frame by frame; the other rows are cheap, deterministic and change every frame.
/// </summary>
/// <remarks>
/// <para>Header: <see cref="HeaderPixels"/> pixels at the start of row 0, one header byte per pixel:
/// bytes 0-3 the magic <c>"PSIM"</c>, 4-7 the camera index (Int32, little-endian), 8-15 the frame id (Int64,
/// little-endian), 16-19 the FNV-1a 32-bit hash of bytes 0-15 (little-endian). FNV-1a is the public-domain hash of
/// Fowler, Noll and Vo (offset basis 2166136261, prime 16777619). The rest of row 0 is 0.</para>
/// <para>Row r ≥ 1 is filled with the value <c>(r + frameId + 40 × cameraIndex) mod 256</c>.</para>
/// <para>8-bit formats (Mono8, Bayer*8) store each value in one byte. Mono16 stores value v as the 16-bit sample
/// <c>v × 257</c> (both bytes equal), so the pattern is the same in either byte order and survives a conversion
/// to 8 bits that keeps the high byte.</para>
/// </remarks>
public static class SimulatedPattern
{
    /// <summary>Pixels the header occupies at the start of row 0; frames must be at least this wide.</summary>
    public const int HeaderPixels = 20;

    private const uint Magic = 0x4D495350; // "PSIM" read as a little-endian UInt32

    /// <summary>Writes the pattern for <paramref name="cameraIndex"/> and <paramref name="frameId"/> into <paramref name="frame"/>.</summary>
    /// <param name="frame">At least <c>width × height × bytes per pixel</c> bytes; only that many are written.</param>
    /// <param name="width">Width in pixels, at least <see cref="HeaderPixels"/>.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="format">Pixel format.</param>
    /// <param name="cameraIndex">Camera index k of <c>sim-k</c>.</param>
    /// <param name="frameId">The frame's identity: its schedule index when known, else the device frame id.</param>
    /// <exception cref="ArgumentException">The sizes are too small or <paramref name="frame"/> is too short.</exception>
    public static void Fill(Span<byte> frame, int width, int height, PixelFormat format, int cameraIndex, long frameId)
    {
        if (width < HeaderPixels)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"a simulated frame needs at least {HeaderPixels} pixels per row for its header.");
        if (height < 1)
            throw new ArgumentOutOfRangeException(nameof(height), height, "a frame needs at least one row.");
        int bpp = PixelFormats.BytesPerPixel(format);
        int rowBytes = width * bpp;
        if (frame.Length < PixelFormats.FrameBytes(width, height, format))
            throw new ArgumentException($"the frame buffer holds {frame.Length} bytes; {width}x{height} {format} needs {PixelFormats.FrameBytes(width, height, format)}.", nameof(frame));

        Span<byte> header = stackalloc byte[HeaderPixels];
        WriteHeader(header, cameraIndex, frameId);
        long rowBase = frameId + 40L * cameraIndex;
        // Every Mono16 sample has two equal bytes, so both formats are filled byte-wise (one memset per row).
        for (int i = 0; i < HeaderPixels; i++)
            frame.Slice(i * bpp, bpp).Fill(header[i]);
        frame[(HeaderPixels * bpp)..rowBytes].Clear();
        for (int r = 1; r < height; r++)
            frame.Slice(r * rowBytes, rowBytes).Fill((byte)(rowBase + r));
    }

    /// <summary>Reads the camera index and frame id back; false when the header is damaged.</summary>
    /// <param name="frame">The frame's bytes (at least the first row).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="format">Pixel format.</param>
    /// <param name="cameraIndex">The camera index, or 0 when false is returned.</param>
    /// <param name="frameId">The frame id, or 0 when false is returned.</param>
    public static bool TryDecode(ReadOnlySpan<byte> frame, int width, PixelFormat format, out int cameraIndex, out long frameId)
    {
        cameraIndex = 0;
        frameId = 0;
        int bpp = PixelFormats.BytesPerPixel(format);
        if (width < HeaderPixels || frame.Length < HeaderPixels * bpp)
            return false;
        Span<byte> header = stackalloc byte[HeaderPixels];
        for (int i = 0; i < HeaderPixels; i++)
        {
            if (bpp == 2 && frame[2 * i] != frame[2 * i + 1])
                return false;
            header[i] = frame[i * bpp];
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Fnv1a(header[..16]))
            return false;
        cameraIndex = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        frameId = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        return true;
    }

    /// <summary>The 20 header bytes for one frame.</summary>
    internal static void WriteHeader(Span<byte> header, int cameraIndex, long frameId)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], cameraIndex);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], frameId);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Fnv1a(header[..16]));
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
            hash = (hash ^ b) * 16777619;
        return hash;
    }
}
