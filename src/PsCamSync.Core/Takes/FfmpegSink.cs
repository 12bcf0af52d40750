using System.ComponentModel;
using System.Diagnostics;
using PsCamSync.Core.Cameras;

namespace PsCamSync.Core.Takes;

/// <summary>
/// A sink that pipes raw frames into an <c>ffmpeg</c> child process through its stdin (started with an argument
/// list, never a shell). ffmpeg's stderr goes to <c>&lt;stem&gt;.ffmpeg.log</c> in the take folder. <see cref="Write"/>
/// is one write to the pipe and allocates nothing; when ffmpeg has died it throws with the exit code, the log file and
/// the log's last lines. The pipe is widened from Linux's 64 KiB to 1 MiB (<see cref="PipeCapacity"/>): a 1920x1200 frame
/// then crosses in a few reads instead of about 36 writer/reader wake-ups, which cost the 64 KiB pipe 6-12 % more CPU
/// than ffmpeg reading the same frames from a file, and 1-6 % with 1 MiB (bench: <c>ffmpeg-path</c>).
/// </summary>
internal sealed class FfmpegSink : IVideoSink
{
    /// <summary>How long <see cref="Complete"/> waits for ffmpeg to finish after its input is closed.</summary>
    public static readonly TimeSpan DefaultCompleteTimeout = TimeSpan.FromSeconds(60);

    private const int LogTailLines = 6;

    /// <summary>Capacity asked for the pipe into ffmpeg, bytes (1 MiB, Linux's default limit for unprivileged processes).</summary>
    internal const int PipeCapacity = 1 << 20;

    /// <summary>The pipe's capacity after asking for <see cref="PipeCapacity"/>, bytes; a negated errno when it could not
    /// be set (the pipe then keeps the kernel's default, 64 KiB), 0 when stdin is not a pipe.</summary>
    internal int PipeBytes { get; }

    /// <summary>Free bytes below which an ffmpeg that died is taken to have filled its disk (its muxer writes in 32 KiB blocks).</summary>
    private const long NearlyFullBytes = 64 * 1024;
    private bool _logDiskFull;
    private readonly string _outputPath;
    private readonly string _logPath;
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly FileStream _log;
    private readonly Task _logCopy;
    private readonly Task _stdoutDrain;
    private readonly int _frameBytes;
    private readonly TimeSpan _completeTimeout;
    private long _frames;
    private bool _closed;
    private string? _failure;
    private bool _failureDiskFull;
    private string? _logError;

    private FfmpegSink(string fileName, string outputPath, string logPath, Process process, FileStream log, int frameBytes, TimeSpan completeTimeout, string encoderName)
    {
        FileName = fileName;
        EncoderName = encoderName;
        _outputPath = outputPath;
        _logPath = logPath;
        _process = process;
        _log = log;
        _frameBytes = frameBytes;
        _completeTimeout = completeTimeout;
        _stdin = process.StandardInput.BaseStream;
        PipeBytes = _stdin is System.IO.Pipes.PipeStream pipe ? FileSystemNative.SetPipeSize(pipe.SafePipeHandle, PipeCapacity) : 0;
        _logCopy = process.StandardError.BaseStream.CopyToAsync(log);
        _stdoutDrain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public string FileName { get; }

    public string EncoderName { get; }

    /// <summary>The log file with ffmpeg's stderr.</summary>
    public string LogPath => _logPath;

    /// <summary>Process id of the ffmpeg child.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts ffmpeg with <paramref name="arguments"/>; the log file is created first (never overwritten).</summary>
    public static FfmpegSink Start(string ffmpegPath, IReadOnlyList<string> arguments, string takePath, string fileName,
        VideoFormat format, string encoderName, TimeSpan completeTimeout)
    {
        string outputPath = Path.Combine(takePath, fileName);
        string logPath = Path.Combine(takePath, Path.GetFileNameWithoutExtension(fileName) + ".ffmpeg.log");
        if (File.Exists(outputPath))
            throw new TakeFolderException(outputPath, $"cannot create the video file '{outputPath}': it exists already (video files are never overwritten).");
        FileStream log;
        try
        {
            log = new FileStream(logPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 4096);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TakeFolderException(logPath, $"cannot create the ffmpeg log '{logPath}': {e.Message}", e);
        }

        var info = new ProcessStartInfo(ffmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = takePath,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception(2, "no process was started");
        }
        catch (Win32Exception e)
        {
            log.Dispose();
            File.Delete(logPath);
            throw new InvalidCaptureArgumentException("Encoder",
                $"cannot run ffmpeg ('{ffmpegPath}'): {e.Message}. Install ffmpeg (e.g. apt-get install ffmpeg) or give its path, or use -Encoder Y4M, which needs no external program.");
        }
        return new FfmpegSink(fileName, outputPath, logPath, process, log, PixelFormats.FrameBytes(format.Width, format.Height, format.PixelFormat), completeTimeout, encoderName);
    }

    public int FrameBytes => _frameBytes;

    public bool IsDead => _failure is not null || _closed;

    public long Write(ReadOnlySpan<byte> frame)
    {
        if (_failure is not null)
            throw new TakeFolderException(_outputPath, _failure, null, _failureDiskFull);
        ObjectDisposedException.ThrowIf(_closed, this);
        if (frame.Length != _frameBytes)
            throw new ArgumentException($"a frame must be exactly {_frameBytes} bytes; got {frame.Length}.", nameof(frame));
        try
        {
            _stdin.Write(frame);
        }
        catch (IOException e)
        {
            _closed = true;
            throw Died($"ffmpeg stopped reading at frame {_frames}", e);
        }
        return _frames++;
    }

    public void Complete()
    {
        if (_failure is not null)
            throw new TakeFolderException(_outputPath, _failure);
        if (_closed)
            return;
        _closed = true;
        IOException? closeError = null;
        try
        {
            _stdin.Dispose(); // EOF: ffmpeg encodes what is queued, writes the trailer and exits
        }
        catch (IOException e)
        {
            closeError = e; // broken pipe: ffmpeg is gone; its exit code says why
        }
        if (!_process.WaitForExit(_completeTimeout))
        {
            KillAndWait();
            FinishLog();
            _failure = $"ffmpeg did not finish '{_outputPath}' within {_completeTimeout.TotalSeconds:0} s after its input was closed and was killed; see '{_logPath}'.{LogTail()}";
            throw new TakeFolderException(_outputPath, _failure);
        }
        FinishLog();
        if (_process.ExitCode != 0 || closeError is not null)
        {
            _failure = $"ffmpeg exited with code {_process.ExitCode} while finishing '{_outputPath}' after {_frames} frames; see '{_logPath}'.{LogTail()}";
            throw new TakeFolderException(_outputPath, _failure, closeError);
        }
        _process.Dispose();
    }

    /// <summary>Without <see cref="Complete"/>: closes ffmpeg's input, waits (bounded), kills it if it hangs. Never throws.</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            try
            {
                _stdin.Dispose();
            }
            catch (IOException)
            {
                // ffmpeg is gone already; what it said is in the log file
            }
            if (!_process.WaitForExit(_completeTimeout))
                KillAndWait();
        }
        FinishLog();
        _process.Dispose();
    }

    private TakeFolderException Died(string what, Exception cause)
    {
        bool exited = _process.WaitForExit(TimeSpan.FromSeconds(5));
        if (!exited)
            KillAndWait();
        FinishLog();
        string how = exited ? $"it exited with code {_process.ExitCode}" : "it closed its input but did not exit within 5 s and was killed";
        string tail = LogTail();
        _failure = $"{what}: {how}. '{_outputPath}' keeps what ffmpeg wrote before; see '{_logPath}'.{tail}";
        // ffmpeg says "No space left on device" (or "Disk quota exceeded") when its output file system is full.
        // When the log is on the same full disk, ffmpeg's words may not reach it: copying its stderr then fails with
        // ENOSPC itself, or the disk has next to nothing left.
        long free = DiskSpace.FreeBytes(Path.GetDirectoryName(_outputPath) ?? ".");
        _failureDiskFull = tail.Contains("No space left on device", StringComparison.Ordinal) || tail.Contains("Disk quota exceeded", StringComparison.Ordinal)
            || DiskSpace.IsDiskFull(_logCopy.Exception) || _logDiskFull || (free >= 0 && free < NearlyFullBytes);
        return new TakeFolderException(_outputPath, _failure, cause, _failureDiskFull);
    }

    private void KillAndWait()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // it exited between the wait and the kill
        }
        _process.WaitForExit();
    }

    private void FinishLog()
    {
        // The pipes close when ffmpeg exits; the copies then end. Bounded in case a grandchild holds them open.
        try
        {
            if (!Task.WaitAll([_logCopy, _stdoutDrain], TimeSpan.FromSeconds(5)))
                _logError ??= "ffmpeg's output pipes stayed open after it exited; the log may be incomplete";
        }
        catch (AggregateException e)
        {
            _logError ??= "copying ffmpeg's stderr into the log failed: " + e.InnerException?.Message;
            _logDiskFull |= DiskSpace.IsDiskFull(e);
        }
        try
        {
            _log.Dispose();
        }
        catch (IOException e)
        {
            // The log's last buffered lines could not be written (e.g. the disk is full): say so in every message.
            _logError ??= "the end of the log could not be written: " + e.Message;
            _logDiskFull |= DiskSpace.IsDiskFull(e);
        }
    }

    /// <summary>The last lines of the log, for messages; empty when it cannot be read.</summary>
    private string LogTail()
    {
        try
        {
            var lines = File.ReadLines(_logPath).Where(l => l.Length > 0).TakeLast(LogTailLines).ToList();
            string tail = lines.Count == 0 ? "" : " Last lines: " + string.Join(" | ", lines);
            return _logError is null ? tail : $"{tail} ({_logError})";
        }
        catch (IOException e)
        {
            return $" (the log could not be read: {e.Message})";
        }
    }
}
