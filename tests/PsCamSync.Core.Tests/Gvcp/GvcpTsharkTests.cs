using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using PsCamSync.Core.Gvcp;
using PsCamSync.Core.Tests.Support;

namespace PsCamSync.Core.Tests.Gvcp;

/// <summary>
/// The sender's packets, captured on lo with tshark and decoded by Wireshark's GVCP dissector, carry exactly the keys,
/// mask, flags, req_id and action time that were sent, whether broadcast or unicast.
/// </summary>
public partial class GvcpTsharkTests
{
    private const uint DeviceKey = 0x12345678;
    private const uint GroupKey = 0x9ABCDEF0;
    private const uint GroupMask = 0x00000005;
    private const ulong ActionTime = 0x0123456789ABCDEF;

    // The dissector's field names (tshark -G fields | grep gvcp), in the order the decode prints them.
    private static readonly string[] Fields =
    {
        "ip.dst", "udp.dstport", "gvcp.cmd.command", "gvcp.cmd.flags", "gvcp.cmd.flag.acq_required",
        "gvcp.cmd.flag.scheduledactioncommand", "gvcp.cmd.payloadlength", "gvcp.cmd.req_id", "gvcp.cmd.action.devicekey",
        "gvcp.cmd.action.groupkey", "gvcp.cmd.action.groupmask", "gvcp.cmd.action.time",
    };

    [RequiresFact("tshark", "root")]
    public void ActionCmds_CapturedOnLoopback_DecodeToWhatWasSent()
    {
        int port = FreeUdpPort();
        int probePort = FreeUdpPort();
        using var dir = new TempDirectory("pscamsync-gvcp-tshark");
        string capture = dir.Combine("gvcp.pcapng");
        var immediate = new ActionCommand(DeviceKey, GroupKey, GroupMask);
        var scheduled = immediate with { ActionTimeNs = ActionTime };
        var sent = new List<(ActionCommand Command, bool Acknowledge, string Destination, ushort RequestId)>();

        // -P -l: a summary line per packet on stdout as it is captured, so the test knows when capture has begun
        // ("Capturing on" comes slightly before the filter is attached) and when every packet is in.
        var psi = new ProcessStartInfo("tshark") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-i", "lo", "-f", $"udp port {port} or udp port {probePort}", "-w", capture, "-P", "-l" })
            psi.ArgumentList.Add(a);
        var stderr = new StringBuilder();
        int packets = 0;
        using var capturing = new ManualResetEventSlim(false);
        using var tshark = new Process { StartInfo = psi };
        tshark.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (stderr)
                stderr.AppendLine(e.Data);
            if (e.Data.Contains("Capturing on", StringComparison.Ordinal))
                capturing.Set();
        };
        tshark.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
                Interlocked.Increment(ref packets);
        };
        Assert.True(tshark.Start());
        try
        {
            tshark.BeginErrorReadLine();
            tshark.BeginOutputReadLine();
            Assert.True(capturing.Wait(TimeSpan.FromSeconds(30)), $"tshark did not report capturing within 30 s; stderr: {Stderr(stderr)}");

            // Probe datagrams to the other port until tshark shows one: then the capture filter is in place.
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (Volatile.Read(ref packets) == 0 && DateTime.UtcNow < deadline)
                {
                    probe.SendTo(new byte[] { 0 }, new IPEndPoint(IPAddress.Loopback, probePort));
                    Thread.Sleep(100);
                }
            }
            Thread.Sleep(300); // probes still on their way
            int probes = Volatile.Read(ref packets);
            Assert.True(probes > 0, $"tshark captured no probe within 30 s; stderr: {Stderr(stderr)}");

            using var sender = new GvcpActionSender(new GvcpActionSenderOptions { InterfaceName = "lo", DestinationPort = port });
            var unicast = GvcpActionSender.ToSocketAddress(new IPEndPoint(IPAddress.Loopback, port));
            sent.Add((immediate, true, "127.255.255.255", sender.Send(immediate, acknowledge: true)));
            sent.Add((scheduled, true, "127.0.0.1", sender.Send(scheduled, acknowledge: true, unicast)));
            sent.Add((scheduled, false, "127.255.255.255", sender.Send(scheduled, acknowledge: false)));
            sent.Add((immediate, false, "127.0.0.1", sender.Send(immediate, acknowledge: false, unicast)));

            var captured = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref packets) < probes + sent.Count && DateTime.UtcNow < captured)
                Thread.Sleep(20);
            Assert.True(Volatile.Read(ref packets) >= probes + sent.Count,
                $"tshark showed {Volatile.Read(ref packets) - probes} of {sent.Count} packets within 30 s; stderr: {Stderr(stderr)}");
        }
        finally
        {
            Stop(tshark);
        }
        Assert.True(tshark.ExitCode == 0, $"tshark exited {tshark.ExitCode}; stderr: {Stderr(stderr)}");

        var args = new List<string> { "-r", capture, "-d", $"udp.port=={port},gvcp", "-Y", $"udp.dstport=={port}", "-T", "fields", "-E", "separator=/t" };
        foreach (var f in Fields)
        {
            args.Add("-e");
            args.Add(f);
        }
        var rows = Processes.Run("tshark", args).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        Assert.Equal(sent.Count, rows.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            var (command, acknowledge, destination, requestId) = sent[i];
            var row = Fields.Zip(rows[i]).ToDictionary(p => p.First, p => p.Second);
            string what = $"packet {i + 1}: {string.Join(' ', rows[i])}";
            Assert.True(destination == row["ip.dst"], what);
            Assert.True(port == int.Parse(row["udp.dstport"], CultureInfo.InvariantCulture), what);
            Assert.True(GvcpProtocol.ActionCmd == Hex(row["gvcp.cmd.command"]), what);
            byte flags = (byte)((acknowledge ? 0x01 : 0) | (command.IsScheduled ? 0x80 : 0));
            Assert.True(flags == Hex(row["gvcp.cmd.flags"]), what);
            Assert.True(acknowledge == Bool(row["gvcp.cmd.flag.acq_required"]), what);
            Assert.True(command.IsScheduled == Bool(row["gvcp.cmd.flag.scheduledactioncommand"]), what);
            Assert.True((ulong)(command.DatagramBytes - GvcpProtocol.HeaderBytes) == Hex(row["gvcp.cmd.payloadlength"]), what);
            Assert.True(requestId == Hex(row["gvcp.cmd.req_id"]), what);
            Assert.True(DeviceKey == Hex(row["gvcp.cmd.action.devicekey"]), what);
            Assert.True(GroupKey == Hex(row["gvcp.cmd.action.groupkey"]), what);
            Assert.True(GroupMask == Hex(row["gvcp.cmd.action.groupmask"]), what);
            if (command.IsScheduled)
                Assert.True(ActionTime == Hex(row["gvcp.cmd.action.time"]), what);
            else
                Assert.True(row["gvcp.cmd.action.time"].Length == 0, what);
        }
    }

    /// <summary>Stops tshark: SIGINT by PID (it finishes its file and exits), SIGKILL if it has not within 10 s.</summary>
    private static void Stop(Process tshark)
    {
        if (tshark.HasExited)
            return;
        if (Kill(tshark.Id, SigInt) != 0)
            throw new InvalidOperationException($"kill -INT {tshark.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        if (!tshark.WaitForExit(10_000))
            tshark.Kill(entireProcessTree: true);
        tshark.WaitForExit(); // and its redirected streams are flushed
    }

    private static string Stderr(StringBuilder stderr)
    {
        lock (stderr)
            return stderr.ToString();
    }

    /// <summary>A field printed as hex (0x0100) or decimal.</summary>
    private static ulong Hex(string text) => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : ulong.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A boolean field: tshark 4.0 prints 1/0, later versions True/False.</summary>
    private static bool Bool(string text) => text switch
    {
        "1" or "True" or "true" => true,
        "0" or "False" or "false" => false,
        _ => throw new FormatException($"'{text}' is not a tshark boolean"),
    };

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private const int SigInt = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
