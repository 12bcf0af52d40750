using System.Diagnostics;
using PsCamSync.Core.Capture;
using PsCamSync.Core.Recording;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Recording;

/// <summary>The host's take folder: made private, refused when someone else could reach its sockets; entries.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class HostTakeDirectoryTests
{
    [Fact]
    public void Open_CreatesTheFolder_Mode0700()
    {
        using var dir = new TempDirectory();
        var host = HostTakeDirectory.Open(dir.Combine("host"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(host.Path));
    }

    [Fact]
    public void Open_RefusesAFolderOpenToGroupOrOthers_NamingTheFix()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("open");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var e = Assert.Throws<PsCamSyncException>(() => HostTakeDirectory.Open(path));
        Assert.Contains("chmod 700", e.Message);
        Assert.Contains(HostTakeDirectory.EnvironmentVariable, e.Message);
    }

    [Fact]
    public void Open_RefusesASymbolicLink()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("real"));
        File.SetUnixFileMode(dir.Combine("real"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(dir.Combine("link"), dir.Combine("real"));
        var e = Assert.Throws<PsCamSyncException>(() => HostTakeDirectory.Open(dir.Combine("link")));
        Assert.Contains("not a directory", e.Message);
    }

    [RequiresFact("root", "chown")]
    public void Open_RefusesAnotherUsersFolder()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("theirs");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Processes.Run("chown", new[] { "65534:65534", path });
        var e = Assert.Throws<PsCamSyncException>(() => HostTakeDirectory.Open(path));
        Assert.Contains("belongs to uid 65534", e.Message);
    }

    [Fact]
    public void Open_RefusesAFolderTooLongForASocketPath()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine(new string('x', 90));
        var e = Assert.Throws<PsCamSyncException>(() => HostTakeDirectory.Open(path));
        Assert.Contains("too long for a Unix socket path", e.Message);
    }

    [Fact]
    public void Entries_RoundTrip_Mode0600_AndReadAllSkipsStartRequests()
    {
        using var dir = new TempDirectory();
        var host = HostTakeDirectory.Open(dir.Combine("host"));
        var entry = new HostTakeEntry
        {
            Id = HostTakeDirectory.NewId(), Name = "a", TakePath = "/srv/takes/a", Phase = RecorderPhase.Ended, FinalState = TakeState.Stopped,
            Cameras = { new CameraRequest("sim-0", "Simulated") }, StartError = new RecorderError { Kind = RecorderErrorKind.InvalidArgument, Target = "Path", Message = "m" },
        };
        host.Write(entry);
        File.WriteAllText(host.StartRequestPath("other"), "{}");
        var read = Assert.Single(host.ReadAll());
        Assert.Equal(entry.Id, read.Id);
        Assert.Equal(TakeState.Stopped, read.FinalState);
        Assert.Equal("sim-0", Assert.Single(read.Cameras).Id);
        Assert.Equal(RecorderErrorKind.InvalidArgument, read.StartError!.Kind);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.EntryPath(entry.Id)));
    }

    [Fact]
    public void Lock_IsExclusiveAcrossProcesses_AndTimesOutWithAClearError()
    {
        using var dir = new TempDirectory();
        var host = HostTakeDirectory.Open(dir.Combine("host"));
        // flock(1) holds the same lock as another session starting a take would.
        using var holder = Process.Start(new ProcessStartInfo("flock", new[] { "-x", Path.Combine(host.Path, ".lock"), "sleep", "3" }))!;
        try
        {
            Thread.Sleep(300);
            var e = Assert.Throws<PsCamSyncException>(() => host.Lock(TimeSpan.FromMilliseconds(300)).Dispose());
            Assert.Contains("another session has been starting a take", e.Message);
            holder.WaitForExit();
            host.Lock(TimeSpan.FromSeconds(1)).Dispose();
        }
        finally
        {
            if (!holder.HasExited) holder.Kill();
        }
    }

    [Fact]
    public void RecorderError_CarriesEachCoreExceptionAcrossTheSocket_WithItsTypeTargetAndMessage()
    {
        var cases = new PsCamSyncException[]
        {
            new InvalidCaptureArgumentException("Path", "'/x' exists already."),
            new CameraNotFoundException("sim-99", "-CameraId: no camera 'sim-99' was found."),
            new CameraException("cam-1", "timed out", new IOException("inner")),
            new FeatureException("ExposureTime", "not writable"),
            new TakeFolderException("/srv/t", "disk full", null, diskFull: true),
            new PsCamSyncException("general"),
        };
        foreach (var original in cases)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(RecorderError.From(original), RecorderJson.Options);
            var back = System.Text.Json.JsonSerializer.Deserialize<RecorderError>(json, RecorderJson.Options)!.ToException();
            Assert.IsType(original.GetType(), back);
            Assert.Equal(original.Message, back.Message);
        }
        var arg = (InvalidCaptureArgumentException)RecorderError.From(cases[0]).ToException();
        Assert.Equal("Path", arg.ParameterName);
        Assert.True(((TakeFolderException)RecorderError.From(cases[4]).ToException()).DiskFull);
        Assert.Contains("inner", RecorderError.From(cases[2]).ToException().InnerException!.Message);

        var failed = new PsCamSyncException("start failed");
        failed.Data[CaptureSession.CleanupFailuresKey] = "could not delete x";
        Assert.Equal("could not delete x", RecorderError.From(failed).ToException().Data[CaptureSession.CleanupFailuresKey]);
        var unexpected = RecorderError.From(new InvalidOperationException("bug"));
        Assert.Equal(RecorderErrorKind.Unexpected, unexpected.Kind);
        Assert.Contains("System.InvalidOperationException: bug", unexpected.ToException().Message);
    }
}
