using PsCamSync.Core.Concurrency;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// One camera's path through a take: the <see cref="IFrameTarget"/> its backend streams into (a
/// <see cref="FrameRing"/>), the trigger notices from the trigger thread, and a writer thread that puts pixels into
/// the video sink and one row per schedule slot into the frames table, in index order.
/// Threads meet only in single-producer/single-consumer queues; nothing here blocks the trigger thread.
/// </summary>
internal sealed class CameraPipeline : IFrameTarget
{
    private readonly struct DropNotice
    {
        public readonly long FrameIndex, DeviceTimestampNs, HostReceiveNs;
        public DropNotice(long frameIndex, long deviceTimestampNs, long hostReceiveNs)
        { FrameIndex = frameIndex; DeviceTimestampNs = deviceTimestampNs; HostReceiveNs = hostReceiveNs; }
    }

    private readonly FrameRing _ring;
    private readonly SpscQueue<TriggerNotice> _triggers;
    private readonly SpscQueue<DropNotice> _drops;
    private readonly SlotWindow _window;
    private readonly IVideoSink _sink;
    private readonly FramesTableWriter _table;
    private readonly Action<string?, TakeFaultSource, string, Exception?> _fault;
    private readonly long _frameTimeoutNs;
    private Thread? _writer;
    private volatile bool _triggersComplete;
    private volatile bool _abandon;
    private long _extraFrames, _lostNotices;
    private long _writeFailures; // frames whose pixels could not be written (status WriteFailed)
    private TakeFolderException? _firstWriteError; // the first of them, for the one aggregated fault
    private long _tableFailures; // rows whose flush failed (they stay buffered and are flushed again later)
    private TakeFolderException? _firstTableError;
    private List<FrameRecord>? _heldRows; // rows kept in memory after the disk filled, written once the reserve is freed
    private long _warmUpFrames;
    private long _firstTriggerNs; // writer-side: trigger time of the first slot, 0 before it
    private long _captured, _lost; // written by the writer, read for progress

    public CameraPipeline(ICamera camera, string cameraId, FrameRing ring, IVideoSink sink, FramesTableWriter table,
        int slotCapacity, long frameTimeoutNs, Action<string?, TakeFaultSource, string, Exception?> fault)
    {
        _camera = camera;
        CameraId = cameraId;
        _ring = ring;
        _sink = sink;
        _table = table;
        _fault = fault;
        _frameTimeoutNs = frameTimeoutNs;
        _triggers = new SpscQueue<TriggerNotice>(slotCapacity);
        _drops = new SpscQueue<DropNotice>(Math.Max(64, ring.Frames * 4));
        _window = new SlotWindow(_triggers.Capacity);
    }

    private volatile ICamera _camera;
    private long _warmUpBeforeNs; // frames of unknown index received before this are warm-up frames of a rejoined camera

    /// <summary>The camera streaming into this pipeline now (replaced when a lost camera is reopened).</summary>
    public ICamera Camera { get => _camera; set => _camera = value; }
    public string CameraId { get; }

    /// <summary>
    /// Shared by every camera of a take: set once a write failed because the disk is full. From then on no pipeline
    /// writes video (its frames are WriteFailed) and rows are held in memory until <see cref="Complete"/>, which runs
    /// after the take's reserve has been freed. Null: no disk-full handling (the write error is a plain write fault).
    /// </summary>
    public DiskFullSignal? DiskFull { get; init; }

    /// <summary>How the trigger thread reaches the camera; set once by the session before the take starts.</summary>
    public TriggerPort? Port { get; set; }

    /// <summary>The take's late tolerance, ns: a frame whose trigger cannot be shown to have reached the camera within
    /// it after Tn is recorded TriggerLate (default: no limit).</summary>
    public long LateToleranceNs { get; set; } = long.MaxValue / 4;

    /// <summary>
    /// Camera-timed modes (action commands, camera scheduler): device time minus shared time of this camera, ns (its clock
    /// model's offset at the start), with <see cref="MatchWithinNs"/>. A frame that carries no schedule index then goes to
    /// the open slot whose Tn is nearest its device timestamp mapped onto the shared timeline, so a frame delivered late
    /// (after the next Tn) still finds its own slot. Null: frames go to the latest slot triggered before they arrived.
    /// </summary>
    public long? DeviceOffsetNs { get; set; }

    /// <summary>How far from Tn a mapped device timestamp may be to match its slot, ns (used with <see cref="DeviceOffsetNs"/>).</summary>
    public long MatchWithinNs { get; set; }
    public FrameCounts Counts { get; } = new();

    /// <summary>Bytes each ring buffer holds (a reopened camera's frames must fit).</summary>
    public int RingFrameBytes => _ring.FrameBytes;
    public long Captured => Volatile.Read(ref _captured);
    public long Lost => Volatile.Read(ref _lost);

    // ---- receive thread (IFrameTarget) ----

    public FrameBuffer? TryRent() => _ring.TryRent();

    public void Deliver(FrameBuffer frame) => _ring.Publish(frame);

    public void ReportDropped(long frameIndex, long deviceTimestampNs, long hostReceiveNs)
    {
        if (!_drops.TryEnqueue(new DropNotice(frameIndex, deviceTimestampNs, hostReceiveNs)))
            Interlocked.Increment(ref _lostNotices);
    }

    public void ReportFault(string message, Exception? exception) => _fault(CameraId, TakeFaultSource.Stream, message, exception);

    // ---- trigger thread ----

    /// <summary>Posts a slot; false only when the writer is so far behind that its notice queue is full.</summary>
    public bool Post(in TriggerNotice notice)
    {
        if (_triggers.TryEnqueue(notice)) return true;
        Interlocked.Increment(ref _lostNotices);
        return false;
    }

    /// <summary>The trigger thread has posted its last notice.</summary>
    public void CompleteTriggers() => _triggersComplete = true;

    /// <summary>A notice that could not be posted (counted, reported when the take ends).</summary>
    public void CountLostNotice() => Interlocked.Increment(ref _lostNotices);

    /// <summary>A trigger call failed: recorded as a fault for the first failure of a run (the loss fault sums up the rest).</summary>
    public void ReportTriggerFault(long frameIndex, Exception e)
    {
        if (Interlocked.Exchange(ref _triggerFaultRun, 1) == 0)
            _fault(CameraId, TakeFaultSource.Camera, $"trigger {frameIndex} failed: {e.Message} (a camera whose triggers keep failing is taken out of the take: see CameraLossRule)", e);
    }

    private int _triggerFaultRun;

    /// <summary>A trigger was answered again: the next failure is reported.</summary>
    public void TriggerAnswered() => Volatile.Write(ref _triggerFaultRun, 0);

    /// <summary>Frames of unknown index received before <paramref name="ns"/> (shared timeline) count as warm-up frames
    /// (a rejoining camera's warm-up trigger).</summary>
    public void WarmUpBefore(long ns) => Volatile.Write(ref _warmUpBeforeNs, ns);

    // ---- writer thread ----

    public void StartWriter()
    {
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = $"PsCamSync writer {CameraId}" };
        _writer.Start();
    }

    /// <summary>Waits for the writer to account for every slot (each slot ends by its frame or its timeout).</summary>
    public void JoinWriter() => _writer?.Join();

    /// <summary>Makes the writer finish now, expiring pending slots as missed (used when a take is disposed).</summary>
    public void Abandon() => _abandon = true;

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                bool worked = DrainTriggers();
                while (_ring.TryTake(out var frame))
                {
                    DrainTriggers(); // a frame's notice was queued before its trigger: make sure it is in the window
                    Accept(frame);
                    _ring.Return(frame);
                    WriteFinalRows(); // the row follows its video frame to the OS at once (see WriteFinalRows)
                    worked = true;
                }
                while (_drops.TryDequeue(out var drop))
                {
                    DrainTriggers();
                    if (IsWarmUp(drop.FrameIndex, drop.HostReceiveNs))
                        _warmUpFrames++;
                    else if (_window.Find(drop.FrameIndex, drop.HostReceiveNs) is var pos and >= 0)
                        _window.Complete(pos, FrameStatus.Dropped, drop.DeviceTimestampNs, drop.HostReceiveNs, -1, -1, -1);
                    else
                        _extraFrames++;
                    worked = true;
                }
                bool done = _triggersComplete && _triggers.Count == 0;
                if (done && _abandon)
                    _window.ExpirePending(long.MaxValue);
                else
                    _window.ExpirePending(SharedTimeline.NowNs() - _frameTimeoutNs);
                worked |= WriteFinalRows();
                if (done && _window.Count == 0)
                    break;
                if (!worked)
                    Thread.Sleep(1);
            }
        }
        catch (Exception e)
        {
            _fault(CameraId, TakeFaultSource.Writer, $"the writer stopped: {e.Message}", e);
            _abandon = true;
            try
            {
                _window.ExpirePending(long.MaxValue);
                WriteFinalRows();
            }
            catch (Exception inner)
            {
                _fault(CameraId, TakeFaultSource.Writer, $"rows after the writer fault could not be written: {inner.Message}", inner);
            }
        }
    }

    private bool DrainTriggers()
    {
        bool any = false;
        while (_triggers.TryDequeue(out var notice))
        {
            if (notice.Kind == TriggerNoticeKind.Acknowledgement)
            {
                _window.Acknowledge(notice.FrameIndex, notice.AcknowledgedNs);
                continue;
            }
            if (_window.IsFull)
            {
                _window.ExpireOldest();
                WriteFinalRows();
            }
            _window.Add(notice);
            if (_firstTriggerNs == 0 && notice.TriggerNs != 0)
                _firstTriggerNs = notice.TriggerNs;
            any = true;
        }
        return any;
    }

    private void Accept(FrameBuffer frame)
    {
        if (IsWarmUp(frame.FrameIndex, frame.HostReceiveNs))
        {
            _warmUpFrames++;
            return;
        }
        long pos = frame.FrameIndex < 0 && DeviceOffsetNs is long offset
            ? _window.FindNearestScheduled(frame.DeviceTimestampNs - offset, MatchWithinNs)
            : _window.Find(frame.FrameIndex, frame.HostReceiveNs);
        if (pos < 0)
        {
            _extraFrames++;
            return;
        }
        var status = frame.Incomplete ? FrameStatus.Incomplete : FrameStatus.Captured;
        long received = frame.ReceivedBytes >= 0 ? frame.ReceivedBytes : frame.Incomplete ? -1 : frame.Length;
        if (_window.TriggeredLate(pos, frame.HostReceiveNs, LateToleranceNs))
        {
            // The trigger may have reached the camera later than the tolerance: never recorded Captured on time.
            _window.Complete(pos, FrameStatus.TriggerLate, frame.DeviceTimestampNs, frame.HostReceiveNs, -1, received, frame.DeviceFrameId);
            return;
        }
        long videoFrame = WriteVideo(frame);
        if (videoFrame < 0)
            status = FrameStatus.WriteFailed;
        _window.Complete(pos, status, frame.DeviceTimestampNs, frame.HostReceiveNs, videoFrame, received, frame.DeviceFrameId);
    }

    /// <summary>
    /// Writes one frame's pixels; returns its video frame number, or -1 when they could not be written (counted into one
    /// aggregated fault, see <see cref="Complete"/>). An incomplete frame shorter than a video frame is padded with zeros:
    /// the policy is that an incomplete frame's video slot holds what arrived, at its place, and zeros elsewhere.
    /// </summary>
    private long WriteVideo(FrameBuffer frame)
    {
        if (DiskFull is { IsSet: true } || _sink.IsDead)
        {
            NoteWriteFailure(null);
            return -1;
        }
        int size = _sink.FrameBytes;
        if (frame.Length < size && frame.Incomplete && frame.Data.Length >= size)
        {
            frame.Data.AsSpan(frame.Length, size - frame.Length).Clear();
            frame.Length = size;
        }
        try
        {
            return _sink.Write(frame.Pixels);
        }
        catch (TakeFolderException e)
        {
            NoteWriteFailure(e);
            if (e.DiskFull)
                DiskFull?.Signal(CameraId, e);
            return -1;
        }
        catch (IOException e)
        {
            // A sink should wrap its I/O errors; one that does not still costs only this frame.
            var wrapped = new TakeFolderException(_sink.FileName, $"writing to '{_sink.FileName}' failed: {e.Message}", e);
            NoteWriteFailure(wrapped);
            if (wrapped.DiskFull)
                DiskFull?.Signal(CameraId, wrapped);
            return -1;
        }
        catch (ArgumentException e)
        {
            // A frame of the wrong size (the camera changed its format while streaming): this frame only.
            NoteWriteFailure(new TakeFolderException(_sink.FileName, $"frame of {frame.Length} bytes does not fit the video's {size}-byte frames: {e.Message}", e));
            return -1;
        }
    }

    private void NoteWriteFailure(TakeFolderException? e)
    {
        _writeFailures++;
        _firstWriteError ??= e;
    }

    /// <summary>A frame of the warm-up trigger: tagged as such, or received before the first slot's trigger.</summary>
    private bool IsWarmUp(long frameIndex, long hostReceiveNs) =>
        frameIndex == TriggerLoop.WarmUpFrameIndex
        || (frameIndex < 0 && (_firstTriggerNs == 0 || hostReceiveNs < _firstTriggerNs || hostReceiveNs < Volatile.Read(ref _warmUpBeforeNs)));

    /// <summary>Frames that answered the warm-up trigger.</summary>
    public int WarmUpFrames => (int)Volatile.Read(ref _warmUpFrames);

    private bool WriteFinalRows()
    {
        bool any = false;
        while (_window.TryTakeFinal(out var record))
        {
            WriteRow(record);
            Counts.Add(record.Status);
            Port?.OnRow(record);
            if (record.Status == FrameStatus.Captured) Volatile.Write(ref _captured, _captured + 1);
            else if (record.Status != FrameStatus.Incomplete) Volatile.Write(ref _lost, _lost + 1);
            any = true;
        }
        // Hand the batch to the OS now: a crash then loses no final row, and the table is behind the video only by
        // the frames whose slots are not final yet (README, "The take folder").
        if (any)
            _table.Flush();
        return any;
    }

    /// <summary>
    /// Writes one row. Once the disk is full rows are held in memory (written by <see cref="Complete"/>); a row whose
    /// flush fails stays in the table's buffer and goes out with the next flush, so it is neither lost nor written twice.
    /// </summary>
    private void WriteRow(in FrameRecord record)
    {
        if (_heldRows is not null || DiskFull is { IsSet: true })
        {
            (_heldRows ??= new List<FrameRecord>()).Add(record);
            return;
        }
        try
        {
            _table.Write(record);
        }
        catch (TakeFolderException e)
        {
            _tableFailures++;
            _firstTableError ??= e;
            if (e.DiskFull)
                DiskFull?.Signal(CameraId, e);
        }
    }

    /// <summary>
    /// After the camera stopped: counts frames that arrived too late for any slot, writes the rows held back after the
    /// disk filled, closes the video and the table, and records what went wrong: one fault per kind, with its count.
    /// Call after the take's reserve has been freed.
    /// </summary>
    /// <param name="expected">Slots this camera was asked for.</param>
    /// <param name="quietExtras">True when the take stopped because the disk filled: frames that matched no slot are
    /// then returned to the caller (who folds them into the disk-full fault) instead of being a fault of their own.</param>
    /// <returns>The frames that matched no slot.</returns>
    public long Complete(long expected, bool quietExtras = false)
    {
        while (_ring.TryTake(out var frame))
        {
            _extraFrames++;
            _ring.Return(frame);
        }
        while (_drops.TryDequeue(out _)) _extraFrames++;
        Counts.Expected = expected;
        if (_heldRows is not null)
        {
            long failed = 0;
            TakeFolderException? first = null;
            foreach (var row in _heldRows)
            {
                try { _table.Write(row); }
                catch (TakeFolderException e)
                {
                    failed++;
                    first ??= e;
                }
            }
            if (failed > 0) // even with the reserve freed: these rows may be missing from the table
                _fault(CameraId, TakeFaultSource.Writer, $"{failed} of the {_heldRows.Count} rows held back after the disk filled could not be written to the frames table (take.json still counts them). First error: {first!.Message}", first);
        }
        try { _table.Dispose(); }
        catch (Exception e) { _fault(CameraId, TakeFaultSource.Writer, $"the frames table could not be closed: {e.Message}", e); }
        try { _sink.Complete(); }
        catch (Exception e) when (!(DiskFull?.IsSet ?? false) || e is not TakeFolderException)
        {
            _fault(CameraId, TakeFaultSource.Encoder, $"the video file could not be completed: {e.Message}", e);
        }
        catch (TakeFolderException)
        {
            // The disk is full: the encoder's failure to finish is that one recorded cause, not a fault of its own.
        }
        finally { _sink.Dispose(); }
        if (_writeFailures > 0)
        {
            bool diskFull = DiskFull?.IsSet ?? false;
            if (!diskFull || _firstWriteError is { DiskFull: false })
                _fault(CameraId, TakeFaultSource.Encoder, $"the pixels of {_writeFailures} frame(s) could not be written; their rows say WriteFailed" +
                    (_sink.IsDead ? " (the video sink stopped taking frames)" : "") +
                    (_firstWriteError is null ? "." : $". First error: {_firstWriteError.Message}"), _firstWriteError);
        }
        if (_tableFailures > 0 && _firstTableError is { DiskFull: false })
            _fault(CameraId, TakeFaultSource.Writer, $"{_tableFailures} write(s) to the frames table failed (rows stayed buffered and were flushed again later). First error: {_firstTableError.Message}", _firstTableError);
        if (Counts.Dropped > 0)
            _fault(CameraId, TakeFaultSource.Writer, $"the writer could not keep up: {Counts.Dropped} frames were dropped because the ring of {_ring.Frames} frames was full. Use a faster -Encoder, a larger -BufferMemory or a lower -FrameRate.", null);
        if (_extraFrames > 0 && !quietExtras)
            _fault(CameraId, TakeFaultSource.Stream, $"{_extraFrames} frames matched no trigger slot (they came after their slot timed out, or the camera produced frames it was not asked for).", null);
        if (_lostNotices > 0)
            _fault(CameraId, TakeFaultSource.Trigger, $"{_lostNotices} slot or drop notices were lost because the writer was far behind; those slots count as missed.", null);
        if (Counts.Accounted != expected)
            _fault(CameraId, TakeFaultSource.Writer, $"frame accounting does not add up: {Counts.Accounted} slots accounted for, {expected} expected.", null);
        return _extraFrames;
    }
}
