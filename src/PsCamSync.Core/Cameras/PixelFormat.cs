namespace PsCamSync.Core.Cameras;

/// <summary>Pixel formats by their GenICam PFNC names. Values are the PFNC 32-bit codes.</summary>
public enum PixelFormat : uint
{
    /// <summary>8-bit monochrome (PFNC 0x01080001).</summary>
    Mono8 = 0x01080001,
    /// <summary>16-bit monochrome, little-endian (PFNC 0x01100007).</summary>
    Mono16 = 0x01100007,
    /// <summary>8-bit Bayer, GR pattern (PFNC 0x01080008).</summary>
    BayerGR8 = 0x01080008,
    /// <summary>8-bit Bayer, RG pattern (PFNC 0x01080009).</summary>
    BayerRG8 = 0x01080009,
    /// <summary>8-bit Bayer, GB pattern (PFNC 0x0108000A).</summary>
    BayerGB8 = 0x0108000A,
    /// <summary>8-bit Bayer, BG pattern (PFNC 0x0108000B).</summary>
    BayerBG8 = 0x0108000B,
}

/// <summary>Sizes of <see cref="PixelFormat"/> values.</summary>
public static class PixelFormats
{
    /// <summary>Bytes per pixel: 2 for Mono16, 1 for the 8-bit formats.</summary>
    public static int BytesPerPixel(PixelFormat format) => format == PixelFormat.Mono16 ? 2 : 1;

    /// <summary>Bytes of one packed frame: width × height × bytes per pixel.</summary>
    public static int FrameBytes(int width, int height, PixelFormat format) =>
        checked(width * height * BytesPerPixel(format));

    /// <summary>Parses a PFNC name such as <c>Mono8</c> (case-insensitive).</summary>
    /// <exception cref="InvalidCaptureArgumentException">The name is not a supported format.</exception>
    public static PixelFormat Parse(string name, string parameterName = "PixelFormat") =>
        Enum.TryParse<PixelFormat>(name, ignoreCase: true, out var f) && Enum.IsDefined(f)
            ? f
            : throw new InvalidCaptureArgumentException(parameterName, $"'{name}' is not a supported pixel format; use one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.");
}
