using PsCamSync.Core.Ptp;

namespace PsCamSync.Core.Tests.Ptp;

public class ProcessProbeTests
{
    [Fact]
    public void Finds_this_process_by_its_comm()
    {
        string comm = File.ReadAllText("/proc/self/comm").TrimEnd('\n');
        Assert.True(ProcessProbe.IsRunning(comm));
        Assert.False(ProcessProbe.IsRunning("no-such-" + Guid.NewGuid().ToString("N")[..6]));
    }

    [Fact]
    public void Reads_a_proc_tree_and_says_null_when_there_is_none()
    {
        string root = Path.Combine(Path.GetTempPath(), "pscamsync-proc-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "123"));
            Directory.CreateDirectory(Path.Combine(root, "456"));    // exited: no comm file
            Directory.CreateDirectory(Path.Combine(root, "sys"));
            File.WriteAllText(Path.Combine(root, "123", "comm"), "phc2sys\n");
            File.WriteAllText(Path.Combine(root, "sys", "comm"), "ptp4l\n"); // not a pid directory
            Assert.True(ProcessProbe.IsRunning("phc2sys", root));
            Assert.False(ProcessProbe.IsRunning("ptp4l", root));
            Assert.Null(ProcessProbe.IsRunning("phc2sys", Path.Combine(root, "missing")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
