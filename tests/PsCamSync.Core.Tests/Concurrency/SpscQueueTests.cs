using PsCamSync.Core.Concurrency;

namespace PsCamSync.Core.Tests.Concurrency;

public class SpscQueueTests
{
    [Fact]
    public void Capacity_RoundsUpToPowerOfTwo_AndRefusesWhenFull()
    {
        var q = new SpscQueue<int>(5);
        Assert.Equal(8, q.Capacity);
        for (int i = 0; i < 8; i++) Assert.True(q.TryEnqueue(i));
        Assert.False(q.TryEnqueue(99));
        Assert.Equal(8, q.Count);
        for (int i = 0; i < 8; i++)
        {
            Assert.True(q.TryDequeue(out var v));
            Assert.Equal(i, v);
        }
        Assert.False(q.TryDequeue(out _));
    }

    [Fact]
    public void OneProducerOneConsumer_TransferEveryItemInOrder()
    {
        const int n = 200_000;
        var q = new SpscQueue<long>(1024);
        var producer = new Thread(() =>
        {
            for (long i = 0; i < n; i++)
                while (!q.TryEnqueue(i)) Thread.SpinWait(1);
        });
        producer.Start();
        long expected = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (expected < n && DateTime.UtcNow < deadline)
        {
            if (q.TryDequeue(out var v))
            {
                Assert.Equal(expected, v);
                expected++;
            }
        }
        producer.Join();
        Assert.Equal(n, expected);
    }

    [Fact]
    public void SteadyState_AllocatesNothing()
    {
        var q = new SpscQueue<(long, long)>(64);
        for (int i = 0; i < 100; i++) { q.TryEnqueue((i, i)); q.TryDequeue(out _); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) { q.TryEnqueue((i, i)); q.TryDequeue(out _); }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
