using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Recording;

/// <summary>The view of a take in another process: it never faults and may be disposed more than once.</summary>
public class RecorderTakeTests
{
    [Fact]
    public async Task ATakeWhoseFolderIsGone_CompletesAsCrashed_WithTheReason_EvenAfterDisposal()
    {
        using var dir = new TempDirectory();
        var host = HostTakeDirectory.Open(dir.Combine("host"));
        var entry = new HostTakeEntry { Id = HostTakeDirectory.NewId(), Name = "gone", TakePath = dir.Combine("gone"), Phase = RecorderPhase.Ended, FinalState = TakeState.Completed };
        host.Write(entry);
        var take = RecorderTake.Attach(host, entry);
        take.Dispose();
        take.Dispose(); // twice: no ObjectDisposedException
        var manifest = await take.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TakeState.Crashed, manifest.State);
        Assert.Contains("does not exist", take.FinalManifestError!.Message);
        Assert.Equal(0, take.GetProgress().Captured); // the last known progress, no exception
    }
}
