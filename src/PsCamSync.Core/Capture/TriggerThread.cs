using PsCamSync.Core.Takes;
using PsCamSync.Core.Timing;

namespace PsCamSync.Core.Capture;

/// <summary>
/// The trigger thread, started first thing when a take starts: it applies its real-time settings (timer slack,
/// SCHED_FIFO, mlockall; mlockall alone took ~100 ms here) while the cameras are configured and the take folder is
/// written, then waits to be armed with its loop, so that setup never eats into the lead before T0.
/// </summary>
internal sealed class TriggerThread
{
    private readonly ManualResetEventSlim _armed = new();
    private Action? _body;

    public TriggerThread(TriggerTimerOptions options, string name)
    {
        Timer = new DeadlineTimer(options);
        Thread = new Thread(Main) { IsBackground = true, Name = $"PsCamSync trigger {name}", Priority = ThreadPriority.Highest };
        Thread.Start();
    }

    /// <summary>The timer the loop sleeps with (used on this thread only).</summary>
    public DeadlineTimer Timer { get; }

    /// <summary>The thread; joins when the loop has finished (or the take was abandoned before it ran).</summary>
    public Thread Thread { get; }

    /// <summary>What the OS granted, once the loop has run; with the GCs counted while it ran.</summary>
    public TriggerThreadReport? Report { get; private set; }

    /// <summary>What the OS granted (SCHED_FIFO, timer slack, mlockall), as soon as the thread has applied its settings;
    /// null before. The same object as <see cref="Report"/> later.</summary>
    public TriggerThreadReport? Granted => Volatile.Read(ref _granted);

    private TriggerThreadReport? _granted;

    /// <summary>Runs <paramref name="loop"/> on the thread.</summary>
    public void Arm(Action loop)
    {
        _body = loop;
        _armed.Set();
    }

    /// <summary>Lets the thread end without running a loop (the start failed).</summary>
    public void Abandon() => _armed.Set();

    private void Main()
    {
        var report = Timer.ApplyToCurrentThread();
        Volatile.Write(ref _granted, report);
        _armed.Wait();
        if (_body is null)
            return;
        int gcBefore = GC.CollectionCount(0);
        _body();
        report.GarbageCollections = GC.CollectionCount(0) - gcBefore; // gen0 counts every collection
        Report = report;
    }
}
