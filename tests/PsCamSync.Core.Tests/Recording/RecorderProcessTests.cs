using System.Diagnostics;
using System.Globalization;
using PsCamSync.Core.Cameras;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Recording;

/// <summary>
/// The detached recorder, for real: RecorderLauncher starts <c>dotnet PsCamSync.Recorder.dll</c> (built beside the
/// core), which must be detached (not our child, its own session), record every frame, ignore SIGHUP, finalise a take
/// on SIGTERM, leave a truthful crashed take after SIGKILL, refuse a held camera, and refuse a peer of another uid.
/// </summary>
[Collection("Takes")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RecorderProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new("pscamsync-rec");
    private readonly HostTakeDirectory _host;
    private readonly List<int> _recorders = new();

    public RecorderProcessTests() => _host = HostTakeDirectory.Open(_dir.Combine("host"));

    public void Dispose()
    {
        foreach (int pid in _recorders)
        {
            try { Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* ended, as it should */ }
        }
        _dir.Dispose();
    }

    private RecorderStart Launch(string name, long frames, double rate = 30, params string[] cameras) => Launch(name, frames, null, rate, cameras);

    private RecorderStart Launch(string name, long frames, RecorderLaunchOptions? options, double rate = 30, params string[] cameras)
    {
        var start = RecorderLauncher.Start(_host, new RecorderStartRequest
        {
            TakePath = _dir.Combine(name),
            Cameras = (cameras.Length == 0 ? new[] { "sim-0", "sim-1" } : cameras).Select(c => new CameraRequest(c, "Simulated")).ToList(),
            Plan = new CapturePlan { FrameRate = rate, FrameCount = frames, Lead = TimeSpan.FromSeconds(1), Name = name },
        }, options);
        _recorders.Add(start.Take.Entry.Recorder!.ProcessId);
        return start;
    }

    // /proc/<pid>/stat after the command name: state, ppid, pgrp, session.
    private static (int Ppid, int Pgrp, int Session) StatOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture));
    }

    private static void WaitForCaptured(RecorderTake take, long frames)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (take.GetProgress().Captured < frames)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the recorder captured fewer than {frames} frames in 30 s");
            Thread.Sleep(50);
        }
    }

    private static void WaitGone(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"recorder {pid} did not end in 20 s");
            Thread.Sleep(20);
        }
    }

    private static Task<TakeManifest> Ended(IRunningTake take, int seconds) => take.Completion.WaitAsync(TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Recorder_IsDetached_RecordsEveryFrame_AndLeavesAnEndedEntry()
    {
        var start = Launch("detached", frames: 30);
        var take = start.Take;
        int pid = take.Entry.Recorder!.ProcessId;
        var (ppid, pgrp, session) = StatOf(pid);
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.NotEqual(Environment.ProcessId, ppid); // orphaned at once: not a child this process reaps
        Assert.Equal(pid, session);                    // setsid: its own session...
        Assert.Equal(pid, pgrp);                       // ...and process group
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(take.Entry.SocketPath));
        Assert.Contains("TieredCompilation=false", take.Entry.RuntimeSettings);
        Assert.NotNull(start.Granted);

        var manifest = await Ended(take, 60);
        Assert.Equal(TakeState.Completed, manifest.State);
        Assert.All(manifest.Cameras, c => Assert.Equal(30, c.Counts.Captured + c.Counts.TriggerLate));
        Assert.Equal(pid, manifest.Recorder!.ProcessId);
        WaitGone(pid);
        var entry = _host.Read(take.Id)!;
        Assert.Equal(RecorderPhase.Ended, entry.Phase);
        Assert.Equal(TakeState.Completed, entry.FinalState);
        Assert.False(File.Exists(entry.SocketPath), "the socket outlived its recorder");
        Assert.Equal(TakeState.Completed, HostTakes.Describe(entry).State);
    }

    [Fact]
    public async Task ACommandPrefix_StartsTheRecorderThroughIt()
    {
        // What PSCAMSYNC_RECORDER_PREFIX does (systemd-run on production hosts); nice(1) shows in /proc. nice adds to
        // the niceness it inherits (this test may itself run under nice).
        static int NiceOf(string pid)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture); // field 19
        }
        int expected = Math.Min(19, NiceOf("self") + 7);
        var take = Launch("prefix", frames: 15, new RecorderLaunchOptions { CommandPrefix = new[] { "nice", "-n", "7" } }).Take;
        Assert.Equal(expected, NiceOf(take.Entry.Recorder!.ProcessId.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(TakeState.Completed, (await Ended(take, 60)).State);
    }

    [Fact]
    public async Task Hangup_IsIgnored_AndTheTakeCompletes()
    {
        var take = Launch("hangup", frames: 45).Take;
        WaitForCaptured(take, 10);
        Processes.Run("kill", new[] { "-HUP", take.Entry.Recorder!.ProcessId.ToString(CultureInfo.InvariantCulture) });
        var manifest = await Ended(take, 60);
        Assert.Equal(TakeState.Completed, manifest.State);
        Assert.All(manifest.Cameras, c => Assert.Equal(45, c.Counts.Expected));
    }

    [Fact]
    public async Task Terminate_StopsTheTakeAtItsNextFrame_FinalisedAsStopped()
    {
        var take = Launch("term", frames: 600).Take;
        WaitForCaptured(take, 10);
        Processes.Run("kill", new[] { "-TERM", take.Entry.Recorder!.ProcessId.ToString(CultureInfo.InvariantCulture) });
        var manifest = await Ended(take, 30);
        Assert.Equal(TakeState.Stopped, manifest.State);
        Assert.Contains("SIGTERM", manifest.StopReason);
        Assert.True(manifest.EndFrameIndex < 600);
        foreach (var c in manifest.Cameras)
            Assert.Equal(manifest.EndFrameIndex, FramesTableReader.Read(Path.Combine(take.TakePath, c.FramesFile)).Count);
        WaitGone(take.Entry.Recorder.ProcessId);
        Assert.True(TakeState.Stopped == _host.Read(take.Id)!.FinalState, $"entry: {File.ReadAllText(_host.EntryPath(take.Id))}\nlog: {File.ReadAllText(_host.LogPath(take.Id))}");
    }

    [Fact]
    public async Task Kill_LeavesATakeThatReadsAsCrashed_WithCountsRebuiltFromTheRows_AndReadableVideo()
    {
        var take = Launch("kill", frames: 600).Take;
        WaitForCaptured(take, 40); // both cameras
        int pid = take.Entry.Recorder!.ProcessId;
        Processes.Run("kill", new[] { "-KILL", pid.ToString(CultureInfo.InvariantCulture) });
        WaitGone(pid);

        var status = HostTakes.Describe(_host.Read(take.Id)!);
        Assert.False(status.IsLive);
        Assert.Equal(TakeState.Crashed, status.State);
        var manifest = status.Manifest!;
        Assert.Equal(TakeState.Crashed, manifest.State);
        Assert.Equal(TakeState.Recording, TakeFolder.ReadManifest(take.TakePath).State); // the folder itself is not rewritten
        foreach (var c in manifest.Cameras)
        {
            var rows = FramesTableReader.Read(Path.Combine(take.TakePath, c.FramesFile));
            Assert.True(rows.Count >= 10, $"{c.Id}: {rows.Count} rows");
            Assert.Equal(rows.Count, c.Counts.Expected);
            Assert.Equal(rows.Count(r => r.Status == FrameStatus.Captured), c.Counts.Captured);
            using var video = new Y4mReader(Path.Combine(take.TakePath, c.VideoFile));
            var frame = new byte[video.FrameBytes];
            long read = 0;
            try
            {
                while (video.ReadFrame(frame)) read++;
            }
            catch (TakeFolderException e) when (e.Message.Contains($"frame {read} is cut short", StringComparison.Ordinal))
            {
                // SIGKILL can land while a frame's pixels are being written: that frame is torn, and the reader says so by
                // its number. Every frame before it reads, and no row calls the torn one Captured (checked below).
            }
            Assert.True(read >= c.Counts.Captured, $"{c.Id}: {read} frames readable, {c.Counts.Captured} rows say captured");
        }
        // The job's view of it ends too, with the crashed manifest.
        Assert.Equal(TakeState.Crashed, (await Ended(take, 10)).State);
    }

    [Fact]
    public async Task ACameraHeldByARunningTake_IsRefused_NamingThatTake_AndAnUnknownCameraFailsTheStartCleanly()
    {
        var first = Launch("holder", frames: 300).Take;
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => Launch("second", frames: 10, cameras: "sim-1"));
        Assert.Equal("CameraId", e.ParameterName);
        Assert.Contains("'holder'", e.Message);
        Assert.Contains(first.TakePath, e.Message);

        int entriesBefore = _host.ReadAll().Count;
        var failed = Assert.Throws<RecorderStartException>(() => Launch("unknown", frames: 10, cameras: "no-such-camera"));
        var cameraError = Assert.IsType<CameraNotFoundException>(Assert.Single(failed.CameraErrors));
        Assert.Equal("no-such-camera", cameraError.CameraId);
        Assert.Equal(entriesBefore, _host.ReadAll().Count); // a take that never started leaves no entry
        Assert.False(Directory.Exists(_dir.Combine("unknown")));

        first.Stop();
        Assert.Equal(TakeState.Stopped, (await Ended(first, 30)).State);
    }

    [Fact]
    public async Task AnotherSession_FindsTheTake_AndStopsItAtAFrameOnTheSharedTimeline()
    {
        var start = Launch("other-session", frames: 600);
        WaitForCaptured(start.Take, 5);
        // What a later session has: the host folder and the entry, nothing of the process that started the take.
        var entry = Assert.Single(HostTakeDirectory.Open(_host.Path).ReadAll(), HostTakes.IsLive);
        var view = RecorderTake.Attach(_host, entry);
        long stopAt = start.Schedule.TimeOf(start.Take.GetProgress().NextFrameIndex + 15);
        view.Stop(stopAt);
        var manifest = await Ended(view, 30);
        Assert.Equal(TakeState.Stopped, manifest.State);
        Assert.Equal(start.Schedule.FirstIndexAtOrAfter(stopAt), manifest.EndFrameIndex);
    }

    [RequiresFact("root", "setpriv", "perl")]
    public async Task APeerOfAnotherUid_IsRefused_EvenWhenTheModesLetItConnect()
    {
        var take = Launch("peer", frames: 300).Take;
        // Open the folder and socket to everyone (a misconfiguration the modes normally prevent), then connect as nobody.
        File.SetUnixFileMode(_host.Path, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(take.Entry.SocketPath, (UnixFileMode)0x1B6);
        string perl = "use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\"; print $s qq({\"Op\":\"Stop\"}\\n); print scalar <$s>;";
        string reply = Processes.Run("setpriv", new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "perl", "-e", perl, take.Entry.SocketPath });
        Assert.Contains("\"Ok\":false", reply);
        Assert.Contains("uid 65534 may not control this take", reply);
        Assert.Equal(TakeState.Recording, take.GetProgress().State); // not stopped
        take.Stop();
        await Ended(take, 30);
    }
}
