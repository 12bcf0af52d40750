using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Tests.Capture;

public class SlotWindowTests
{
    private static List<FrameRecord> Drain(SlotWindow w)
    {
        var rows = new List<FrameRecord>();
        while (w.TryTakeFinal(out var r)) rows.Add(r);
        return rows;
    }

    [Fact]
    public void Rows_LeaveInIndexOrder_OnlyOnceFinal()
    {
        var w = new SlotWindow(16);
        for (long n = 10; n < 14; n++) w.Add(new TriggerNotice(n, n * 100, n == 12 ? 0 : n * 100 + 1, Late: n == 12));
        // Frame for 11 arrives first: nothing leaves while 10 is pending.
        w.Complete(w.Find(11, 0), FrameStatus.Captured, 5, 1105, 0, 100, 7);
        Assert.Empty(Drain(w));
        w.Complete(w.Find(10, 0), FrameStatus.Incomplete, 4, 1005, 1, 60, 6);
        var rows = Drain(w);
        Assert.Equal(new long[] { 10, 11, 12 }, rows.Select(r => r.FrameIndex));
        Assert.Equal(new[] { FrameStatus.Incomplete, FrameStatus.Captured, FrameStatus.TriggerLate }, rows.Select(r => r.Status));
        Assert.Equal(0, rows[2].TriggerNs);
        Assert.Equal(new long[] { 6, 7, -1 }, rows.Select(r => r.DeviceFrameId)); // the late slot had no frame
        Assert.Equal(1, w.Count); // 13 is still pending
    }

    [Fact]
    public void FrameWithoutIndex_GoesToNewestTriggerIssuedBeforeItArrived()
    {
        var w = new SlotWindow(16);
        w.Add(new TriggerNotice(0, 1000, 1010, false));
        w.Add(new TriggerNotice(1, 2000, 2010, false));
        w.Add(new TriggerNotice(2, 3000, 3010, false));
        // Trigger 0 was missed by the camera; the frame received at 2500 answers trigger 1.
        long pos = w.Find(-1, 2500);
        w.Complete(pos, FrameStatus.Captured, 2020, 2500, 0, 100, 1);
        Assert.Empty(Drain(w)); // 0 still pending
        w.ExpirePending(missedBeforeNs: 1500);
        var rows = Drain(w);
        Assert.Equal(new[] { FrameStatus.TriggerMissed, FrameStatus.Captured }, rows.Select(r => r.Status));
        Assert.Equal(-1, w.Find(-1, 1000)); // nothing issued before 1000 is pending any more
        Assert.Equal(-1, w.Find(1, 0)); // index 1 is gone
        Assert.Equal(-1, w.Find(7, 0)); // never scheduled
    }

    [Fact]
    public void ExpireOldest_MakesRoomWithoutLosingOrder()
    {
        var w = new SlotWindow(2);
        w.Add(new TriggerNotice(0, 1, 1, false));
        w.Add(new TriggerNotice(1, 2, 2, false));
        Assert.True(w.IsFull);
        w.ExpireOldest();
        Assert.True(w.TryTakeFinal(out var r));
        Assert.Equal((0L, FrameStatus.TriggerMissed), (r.FrameIndex, r.Status));
        w.Add(new TriggerNotice(2, 3, 3, false));
        Assert.Equal(2, w.Count);
    }
}
