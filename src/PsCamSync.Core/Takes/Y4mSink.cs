using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// The built-in lossless sink: a YUV4MPEG2 file of monochrome planes (see <see cref="Y4mFormat"/>), written
/// unbuffered with two writes per frame (<c>FRAME\n</c> and the plane), so <see cref="Write"/> allocates nothing and
/// a crash loses at most the frame being written.
/// </summary>
internal sealed class Y4mSink : IVideoSink
{
    private readonly string _path;
    private readonly FileStream _stream;
    private readonly int _frameBytes;
    private long _frames;
    private bool _closed;
    private bool _dead;

    public Y4mSink(string takePath, string fileName, VideoFormat format)
    {
        _path = Path.Combine(takePath, fileName);
        FileName = fileName;
        _frameBytes = PixelFormats.FrameBytes(format.Width, format.Height, format.PixelFormat);
        byte[] header = Y4mFormat.StreamHeader(format);
        try
        {
            _stream = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = File.Exists(_path) ? "it exists already (video files are never overwritten)" : e.Message;
            throw new TakeFolderException(_path, $"cannot create the video file '{_path}': {why}", e);
        }
        try
        {
            _stream.Write(header);
        }
        catch (IOException e)
        {
            _stream.Dispose();
            throw new TakeFolderException(_path, $"cannot write the video file '{_path}': {e.Message}", e);
        }
    }

    public string FileName { get; }

    public string EncoderName => "Y4M";

    public long Write(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_dead)
            throw new TakeFolderException(_path, $"'{_path}' takes no more frames: an earlier failed write could not be cut off.");
        if (frame.Length != _frameBytes)
            throw new ArgumentException($"a frame must be exactly {_frameBytes} bytes; got {frame.Length}.", nameof(frame));
        long start = _stream.Position;
        try
        {
            _stream.Write(Y4mFormat.FrameMarker);
            _stream.Write(frame);
        }
        catch (IOException e)
        {
            // Cut off what part of this frame reached the file, so the file keeps whole frames only and the next
            // frame starts where this one would have.
            string kept;
            try
            {
                _stream.SetLength(start);
                _stream.Position = start;
                kept = $"; the file keeps its {_frames} whole frames";
            }
            catch (IOException cut)
            {
                _dead = true;
                kept = $"; cutting the partial frame off failed too ({cut.Message}), so no more frames are written to it";
            }
            throw new TakeFolderException(_path, $"cannot write frame {_frames} to '{_path}': {e.Message}{kept}.", e);
        }
        return _frames++;
    }

    public int FrameBytes => _frameBytes;

    public bool IsDead => _dead || _closed;

    public void Complete()
    {
        if (_closed)
            return;
        _closed = true;
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            throw new TakeFolderException(_path, $"cannot finish the video file '{_path}': {e.Message}", e);
        }
        finally
        {
            _stream.Dispose();
        }
    }

    public void Dispose()
    {
        _closed = true;
        _stream.Dispose();
    }
}
