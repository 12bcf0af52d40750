using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>
/// The budget against real takes on this machine: a plan it says DoesNotFit drops frames when recorded, and a plan
/// it says Fits records every frame. The budget is measured in the same run, just before each take.
/// </summary>
[Collection("Takes")] // takes run one at a time: they share two cores
public class CaptureBudgetTakeTests
{
    private static CaptureBudgetResult Budget(IReadOnlyList<ICamera> cameras, double hz, double seconds, VideoEncoder encoder, string folder, long? buffer)
    {
        var plan = new CaptureBudgetPlan(cameras.Select(c => new CaptureBudgetCamera(c.Info.Id, c.Info.Backend, c.Info.Address, c.Info.Width, c.Info.Height, c.Info.PixelFormat)).ToList(),
            hz, TimeSpan.FromSeconds(seconds), encoder, folder, buffer);
        return CaptureBudget.Evaluate(plan, CaptureBudgetProbes.Measure(plan), "this host");
    }

    private static string Describe(CaptureBudgetResult r) =>
        $"{r.Verdict}, bottleneck {r.Bottleneck}: {r.Fix} Rows: " + string.Join(" | ", r.Rows.Select(x => $"{x.Resource} {x.Required:0} of {x.Available:0} {x.Unit} ({x.Verdict}): {x.Note}"));

    [RequiresFact("ffmpeg")]
    public void PlanThatDoesNotFit_DropsFrames_WhenRecorded()
    {
        using var dir = new TempDirectory();
        // Two 1920x1200 cameras at 60 Hz through FFV1 (120 frames/s of 2.3 MB) with rings of 6 frames per camera for 3 s:
        // the encoders of this 2-core machine fall far behind and the rings overflow within a second.
        const double hz = 60, seconds = 3;
        long buffer = 6L * 2 * 1920 * 1200;
        var cameras = SimulatedTakeTests.OpenSimulated(2, (_, o) => { o.Width = 1920; o.Height = 1200; });
        var budget = Budget(cameras, hz, seconds, VideoEncoder.Ffv1, dir.Path, buffer);
        Assert.True(budget.Verdict == CaptureBudgetVerdict.DoesNotFit, Describe(budget));
        Assert.Equal(CaptureBudgetResource.Encoder, budget.Bottleneck);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path)); // the probes left nothing behind

        using var session = CaptureSession.Start(cameras, new CaptureOptions
        {
            Schedule = SimulatedTakeTests.ScheduleSoon(hz, seconds, leadSeconds: 1.5), Path = dir.Combine("take"), Encoder = VideoEncoder.Ffv1, BufferMemoryBytes = buffer,
        });
        var manifest = SimulatedTakeTests.Run(session, 120);
        Assert.True(manifest.Cameras.Sum(c => c.Counts.Dropped) > 0, SimulatedTakeTests.Describe(manifest) + " — budget: " + Describe(budget));
    }

    [Fact]
    public void PlanThatFits_RecordsEveryFrame()
    {
        using var dir = new TempDirectory();
        const double hz = 30, seconds = 3;
        var cameras = SimulatedTakeTests.OpenSimulated(1);
        var budget = Budget(cameras, hz, seconds, VideoEncoder.Y4M, dir.Path, null);
        Assert.True(budget.Verdict == CaptureBudgetVerdict.Fits, Describe(budget));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));

        using var session = CaptureSession.Start(cameras, new CaptureOptions
        {
            Schedule = SimulatedTakeTests.ScheduleSoon(hz, seconds), Path = dir.Combine("take"), Encoder = VideoEncoder.Y4M,
        });
        var manifest = SimulatedTakeTests.Run(session);
        Assert.True(manifest.Cameras.All(c => c.Counts.Dropped == 0), SimulatedTakeTests.Describe(manifest) + " — budget: " + Describe(budget));
    }
}
