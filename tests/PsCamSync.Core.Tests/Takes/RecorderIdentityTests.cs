using System.Diagnostics;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Takes;

/// <summary>The recorder's identity in take.json tells a live recorder from a crashed one, and a reused pid.</summary>
public class RecorderIdentityTests
{
    [Fact]
    public void StartTicks_AreField22_CountedFromTheLastParenthesis()
    {
        // The command name may hold spaces and ')': "(a) b)" must not shift the fields.
        string stat = "4242 (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7 0 987654 123456789 512";
        Assert.Equal(987654, RecorderIdentity.ParseStartTicks(stat));
        Assert.Null(RecorderIdentity.ParseStartTicks("garbage"));
    }

    [Fact]
    public void AZombie_IsNotRunning()
    {
        // An ended recorder that no init reaps stays as a zombie (state Z) with its pid and start time.
        string stat = "4242 (dotnet) Z 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7 0 987654 0 0";
        Assert.Null(RecorderIdentity.ParseStartTicks(stat));
        Assert.Null(RecorderIdentity.ParseStartTicks(stat.Replace(") Z ", ") X ")));
    }

    [Fact]
    public void ThisProcess_IsRunning()
    {
        var me = RecorderIdentity.Current();
        Assert.Equal(Environment.ProcessId, me.ProcessId);
        Assert.True(me.ProcessStartTicks > 0);
        Assert.NotEmpty(me.BootId);
        Assert.Equal(RecorderLiveness.Running, me.Check());
    }

    [Fact]
    public void AProcessThatEnded_IsGone()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        int pid = p.Id;
        p.WaitForExit();
        var identity = RecorderIdentity.Current();
        identity.ProcessId = pid;
        Assert.Equal(RecorderLiveness.Gone, identity.Check());
    }

    [Fact]
    public void AReusedPid_IsGone_AndAnotherHostCannotTell_AndAnotherBootIsGone()
    {
        var reused = RecorderIdentity.Current();
        reused.ProcessStartTicks -= 1; // same pid, started at another time: not the recorder
        Assert.Equal(RecorderLiveness.Gone, reused.Check());

        var elsewhere = RecorderIdentity.Current();
        elsewhere.Host = "some-other-host";
        Assert.Equal(RecorderLiveness.OtherHost, elsewhere.Check());

        var beforeReboot = RecorderIdentity.Current();
        beforeReboot.BootId = Guid.NewGuid().ToString();
        Assert.Equal(RecorderLiveness.Gone, beforeReboot.Check());
    }

    [Fact]
    public void IsWrittenToAndReadFromTakeJson()
    {
        using var dir = new TempDirectory();
        string folder = TakeFolder.Create(dir.Combine("t"));
        var me = RecorderIdentity.Current();
        TakeFolder.WriteManifest(folder, new TakeManifest { Name = "t", Recorder = me, StopReason = "SIGTERM: the process was asked to end" });
        var back = TakeFolder.ReadManifest(folder);
        Assert.Equal((me.Host, me.ProcessId, me.ProcessStartTicks, me.BootId),
            (back.Recorder!.Host, back.Recorder.ProcessId, back.Recorder.ProcessStartTicks, back.Recorder.BootId));
        Assert.Equal("SIGTERM: the process was asked to end", back.StopReason);
    }
}
