namespace PsCamSync.Core.Cameras;

/// <summary>
/// What a backend does with a software trigger that failed (Aravis, Spinnaker, IC4): while the camera streams, the
/// failure goes to its frame target (the take records it and the loss rule counts it; the trigger path never throws);
/// otherwise it is thrown to the caller.
/// </summary>
internal static class SoftwareTriggerFault
{
    /// <summary>Reports or throws "Camera 'id': software trigger for frame n failed: reason".</summary>
    /// <param name="cameraId">The camera's id.</param>
    /// <param name="frameIndex">Schedule index of the slot the trigger was for.</param>
    /// <param name="reason">What the library said.</param>
    /// <param name="inner">The library's exception, when there is one.</param>
    /// <param name="target">The frame target of the running stream, or null when the camera is not streaming.</param>
    /// <exception cref="CameraException">Not streaming (<paramref name="target"/> null).</exception>
    public static void ReportOrThrow(string cameraId, long frameIndex, string reason, Exception? inner, IFrameTarget? target)
    {
        var fault = new CameraException(cameraId, $"Camera '{cameraId}': software trigger for frame {frameIndex} failed: {reason}", inner);
        if (target is null)
            throw fault;
        target.ReportFault(fault.Message, fault);
    }
}
