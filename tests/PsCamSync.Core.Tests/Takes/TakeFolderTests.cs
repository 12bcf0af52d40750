using PsCamSync.Core.Tests.Support;
using System.Text.Json;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Takes;

public class TakeFolderTests
{
    [Fact]
    public void Create_MakesTheFolder_AndReturnsItsFullPath()
    {
        using var dir = new TempDirectory();
        string path = TakeFolder.Create(dir.Combine("take-001"));
        Assert.Equal(dir.Combine("take-001"), path);
        Assert.True(Directory.Exists(path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(path));
    }

    [Fact]
    public void Create_ExistingFolder_NamesPath_AndSaysChooseANewName()
    {
        using var dir = new TempDirectory();
        string take = dir.Combine("take-001");
        Directory.CreateDirectory(take);
        File.WriteAllText(Path.Combine(take, "keep.txt"), "x");

        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(take));
        Assert.Equal("Path", e.ParameterName);
        Assert.Contains("already exists", e.Message);
        Assert.Contains("new take name", e.Message);
        Assert.Equal("x", File.ReadAllText(Path.Combine(take, "keep.txt")));
    }

    [Fact]
    public void Create_ExistingFile_NamesPath()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("take-001"), "x");
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(dir.Combine("take-001")));
        Assert.Equal("Path", e.ParameterName);
        Assert.Contains("already exists", e.Message);
    }

    [Fact]
    public void Create_MissingParent_NamesPath_AndDoesNotCreateIt()
    {
        using var dir = new TempDirectory();
        string parent = dir.Combine("no-such-folder");
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(Path.Combine(parent, "take-001")));
        Assert.Equal("Path", e.ParameterName);
        Assert.Contains("does not exist", e.Message);
        Assert.Contains(parent, e.Message);
        Assert.False(Directory.Exists(parent));
    }

    [Fact]
    public void Create_UnderARegularFile_NamesPath()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("plain-file");
        File.WriteAllText(file, "x");
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(Path.Combine(file, "take-001")));
        Assert.Equal("Path", e.ParameterName);
        Assert.Contains("not a folder", e.Message);
    }

    [Fact]
    public void Create_UnderProc_WhereNobodyCanCreateFolders_NamesPath()
    {
        Assert.True(Directory.Exists("/proc"), "this test needs Linux /proc");
        string take = "/proc/pscamsync-take-" + Guid.NewGuid().ToString("N");
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(take));
        Assert.Equal("Path", e.ParameterName);
        Assert.Contains("/proc", e.Message);
        Assert.Contains("writable", e.Message);
        Assert.False(Directory.Exists(take));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_EmptyPath_NamesPath(string path)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => TakeFolder.Create(path));
        Assert.Equal("Path", e.ParameterName);
    }

    [Theory]
    [InlineData("sim-0", "sim-0")]
    [InlineData("Aravis-Fake-GV01", "Aravis-Fake-GV01")]
    [InlineData("192.168.1.10:3956", "192.168.1.10_3956")]
    [InlineData("Basler/acA 1920 (123)", "Basler_acA_1920__123_")]
    [InlineData("../etc/passwd", "_._etc_passwd")]
    [InlineData(".hidden", "_hidden")]
    [InlineData("", "camera")]
    [InlineData("Kamera-ü", "Kamera-_")]
    public void FileStem_KeepsSafeCharacters_ReplacesTheRest(string id, string expected) =>
        Assert.Equal(expected, TakeFolder.FileStem(id));

    [Fact]
    public void FileStem_CutsVeryLongIds()
    {
        string stem = TakeFolder.FileStem(new string('a', 500));
        Assert.Equal(TakeFolder.MaxStemLength, stem.Length);
    }

    internal static TakeManifest FullManifest() => new()
    {
        FormatVersion = 1,
        Name = "take-001",
        Host = "host-a",
        ModuleVersion = "0.1.0",
        Schedule = new FrameSchedule(1_790_000_000_000_000_000, 16_666_667, 600, null),
        FirstFrameIndex = 3,
        EndFrameIndex = 590,
        LateToleranceNs = 2_000_000,
        StartedNs = 1_789_999_999_000_000_000,
        EndedNs = 1_790_000_010_500_000_000,
        State = TakeState.Stopped,
        Cameras =
        {
            new TakeCamera
            {
                Backend = "Simulated", Id = "sim-0", Vendor = "PsCamSync", Model = "Sim", Serial = "S0", Address = "sim://0",
                Width = 640, Height = 480, PixelFormat = "Mono8",
                Settings = { ["ExposureTime"] = "5000", ["TriggerMode"] = "On" },
                VideoFile = "sim-0.y4m", FramesFile = "sim-0.frames.csv", Encoder = "Y4M", RingFrames = 120,
                Counts = new FrameCounts { Expected = 587, Captured = 580, TriggerMissed = 3, TriggerLate = 1, Incomplete = 2, Dropped = 1 },
            },
            new TakeCamera { Backend = "Aravis", Id = "Aravis-Fake-GV01", PixelFormat = "Mono16", Encoder = "ffv1" },
        },
        Faults =
        {
            new TakeFault { TimeNs = 1_790_000_001_000_000_000, Camera = "sim-0", Source = TakeFaultSource.Stream, Message = "lost packets", Detail = "IOException: x" },
            new TakeFault { TimeNs = 1_790_000_002_000_000_000, Camera = null, Source = TakeFaultSource.Trigger, Message = "late wake-up" },
        },
        TriggerThread = new TriggerThreadReport
        {
            FifoPriority = 80, TimerSlackNs = 1, MemoryLocked = true, SpinNs = 50_000,
            Refused = { "mlockall: ENOMEM" }, WakeErrorP50Us = 3.5, WakeErrorP99Us = 21.25, WakeErrorMaxUs = 80.0,
        },
    };

    [Fact]
    public void Manifest_RoundTripsEveryField()
    {
        using var dir = new TempDirectory();
        var written = FullManifest();
        TakeFolder.WriteManifest(dir.Path, written);
        var read = TakeFolder.ReadManifest(dir.Path);

        // Compare through a neutral serialisation: every property, nested ones included.
        Assert.Equal(JsonSerializer.Serialize(written), JsonSerializer.Serialize(read));
        Assert.Equal(TakeState.Stopped, read.State);
        Assert.Equal(written.Schedule, read.Schedule);
        Assert.Null(read.Faults[1].Camera);
        Assert.Equal("On", read.Cameras[0].Settings["TriggerMode"]);
        Assert.Equal(2, read.Cameras[0].Counts.Incomplete);
        Assert.Equal(21.25, read.TriggerThread!.WakeErrorP99Us);
    }

    [Fact]
    public void Manifest_IsIndented_WithEnumsAsNames_AndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        TakeFolder.WriteManifest(dir.Path, FullManifest());
        string text = File.ReadAllText(dir.Combine(TakeFolder.ManifestFileName));
        Assert.Contains("\n  \"Name\": \"take-001\"", text);
        Assert.Contains("\"State\": \"Stopped\"", text);
        Assert.DoesNotContain("\"State\": 2", text);
        Assert.Equal(new[] { TakeFolder.ManifestFileName }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteManifest_ReplacesThePreviousManifest()
    {
        using var dir = new TempDirectory();
        var m = FullManifest();
        m.State = TakeState.Recording;
        m.EndedNs = null;
        TakeFolder.WriteManifest(dir.Path, m);
        Assert.Equal(TakeState.Recording, TakeFolder.ReadManifest(dir.Path).State);
        m.State = TakeState.Completed;
        m.EndedNs = 42;
        TakeFolder.WriteManifest(dir.Path, m);
        var read = TakeFolder.ReadManifest(dir.Path);
        Assert.Equal(TakeState.Completed, read.State);
        Assert.Equal(42, read.EndedNs);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WriteManifest_IntoAMissingFolder_ThrowsTakeFolderException()
    {
        using var dir = new TempDirectory();
        string missing = dir.Combine("gone");
        var e = Assert.Throws<TakeFolderException>(() => TakeFolder.WriteManifest(missing, FullManifest()));
        Assert.Contains("gone", e.Path);
    }

    [Fact]
    public void ReadManifest_Missing_ThrowsWithThePath()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<TakeFolderException>(() => TakeFolder.ReadManifest(dir.Path));
        Assert.Equal(dir.Combine(TakeFolder.ManifestFileName), e.Path);
        Assert.Contains("not a take folder", e.Message);
    }

    [Theory]
    [InlineData("{ \"Name\": \"x\", ")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    [InlineData("{ \"State\": 7 }")]
    [InlineData("{ \"State\": \"Exploded\" }")]
    [InlineData("{ \"FormatVersion\": 2 }")]
    [InlineData("{ \"Schedule\": { \"StartNs\": 5, \"PeriodNs\": 10, \"FrameCount\": 3 } }")]
    public void ReadManifest_Malformed_ThrowsWithThePath(string json)
    {
        using var dir = new TempDirectory();
        string file = dir.Combine(TakeFolder.ManifestFileName);
        File.WriteAllText(file, json);
        var e = Assert.Throws<TakeFolderException>(() => TakeFolder.ReadManifest(dir.Path));
        Assert.Equal(file, e.Path);
        Assert.Contains(file, e.Message);
    }
}
