using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>A writer error on one frame is a fault on that frame, not the end of the camera.</summary>
public sealed class CameraPipelineWriteFaultTests
{
    /// <summary>A sink whose writes fail for chosen calls (an I/O error that is not a full disk), as a real sink would.</summary>
    private sealed class FlakySink : IVideoSink
    {
        private readonly HashSet<int> _failOnCall;
        private int _calls;
        public List<byte> FirstBytes { get; } = new();
        public FlakySink(params int[] failOnCall) => _failOnCall = failOnCall.ToHashSet();
        public string FileName => "flaky.y4m";
        public string EncoderName => "test";
        public int FrameBytes => 16;
        public bool IsDead => false;
        public long Write(ReadOnlySpan<byte> frame)
        {
            Assert.Equal(FrameBytes, frame.Length);
            if (_failOnCall.Contains(_calls++))
                throw new TakeFolderException(FileName, $"cannot write to '{FileName}': Input/output error", new IOException("Input/output error", 5));
            FirstBytes.Add(frame[0]);
            return FirstBytes.Count - 1;
        }
        public void Complete() { }
        public void Dispose() { }
    }

    [Fact]
    public void Frames_after_a_failed_write_are_written_as_usual_and_the_failures_are_one_fault_with_a_count()
    {
        using var dir = new TempDirectory();
        var faults = new List<string>();
        var sink = new FlakySink(3, 5);
        var camera = SimulatedTakeTests.OpenSimulated(1)[0];
        var ring = new FrameRing(4, 16);
        var pipeline = new CameraPipeline(camera, "cam", ring, sink, new FramesTableWriter(dir.Combine("cam.frames.csv")),
            slotCapacity: 64, frameTimeoutNs: 5_000_000_000, (_, source, message, _) => { lock (faults) faults.Add($"[{source}] {message}"); });
        pipeline.StartWriter();
        long t0 = SharedTimeline.NowNs();
        for (int n = 0; n < 8; n++)
        {
            Assert.True(pipeline.Post(new TriggerNotice(n, t0 + n, t0 + n, Late: false)));
            FrameBuffer? frame;
            while ((frame = pipeline.TryRent()) is null)
                Thread.Sleep(1);
            frame.FrameIndex = n;
            frame.Length = 16;
            frame.ReceivedBytes = 16;
            frame.Data.AsSpan(0, 16).Fill((byte)(100 + n));
            frame.HostReceiveNs = t0 + n + 1;
            pipeline.Deliver(frame);
        }
        pipeline.CompleteTriggers();
        pipeline.JoinWriter();
        pipeline.Complete(8);
        camera.Dispose();

        var rows = FramesTableReader.Read(dir.Combine("cam.frames.csv"));
        Assert.Equal(new[] { FrameStatus.Captured, FrameStatus.Captured, FrameStatus.Captured, FrameStatus.WriteFailed,
            FrameStatus.Captured, FrameStatus.WriteFailed, FrameStatus.Captured, FrameStatus.Captured }, rows.Select(r => r.Status));
        Assert.Equal(new long[] { 0, 1, 2, -1, 3, -1, 4, 5 }, rows.Select(r => r.VideoFrame));
        Assert.All(rows, r => Assert.Equal(16, r.ReceivedBytes));
        // The video holds the frames that were written, each its own: 0, 1, 2, 4, 6, 7.
        Assert.Equal(new byte[] { 100, 101, 102, 104, 106, 107 }, sink.FirstBytes);
        Assert.Equal(2, pipeline.Counts.WriteFailed);
        Assert.Equal(6, pipeline.Counts.Captured);
        Assert.Equal(8, pipeline.Counts.Accounted);
        var fault = Assert.Single(faults);
        Assert.Contains("2 frame(s)", fault);
        Assert.Contains("Input/output error", fault);
    }
}
