using System.Runtime.InteropServices;
using PsCamSync.Core.Takes;

namespace PsCamSync.Core.Timing;

/// <summary>
/// Asks the kernel for what a trigger thread wants (timer slack, SCHED_FIFO, locked memory) and reads back what it
/// got. Refusals are recorded, never thrown.
/// </summary>
internal static class TriggerThreadTuning
{
    public static TriggerThreadReport Apply(long timerSlackNs, int fifoPriority, bool lockMemory, long spinNs)
    {
        var report = new TriggerThreadReport { SpinNs = spinNs };

        if (LibC.Prctl(LibC.PR_SET_TIMERSLACK, (nuint)timerSlackNs, 0, 0, 0) != 0)
            report.Refused.Add($"PR_SET_TIMERSLACK {timerSlackNs}: {LibC.Describe(Marshal.GetLastPInvokeError())}");

        if (fifoPriority > 0)
        {
            var param = new LibC.SchedParam { Priority = fifoPriority };
            if (LibC.SchedSetScheduler(0, LibC.SCHED_FIFO, in param) != 0)
                report.Refused.Add($"SCHED_FIFO {fifoPriority}: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }

        if (lockMemory)
        {
            if (LibC.MlockAll(LibC.MCL_CURRENT | LibC.MCL_FUTURE) == 0)
                report.MemoryLocked = true;
            else
                report.Refused.Add($"mlockall: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }

        report.FifoPriority = CurrentFifoPriority(report.Refused);
        int slack = LibC.Prctl(LibC.PR_GET_TIMERSLACK, 0, 0, 0, 0);
        if (slack >= 0)
            report.TimerSlackNs = slack;
        else
            report.Refused.Add($"PR_GET_TIMERSLACK: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        return report;
    }

    /// <summary>The calling thread's SCHED_FIFO priority, or 0 when it runs another policy.</summary>
    private static int CurrentFifoPriority(List<string> refused)
    {
        int policy = LibC.SchedGetScheduler(0);
        if (policy < 0)
        {
            refused.Add($"sched_getscheduler: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            return 0;
        }
        if (policy != LibC.SCHED_FIFO)
            return 0;
        if (LibC.SchedGetParam(0, out var param) != 0)
        {
            refused.Add($"sched_getparam: {LibC.Describe(Marshal.GetLastPInvokeError())}");
            return 0;
        }
        return param.Priority;
    }
}
