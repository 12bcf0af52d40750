namespace PsCamSync.Core.Cameras;

/// <summary>
/// Software-trigger setup and trigger timing written once in SFNC feature names, for backends whose cameras are driven
/// through their GenICam feature map alone (Spinnaker, IC4).
/// </summary>
internal static class SfncTriggerSetup
{
    /// <summary>
    /// One frame per TriggerSoftware: TriggerMode Off, TriggerSelector FrameStart, TriggerSource Software, TriggerMode On
    /// (TriggerSource is changed with the trigger off, as FLIR cameras require), AcquisitionMode Continuous where the camera
    /// has it, and the exposure (ExposureAuto Off first where it exists).
    /// </summary>
    /// <param name="features">The camera's feature map (the caller holds the camera's lock).</param>
    /// <param name="cameraId">For messages.</param>
    /// <param name="exposureUs">Exposure in µs, or null to keep the current one.</param>
    /// <exception cref="InvalidCaptureArgumentException">ExposureUs: not a positive finite number.</exception>
    /// <exception cref="FeatureException">No TriggerSoftware command, or a feature was refused.</exception>
    public static void ConfigureSoftware(IFeatureMap features, string cameraId, double? exposureUs)
    {
        if (exposureUs is { } e && !(e > 0 && double.IsFinite(e)))
            throw new InvalidCaptureArgumentException("ExposureUs", $"{e} µs is not an exposure time; pass a positive number of microseconds.");
        if (!features.IsAvailable("TriggerSoftware"))
            throw new FeatureException("TriggerSoftware", $"Camera '{cameraId}' cannot be software-triggered: it has no TriggerSoftware command.");
        features.SetEnumeration("TriggerMode", "Off");
        features.SetEnumeration("TriggerSelector", "FrameStart");
        features.SetEnumeration("TriggerSource", "Software");
        features.SetEnumeration("TriggerMode", "On");
        if (features.IsAvailable("AcquisitionMode"))
            features.SetEnumeration("AcquisitionMode", "Continuous");
        if (exposureUs is { } exposure)
        {
            if (features.IsAvailable("ExposureAuto"))
                features.SetEnumeration("ExposureAuto", "Off");
            features.SetFloat("ExposureTime", exposure);
        }
    }

    /// <summary>
    /// ExposureTime in µs, and the busy time after a trigger in ns: the exposure plus the shortest frame period the camera
    /// allows now (1 / the maximum of AcquisitionFrameRate) where it has that IFloat, an estimate that errs long (that
    /// period already includes the exposure).
    /// </summary>
    /// <param name="features">The camera's feature map.</param>
    /// <param name="floatMax">The backend's maximum of an IFloat feature (Spinnaker <c>spinFloatGetMax</c>, IC4
    /// <c>ic4_prop_float_get_max</c>).</param>
    /// <exception cref="FeatureException">The exposure could not be read.</exception>
    public static (double ExposureUs, long BusyNs) Timing(IFeatureMap features, Func<string, double> floatMax)
    {
        double exposureUs = features.GetFloat("ExposureTime");
        long readoutNs = 0;
        if (features.IsAvailable("AcquisitionFrameRate") && features.GetFeatureType("AcquisitionFrameRate") == FeatureType.Float)
        {
            double max = floatMax("AcquisitionFrameRate");
            if (max > 0 && double.IsFinite(max))
                readoutNs = (long)Math.Round(1e9 / max);
        }
        return (exposureUs, (long)Math.Round(exposureUs * 1000) + readoutNs);
    }
}
