using System.Runtime.InteropServices;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Tests.Support;

/// <summary>
/// A stall of the whole machine made on purpose: one SCHED_FIFO 99 thread per CPU spins from a moment on the shared
/// timeline for a while, so no other thread (the take's SCHED_FIFO 80 trigger thread included) runs meanwhile. It stands
/// in for the stalls a shared CI machine inflicts by accident, so the code paths for late wake-ups run in every test run.
/// Needs CAP_SYS_NICE (root here and in CI); a refusal fails <see cref="Wait"/> with errno, never silently.
/// </summary>
internal sealed class CpuStall
{
    private readonly Task[] _spinners;

    private CpuStall(Task[] spinners) => _spinners = spinners;

    /// <summary>
    /// Starts the spinners. Each raises itself to SCHED_FIFO 99 at once (sleeping, it takes no CPU), sleeps until 2 ms
    /// before <paramref name="startNs"/>, then spins until <paramref name="startNs"/> + <paramref name="durationNs"/>.
    /// </summary>
    /// <param name="startNs">Shared-timeline ns at which every CPU is taken.</param>
    /// <param name="durationNs">How long every CPU stays taken, ns (at most 200 ms, well inside the kernel's RT throttling budget).</param>
    public static CpuStall At(long startNs, long durationNs)
    {
        if (durationNs is <= 0 or > 200_000_000)
            throw new ArgumentOutOfRangeException(nameof(durationNs), durationNs, "a stall lasts 1 ns to 200 ms");
        var spinners = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => Task.Factory.StartNew(() => Spin(startNs, startNs + durationNs), TaskCreationOptions.LongRunning))
            .ToArray();
        return new CpuStall(spinners);
    }

    /// <summary>Waits for every spinner to end; throws what a spinner threw (a refused SCHED_FIFO, with errno).</summary>
    public void Wait() => Task.WaitAll(_spinners);

    private static void Spin(long startNs, long endNs)
    {
        var fifo = new LibC.SchedParam { Priority = 99 };
        if (LibC.SchedSetScheduler(0, LibC.SCHED_FIFO, in fifo) != 0)
            throw new InvalidOperationException($"CpuStall: SCHED_FIFO 99 refused: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        try
        {
            long sleepMs = (startNs - 2_000_000 - SharedTimeline.NowNs()) / 1_000_000;
            if (sleepMs > 0)
                Thread.Sleep(TimeSpan.FromMilliseconds(sleepMs));
            while (SharedTimeline.NowNs() < endNs) { }
        }
        finally
        {
            var other = new LibC.SchedParam { Priority = 0 };
            if (LibC.SchedSetScheduler(0, LibC.SCHED_OTHER, in other) != 0)
                throw new InvalidOperationException($"CpuStall: returning to SCHED_OTHER refused: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }
    }
}
