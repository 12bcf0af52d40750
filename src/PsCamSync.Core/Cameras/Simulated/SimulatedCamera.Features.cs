using PsCamSync.Core.Timing;
using static PsCamSync.Core.Cameras.Simulated.SimulatedCameraOptions;
using F = PsCamSync.Core.Cameras.Simulated.SimulatedFeature;

namespace PsCamSync.Core.Cameras.Simulated;

public sealed partial class SimulatedCamera
{
    /// <summary>SFNC DeviceVendorName of every simulated camera.</summary>
    public const string VendorName = "PsCamSync";

    /// <summary>SFNC DeviceModelName of every simulated camera.</summary>
    public const string ModelName = "Simulated Camera";

    /// <summary>The feature table (documented on <see cref="Features"/>); PTP and action features are added here as rows.</summary>
    private SimulatedFeatureMap BuildFeatures()
    {
        var map = new SimulatedFeatureMap(Id, () => _stream is not null, () => _disposed, CheckAnswering);

        map.Add(F.String("DeviceVendorName", () => VendorName))
           .Add(F.String("DeviceModelName", () => ModelName))
           .Add(F.String("DeviceSerialNumber", () => Serial))
           .Add(F.String("DeviceID", () => Id))
           .Add(F.String("DeviceUserID", () => _userId, v => _userId = v, maxLength: 16));

        map.Add(F.Integer("Width", () => _width, v => _width = (int)v, MinWidth, MaxWidth, lockedWhileStreaming: true))
           .Add(F.Integer("Height", () => _height, v => _height = (int)v, MinHeight, MaxHeight, lockedWhileStreaming: true))
           .Add(F.Integer("WidthMax", () => MaxWidth))
           .Add(F.Integer("HeightMax", () => MaxHeight))
           .Add(F.Enumeration("PixelFormat", Enum.GetNames<PixelFormat>(), () => _pixelFormat.ToString(),
                v => _pixelFormat = Enum.Parse<PixelFormat>(v), lockedWhileStreaming: true))
           .Add(F.Integer("PayloadSize", () => FrameBytes, unit: "bytes"));

        map.Add(F.Enumeration("AcquisitionMode", ["Continuous", "SingleFrame"], () => _acquisitionMode,
                v => _acquisitionMode = v, lockedWhileStreaming: true))
           .Add(F.Command("AcquisitionStart", ExecuteAcquisitionStart))
           .Add(F.Command("AcquisitionStop", ExecuteAcquisitionStop))
           .Add(F.Boolean("AcquisitionFrameRateEnable", () => _frameRateEnable, v => { lock (_lock) _frameRateEnable = v; }))
           .Add(F.Float("AcquisitionFrameRate", () => _frameRateHz, v => { lock (_lock) _frameRateHz = v; },
                MinFrameRateHz, _options.MaxFrameRateHz, "Hz"))
           .Add(F.Float("ExposureTime", () => _exposureUs, SetExposure, MinExposureUs, MaxExposureUs, "µs"))
           .Add(F.Float("SensorReadoutTime", () => _options.ReadoutUs, unit: "µs"));

        map.Add(F.Enumeration("TriggerSelector", ["FrameStart"], () => _triggerSelector, v => _triggerSelector = v, lockedWhileStreaming: true))
           .Add(F.Enumeration("TriggerMode", ["Off", "On"], () => _triggerOn ? "On" : "Off", v => _triggerOn = v == "On", lockedWhileStreaming: true))
           .Add(F.Enumeration("TriggerSource", TriggerSourceEntries(), () => _triggerSource, SetTriggerSource, lockedWhileStreaming: true))
           .Add(F.Enumeration("TriggerOverlap", ["Off", "ReadOut"], () => _overlapReadOut ? "ReadOut" : "Off",
                v => { lock (_lock) _sensor.OverlapReadOut = _overlapReadOut = v == "ReadOut"; }, lockedWhileStreaming: true))
           .Add(F.Command("TriggerSoftware", ExecuteTriggerSoftware));

        map.Add(F.Command("TimestampLatch", () => _timestampLatchValue = Clock.NowNs()))
           .Add(F.Integer("TimestampLatchValue", () => _timestampLatchValue, unit: "ns"));

        AddPtpFeatures(map);
        AddActionFeatures(map);

        map.Add(F.Integer("TLParamsLocked", () => _stream is null ? 0 : 1));
        return map;
    }

    private void SetTriggerSource(string source)
    {
        if (source != "Software")
            ListenForActions("TriggerSource");
        _triggerSource = source;
    }

    private void SetExposure(double us)
    {
        lock (_lock)
        {
            _exposureUs = us;
            _sensor.ExposureNs = UsToNs(us);
        }
    }

    private void ExecuteAcquisitionStart()
    {
        SimulatedStream? stream;
        lock (_lock)
        {
            stream = _stream;
            if (stream is null)
                throw new FeatureException("AcquisitionStart", $"AcquisitionStart: {Id} has no open stream; StartAcquisition(target) opens the stream and starts acquiring.");
            StartDevice();
        }
        stream.Signal();
    }

    private void ExecuteAcquisitionStop()
    {
        lock (_lock)
            StopDevice();
    }

    private void ExecuteTriggerSoftware()
    {
        if (!_triggerOn)
            throw new FeatureException("TriggerSoftware", $"TriggerSoftware: {Id} has TriggerMode Off (free run); set TriggerMode On and TriggerSource Software first.");
        WaitOutTransfer();
        TriggerAt(-1, SharedTimeline.NowNs());
    }
}
