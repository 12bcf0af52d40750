namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// Turns the frame ids Aravis reports (<c>arv_buffer_get_frame_id</c>) into a counter that keeps increasing.
/// GigE Vision 1.x streams carry a 16-bit GVSP block id that runs 1..65535 and then wraps to 1 (block id 0 is
/// reserved by the GigE Vision specification; Aravis' emulator does the same, arvfakecamera.c). Streams with
/// extended ids, and USB3 Vision, carry 64 bits and do not wrap in practice. A step backwards of more than half
/// the 16-bit range between two ids that both fit in 16 bits is a wrap; a smaller step backwards is a late
/// (reordered) frame and is passed through as such; a 64-bit id that goes backwards (device reset) continues the
/// counter by one. Allocation-free; one instance per stream.
/// </summary>
internal struct GvspBlockIdUnwrapper
{
    private const ulong Max16 = 0xFFFF;
    private bool _started;
    private ulong _lastRaw;
    private long _value;

    /// <summary>The unwrapped counter for the next raw id.</summary>
    public long Next(ulong raw)
    {
        if (!_started)
        {
            _started = true;
            _lastRaw = raw;
            _value = (long)raw;
            return _value;
        }
        long delta;
        if (raw >= _lastRaw)
            delta = (long)(raw - _lastRaw);
        else if (_lastRaw <= Max16 && raw <= Max16)
            delta = _lastRaw - raw > Max16 / 2
                ? (long)(raw + Max16 - _lastRaw) // wrapped 65535 -> 1: 0 is skipped
                : -(long)(_lastRaw - raw);       // a late frame
        else
            delta = 1;                           // 64-bit counter restarted
        _lastRaw = raw;
        _value += delta;
        return _value;
    }
}
