using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Commands.Jobs;

/// <summary>
/// Presents a <see cref="CaptureSession"/> as an <see cref="IRunningTake"/> by forwarding each member. Needed only
/// until CaptureSession declares <c>: IRunningTake</c> itself (it already has every member); then this file goes.
/// </summary>
internal sealed class CaptureSessionTake(CaptureSession session) : IRunningTake
{
    public string Name => session.Name;
    public string TakePath => session.TakePath;
    public Task<TakeManifest> Completion => session.Completion;
    public CaptureProgress GetProgress() => session.GetProgress();
    public void Stop(long? atNs = null) => session.Stop(atNs);
    public void Dispose() => session.Dispose();
}
