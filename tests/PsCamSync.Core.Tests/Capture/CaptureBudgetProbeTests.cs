using System.Diagnostics;
using System.Net.NetworkInformation;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Capture;

/// <summary>The probes of <see cref="CaptureBudgetProbes"/> and the cache, on this machine.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // a fake ffmpeg is a shell script made executable with chmod
public class CaptureBudgetProbeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DiskWriteTest_IsBoundedInBytesAndTime_AndLeavesNoFile()
    {
        long max = 64L << 20;
        var watch = Stopwatch.StartNew();
        var m = CaptureBudgetProbes.MeasureDiskWrite(_dir.Path, max, TimeSpan.FromSeconds(1));
        watch.Stop();
        Assert.InRange(m.Bytes, 4L << 20, max);
        Assert.True(m.BytesPerSecond > 0);
        Assert.Equal(_dir.Path, m.Folder);
        // 1 s of writing plus the last fsync of at most 32 MiB: generous for a loaded VM, but bounded.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the disk test took {watch.Elapsed}");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void DiskWriteTest_Cancelled_LeavesNoFile()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CaptureBudgetProbes.MeasureDiskWrite(_dir.Path, cancel: cancel.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void DiskWriteTest_InAFolderThatIsNotThere_SaysWhere()
    {
        string missing = _dir.Combine("not-there");
        var e = Assert.Throws<TakeFolderException>(() => CaptureBudgetProbes.MeasureDiskWrite(missing));
        Assert.Contains(missing, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [RequiresFact("ffmpeg")]
    public void EncoderTest_RunsTheTakesOwnSinks_OneProcessPerCamera_AndLeavesNoFile()
    {
        var cams = new[]
        {
            new CaptureBudgetCamera("a", "", "", 320, 240, PixelFormat.Mono8),
            new CaptureBudgetCamera("b", "", "", 320, 240, PixelFormat.Mono16),
        };
        var m = CaptureBudgetProbes.MeasureEncoder(VideoEncoder.Ffv1, cams, 30, _dir.Path, TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, m.Processes);
        Assert.True(m.Frames > 0);
        Assert.True(m.RawBytes >= m.Frames * 320 * 240);
        Assert.True(m.EncodedBytes > 0);
        Assert.True(m.BytesPerSecond > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void EncoderTest_ForY4M_IsRefused_NamingTheEncoder()
    {
        var cams = new[] { new CaptureBudgetCamera("a", "", "", 320, 240, PixelFormat.Mono8) };
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => CaptureBudgetProbes.MeasureEncoder(VideoEncoder.Y4M, cams, 30, _dir.Path));
        Assert.Equal("Encoder", e.ParameterName);
    }

    [RequiresFact("sh")]
    public void EncoderTest_WhoseFfmpegFails_ThrowsWithItsLog_AndLeavesNoFile()
    {
        string fake = _dir.Combine("failing-ffmpeg");
        File.WriteAllText(fake, "#!/bin/sh\necho 'No NVENC capable devices found' >&2\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string work = Directory.CreateDirectory(_dir.Combine("work")).FullName;
        var cams = new[] { new CaptureBudgetCamera("a", "", "", 320, 240, PixelFormat.Mono8) };
        var e = Assert.Throws<TakeFolderException>(() => CaptureBudgetProbes.MeasureEncoder(VideoEncoder.HevcNvenc, cams, 30, work, ffmpegPath: fake));
        Assert.Contains("NVENC", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(work));
    }

    [Fact]
    public void Links_GigEByInterfaceSpeed_Usb3Nominal_SimulatedNone()
    {
        // 127.0.0.1 is reached through lo; a sysfs folder of our own gives it a speed.
        string sys = Directory.CreateDirectory(_dir.Combine("net")).FullName;
        var lo = NetworkInterface.GetAllNetworkInterfaces().First(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback);
        Directory.CreateDirectory(Path.Combine(sys, lo.Name));
        File.WriteAllText(Path.Combine(sys, lo.Name, "speed"), "1000\n");
        var cams = new[]
        {
            new CaptureBudgetCamera("gige", "Aravis", "127.0.0.1", 640, 480, PixelFormat.Mono8),
            new CaptureBudgetCamera("usb", "Aravis", "", 640, 480, PixelFormat.Mono8),
            new CaptureBudgetCamera("sim-0", "Simulated", "", 640, 480, PixelFormat.Mono8),
        };
        var links = CaptureBudgetProbes.ReadLinks(cams, sys);
        Assert.Equal(2, links.Count);
        Assert.Equal(new CameraLink("gige", lo.Name, 125e6, $"{Path.Combine(sys, lo.Name, "speed")}: 1000 Mb/s"), links[0]);
        Assert.Equal(5e9 / 8, links[1].BytesPerSecond);
        File.WriteAllText(Path.Combine(sys, lo.Name, "speed"), "-1\n"); // what a link that is down reports
        Assert.Null(CaptureBudgetProbes.ReadLinks(cams.Take(1).ToList(), sys)[0].BytesPerSecond);
    }

    [Fact]
    public void DeviceOf_TakesTheLongestMountPrefix_AndUnescapesSpaces()
    {
        string info = _dir.Combine("mountinfo");
        File.WriteAllLines(info, new[]
        {
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "30 22 8:17 / /srv/takes rw,relatime shared:2 - xfs /dev/sdb1 rw",
            "31 22 8:33 / /srv/take\\040two rw,relatime shared:3 - xfs /dev/sdc1 rw",
        });
        Assert.Equal("8:17", CaptureBudgetCache.DeviceOf("/srv/takes/take-1", info));
        Assert.Equal("8:17", CaptureBudgetCache.DeviceOf("/srv/takes", info));
        Assert.Equal("254:0", CaptureBudgetCache.DeviceOf("/srv/takes-old/x", info));
        Assert.Equal("8:33", CaptureBudgetCache.DeviceOf("/srv/take two/x", info));
        Assert.Equal("unknown", CaptureBudgetCache.DeviceOf("/srv", _dir.Combine("no-mountinfo")));
        Assert.NotEqual("unknown", CaptureBudgetCache.DeviceOf(_dir.Path)); // this machine's /proc/self/mountinfo
    }

    [Fact]
    public void Cache_KeepsWhatWasMeasured_AndReadsADamagedFileAsEmpty()
    {
        var cache = new CaptureBudgetCache(_dir.Combine("cache/pscamsync/capture-budget.json"));
        var cams = new[] { new CaptureBudgetCamera("a", "", "", 640, 480, PixelFormat.Mono8), new CaptureBudgetCamera("b", "", "", 640, 480, PixelFormat.Mono8) };
        string key = CaptureBudgetCache.EncoderKey(VideoEncoder.Ffv1, cams);
        Assert.Equal("ffv1 2×640x480 Mono8", key);
        Assert.Null(cache.Disk("8:17"));
        var at = new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero);
        cache.Save(new CaptureBudgetMeasurements
        {
            MeasuredDisk = new CachedDiskThroughput("8:17", "/srv/takes", 123e6, at),
            MeasuredEncoder = new CachedEncoderThroughput(key, 45e6, 140_000, 2, at),
        });
        Assert.Equal(123e6, cache.Disk("8:17")!.BytesPerSecond);
        Assert.Equal(140_000, cache.Encoder(key)!.EncodedBytesPerFrame);
        Assert.Null(cache.Encoder(CaptureBudgetCache.EncoderKey(VideoEncoder.Libx264, cams)));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(cache.File)!)); // no temporary file left
        File.WriteAllText(cache.File, "{ not json");
        Assert.Null(cache.Disk("8:17"));
    }

    [Fact]
    public void CheapRead_UsesTheCache_AndMeasuresNothingSlow()
    {
        var cache = new CaptureBudgetCache(_dir.Combine("cache.json"));
        var cams = new[] { new CaptureBudgetCamera("a", "", "", 640, 480, PixelFormat.Mono8) };
        var plan = new CaptureBudgetPlan(cams, 30, TimeSpan.FromSeconds(2), VideoEncoder.Ffv1, _dir.Path, null);
        var before = CaptureBudgetProbes.ReadCheap(plan, cache);
        Assert.Null(before.DiskWriteBytesPerSecond);
        Assert.Null(before.EncoderBytesPerSecond);
        Assert.StartsWith("not measured", before.DiskNote);
        Assert.True(before.FreeBytes > 0);
        Assert.True(before.MaxRingBytes > 0);
        cache.Save(new CaptureBudgetMeasurements
        {
            MeasuredDisk = new CachedDiskThroughput(CaptureBudgetCache.DeviceOf(_dir.Path), _dir.Path, 99e6, DateTimeOffset.UtcNow),
            MeasuredEncoder = new CachedEncoderThroughput(CaptureBudgetCache.EncoderKey(VideoEncoder.Ffv1, cams), 33e6, 100_000, 1, DateTimeOffset.UtcNow),
        });
        var after = CaptureBudgetProbes.ReadCheap(plan, cache, includeMemory: false);
        Assert.Equal(99e6, after.DiskWriteBytesPerSecond);
        Assert.Equal(33e6, after.EncoderBytesPerSecond);
        Assert.Null(after.MaxRingBytes);
        Assert.Single(Directory.EnumerateFileSystemEntries(_dir.Path)); // only the cache file: nothing was written to measure
    }
}
