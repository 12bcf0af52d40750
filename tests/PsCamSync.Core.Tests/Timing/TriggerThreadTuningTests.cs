using System.Runtime.InteropServices;
using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Timing;

/// <summary>
/// ApplyToCurrentThread against what the kernel says afterwards. Each case runs on a thread of its own (SCHED_FIFO
/// and capabilities are per thread and end with it); mlockall is per process, so it is undone after each case.
/// One class, so its cases never overlap.
/// </summary>
public partial class TriggerThreadTuningTests
{
    [Fact]
    public void Apply_WithDefaults_ReportsWhatTheKernelGranted()
    {
        var seen = OnOwnThread(() =>
        {
            var report = new DeadlineTimer(new TriggerTimerOptions()).ApplyToCurrentThread();
            return (report, Kernel.Read());
        });
        var (report, kernel) = seen;

        Assert.Equal(kernel.FifoPriority, report.FifoPriority);
        Assert.Equal(kernel.TimerSlackNs, report.TimerSlackNs);
        Assert.Equal(kernel.LockedKb > 0, report.MemoryLocked);
        Assert.Equal(200_000, report.SpinNs);
        if (report.FifoPriority == 0)
            Assert.Contains(report.Refused, r => r.StartsWith("SCHED_FIFO 80: E", StringComparison.Ordinal));
        else
            Assert.Equal(80, report.FifoPriority);
        if (!report.MemoryLocked)
            Assert.Contains(report.Refused, r => r.StartsWith("mlockall: E", StringComparison.Ordinal));
        // Linux 6.11+ runs SCHED_FIFO threads without slack (reads back 0); otherwise the 1 ns asked for.
        if (report.FifoPriority == 0)
            Assert.Equal(1, report.TimerSlackNs);
        if (report.Refused.Count == 0)
            Assert.True(report.FifoPriority == 80 && report.MemoryLocked);
    }

    [Fact]
    public void Apply_WithoutCapabilities_NamesTheRefusals_AndAgreesWithTheKernel()
    {
        var (report, kernel) = OnOwnThread(() =>
        {
            Capabilities.DropFromThisThread(Capabilities.CAP_SYS_NICE, Capabilities.CAP_IPC_LOCK);
            var r = new DeadlineTimer(new TriggerTimerOptions { FifoPriority = 42, TimerSlackNs = 7 }).ApplyToCurrentThread();
            return (r, Kernel.Read());
        });

        // Without CAP_SYS_NICE, SCHED_FIFO 42 needs RLIMIT_RTPRIO >= 42 (the default is 0): else EPERM.
        if (kernel.RtPrioLimit < 42)
        {
            Assert.Contains("SCHED_FIFO 42: EPERM (Operation not permitted)", report.Refused);
            Assert.Equal(0, report.FifoPriority);
        }
        Assert.Equal(kernel.FifoPriority, report.FifoPriority);
        // Without CAP_IPC_LOCK a .NET process is far bigger than a finite RLIMIT_MEMLOCK: ENOMEM (EPERM when it is 0).
        if (kernel.MemlockLimitBytes != long.MaxValue)
        {
            Assert.False(report.MemoryLocked);
            Assert.Contains(report.Refused, r => r is "mlockall: ENOMEM (Cannot allocate memory)" or "mlockall: EPERM (Operation not permitted)");
        }
        Assert.Equal(kernel.LockedKb > 0, report.MemoryLocked);
        // Timer slack needs no privilege.
        Assert.Equal(7, report.TimerSlackNs);
        Assert.Equal(7, kernel.TimerSlackNs);
    }

    [Fact]
    public void Apply_AskingForNothing_KeepsSchedOther_AndSetsOnlyTheSlack()
    {
        var (report, kernel) = OnOwnThread(() =>
        {
            var r = new DeadlineTimer(new TriggerTimerOptions { FifoPriority = 0, LockMemory = false, TimerSlackNs = 12_345, SpinNs = 0 })
                .ApplyToCurrentThread();
            return (r, Kernel.Read());
        });

        Assert.Empty(report.Refused);
        Assert.Equal(0, report.FifoPriority);
        Assert.Equal(0, kernel.FifoPriority);
        Assert.False(report.MemoryLocked);
        Assert.Equal(0, report.SpinNs);
        Assert.Equal(12_345, report.TimerSlackNs);
        Assert.Equal(12_345, kernel.TimerSlackNs);
    }

    private static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true, Name = "tuning test" };
        try
        {
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "the tuning thread did not finish");
        }
        finally
        {
            LibC.MunlockAll(); // mlockall is process-wide: leave the test host as it was
        }
        if (error is not null)
            throw new Xunit.Sdk.XunitException($"on the tuning thread: {error}");
        return result;
    }

    /// <summary>What the kernel says about the calling thread, read through /proc and sched_getscheduler.</summary>
    private sealed record Kernel(int FifoPriority, long TimerSlackNs, long LockedKb, long RtPrioLimit, long MemlockLimitBytes)
    {
        public static Kernel Read()
        {
            int policy = LibC.SchedGetScheduler(0);
            Assert.True(policy >= 0);
            int priority = 0;
            if (policy == LibC.SCHED_FIFO)
            {
                Assert.Equal(0, LibC.SchedGetParam(0, out var param));
                priority = param.Priority;
            }
            // /proc/thread-self has no timerslack_ns; /proc/<tid>/ reaches the thread itself.
            long slack = long.Parse(File.ReadAllText($"/proc/{LibC.GetTid()}/timerslack_ns").Trim());
            return new Kernel(priority, slack, StatusKb("VmLck"), SoftLimit("Max realtime priority"), SoftLimit("Max locked memory"));
        }

        private static long StatusKb(string field)
        {
            string line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1]);
        }

        /// <summary>A soft limit from /proc/self/limits; long.MaxValue for unlimited.</summary>
        private static long SoftLimit(string name)
        {
            string line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith(name, StringComparison.Ordinal));
            string soft = line[name.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            return soft == "unlimited" ? long.MaxValue : long.Parse(soft);
        }
    }

    /// <summary>Per-thread capabilities through capget/capset (linux/capability.h, version 3).</summary>
    private static partial class Capabilities
    {
        public const int CAP_IPC_LOCK = 14;
        public const int CAP_SYS_NICE = 23;
        private const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

        [StructLayout(LayoutKind.Sequential)]
        private struct Header { public uint Version; public int Pid; }

        [StructLayout(LayoutKind.Sequential)]
        private struct Data { public uint Effective; public uint Permitted; public uint Inheritable; }

        [LibraryImport("libc", EntryPoint = "capget", SetLastError = true)]
        private static unsafe partial int CapGet(Header* header, Data* data);

        [LibraryImport("libc", EntryPoint = "capset", SetLastError = true)]
        private static unsafe partial int CapSet(Header* header, Data* data);

        /// <summary>Removes capabilities (numbers below 32) from the calling thread's effective set.</summary>
        public static unsafe void DropFromThisThread(params int[] capabilities)
        {
            var header = new Header { Version = LINUX_CAPABILITY_VERSION_3, Pid = 0 };
            var data = stackalloc Data[2];
            Assert.Equal(0, CapGet(&header, data));
            foreach (int cap in capabilities)
                data[0].Effective &= ~(1u << cap);
            Assert.True(CapSet(&header, data) == 0, $"capset failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
