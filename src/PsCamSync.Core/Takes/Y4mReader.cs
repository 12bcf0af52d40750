using System.Globalization;
using System.Text;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// Reads frames back from a Y4M file written by the built-in sink (for verification and analysis). Accepts the
/// monochrome dialect of <see cref="Y4mFormat"/>: <c>C mono</c> (Mono8, or the Bayer format an <c>XPFNC=</c> tag
/// names) and <c>C mono16</c> (Mono16). <see cref="ReadFrame"/> allocates nothing.
/// </summary>
public sealed class Y4mReader : IDisposable
{
    private const int MaxHeaderBytes = 4096;
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly byte[] _line = new byte[MaxHeaderBytes];
    private long _framesRead;

    /// <summary>Opens the file and parses the stream header.</summary>
    /// <exception cref="TakeFolderException">Missing, or not a Y4M stream this module wrote.</exception>
    public Y4mReader(string path)
    {
        _path = path;
        try
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TakeFolderException(path, $"cannot open the video file '{path}': {e.Message}", e);
        }
        try
        {
            ParseHeader();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; private set; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; private set; }

    /// <summary>Pixel format of the frames.</summary>
    public PixelFormat PixelFormat { get; private set; }

    /// <summary>The frame rate of the <c>F</c> tag.</summary>
    public FrameRateRational FrameRate { get; private set; }

    /// <summary>Bytes of one frame: width × height × bytes per pixel.</summary>
    public int FrameBytes => PixelFormats.FrameBytes(Width, Height, PixelFormat);

    /// <summary>Reads the next frame into <paramref name="frame"/> (which must hold a whole frame); false at the end.</summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is smaller than <see cref="FrameBytes"/>.</exception>
    /// <exception cref="TakeFolderException">A frame header is malformed or the last frame is cut short.</exception>
    public bool ReadFrame(Span<byte> frame)
    {
        int bytes = FrameBytes;
        if (frame.Length < bytes)
            throw new ArgumentException($"the buffer must hold a whole frame of {bytes} bytes; got {frame.Length}.", nameof(frame));
        int length = ReadLine(out bool atEnd);
        if (atEnd && length == 0)
            return false;
        var line = _line.AsSpan(0, length);
        if (!line.StartsWith("FRAME"u8) || (line.Length > 5 && line[5] != (byte)' '))
            throw new TakeFolderException(_path, $"'{_path}': frame {_framesRead} does not start with FRAME; the file is damaged.");
        try
        {
            _stream.ReadExactly(frame[..bytes]);
        }
        catch (EndOfStreamException e)
        {
            throw new TakeFolderException(_path, $"'{_path}': frame {_framesRead} is cut short (the file ends inside it; was the take interrupted?).", e);
        }
        _framesRead++;
        return true;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    private void ParseHeader()
    {
        int length = ReadLine(out _);
        string header = Encoding.ASCII.GetString(_line, 0, length);
        string[] tokens = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != Y4mFormat.Magic)
            throw Bad("it does not start with YUV4MPEG2");
        string? color = null, pfnc = null;
        foreach (string token in tokens.Skip(1))
        {
            string value = token[1..];
            switch (token[0])
            {
                case 'W': Width = ParsePositive(value, "width"); break;
                case 'H': Height = ParsePositive(value, "height"); break;
                case 'F':
                    string[] parts = value.Split(':');
                    if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long num)
                        || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long den) || num <= 0 || den <= 0)
                        throw Bad($"frame rate tag 'F{value}' is not N:D");
                    FrameRate = new FrameRateRational(num, den);
                    break;
                case 'C': color = value; break;
                case 'I':
                    if (value != "p")
                        throw Bad($"interlacing 'I{value}' is not progressive");
                    break;
                case 'X':
                    if (token.StartsWith(Y4mFormat.PfncTag, StringComparison.Ordinal))
                        pfnc = token[Y4mFormat.PfncTag.Length..];
                    break;
                default: break; // A (aspect) and other tags do not change how planes are read
            }
        }
        if (Width == 0 || Height == 0)
            throw Bad("the W or H tag is missing");
        if (FrameRate.Denominator == 0)
            throw Bad("the F (frame rate) tag is missing");
        PixelFormat = color switch
        {
            "mono" => pfnc is null ? PixelFormat.Mono8 : ParseBayer(pfnc),
            "mono16" => PixelFormat.Mono16,
            null => throw Bad("it has no C tag, so it holds 4:2:0 colour, not the monochrome planes this module writes"),
            _ => throw Bad($"colour space 'C{color}' is not mono or mono16"),
        };
    }

    private PixelFormat ParseBayer(string name)
    {
        if (!Enum.TryParse(name, ignoreCase: false, out PixelFormat format) || !Enum.IsDefined(format)
            || PixelFormats.BytesPerPixel(format) != 1 || format == PixelFormat.Mono8)
            throw Bad($"XPFNC={name} is not an 8-bit Bayer format");
        return format;
    }

    private int ParsePositive(string value, string what) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw Bad($"{what} '{value}' is not a positive number");

    private TakeFolderException Bad(string why) =>
        new(_path, $"'{_path}' is not a Y4M stream this module wrote: {why}.");

    /// <summary>Reads up to the next LF (not stored); <paramref name="atEnd"/> when the file ended first.</summary>
    private int ReadLine(out bool atEnd)
    {
        int n = 0;
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0)
            {
                atEnd = true;
                if (n > 0)
                    throw new TakeFolderException(_path, $"'{_path}': the file ends inside a header line (was the take interrupted?).");
                return 0;
            }
            if (b == '\n')
            {
                atEnd = false;
                return n;
            }
            if (n == _line.Length)
                throw Bad($"a header line is longer than {MaxHeaderBytes} bytes");
            _line[n++] = (byte)b;
        }
    }
}
