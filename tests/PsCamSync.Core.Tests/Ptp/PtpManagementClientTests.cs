using System.Buffers.Binary;
using PsCamSync.Core.Ptp;
using static PsCamSync.Core.Tests.Ptp.HandBuilt;

namespace PsCamSync.Core.Tests.Ptp;

/// <summary>The client's arguments and its behaviour towards missing or wrong sockets (no ptp4l needed).</summary>
public class PtpManagementClientTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(-5000)]
    [InlineData(0)]
    public void Non_positive_timeout_is_an_argument_error_named_Timeout(int timeoutMs)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new PtpManagementClient("/var/run/ptp4l", timeoutMs));
        Assert.Equal("Timeout", e.ParameterName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(256)]
    public void Domain_out_of_range_is_an_argument_error(int domain)
    {
        var e = Assert.Throws<InvalidCaptureArgumentException>(() => new PtpManagementClient("/var/run/ptp4l", 100, domain));
        Assert.Equal("DomainNumber", e.ParameterName);
    }

    [Fact]
    public void Empty_or_too_long_socket_paths_are_argument_errors()
    {
        Assert.Equal("SocketPath", Assert.Throws<InvalidCaptureArgumentException>(() => new PtpManagementClient("")).ParameterName);
        Assert.Equal("SocketPath", Assert.Throws<InvalidCaptureArgumentException>(
            () => new PtpManagementClient("/tmp/" + new string('x', 120))).ParameterName);
        Assert.Equal("ClientSocketPath", Assert.Throws<InvalidCaptureArgumentException>(
            () => new PtpManagementClient(new PtpManagementClientOptions { ClientSocketPath = "/tmp/" + new string('y', 120) })).ParameterName);
    }

    [Fact]
    public void Port_number_must_name_one_port()
    {
        using var c = new PtpManagementClient("/nonexistent/ptp4l", 100);
        Assert.Equal("PortNumber", Assert.Throws<InvalidCaptureArgumentException>(() => c.GetPortDataSet(0)).ParameterName);
        Assert.Equal("PortNumber", Assert.Throws<InvalidCaptureArgumentException>(() => c.GetPortPropertiesNp(0xFFFF)).ParameterName);
    }

    [Fact]
    public void Missing_socket_names_the_path_and_the_fix()
    {
        string path = Path.Combine(Path.GetTempPath(), "pscamsync-no-ptp4l-" + Guid.NewGuid().ToString("N")[..8]);
        using var c = new PtpManagementClient(path, 200);
        var e = Assert.Throws<PtpDaemonUnreachableException>(() => c.GetCurrentDataSet());
        Assert.Equal(path, e.SocketPath);
        Assert.Contains(path, e.Message);
        Assert.Contains("is ptp4l running", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("uds_address", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_socket_is_unreachable()
    {
        string path = Path.GetTempFileName();
        try
        {
            using var c = new PtpManagementClient(path, 200);
            var e = Assert.Throws<PtpDaemonUnreachableException>(() => c.GetDefaultDataSet());
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Client_socket_path_is_bound_and_removed_on_dispose()
    {
        var c = new PtpManagementClient("/nonexistent/ptp4l", 100);
        string own = c.ClientSocketPath;
        Assert.True(File.Exists(own), own);
        c.Dispose();
        Assert.False(File.Exists(own), own);
        Assert.Throws<ObjectDisposedException>(() => c.GetCurrentDataSet());
    }

    [Fact]
    public void Two_clients_bind_different_paths()
    {
        using var a = new PtpManagementClient("/nonexistent/ptp4l", 100);
        using var b = new PtpManagementClient("/nonexistent/ptp4l", 100);
        Assert.NotEqual(a.ClientSocketPath, b.ClientSocketPath);
    }

    [Fact]
    public void A_socket_that_never_answers_times_out_with_a_domain_hint()
    {
        using var peer = new DatagramPeer(_ => null);
        using var c = new PtpManagementClient(peer.SocketPath, 150, 5);
        var e = Assert.Throws<PtpManagementTimeoutException>(() => c.GetParentDataSet());
        Assert.Equal(peer.SocketPath, e.SocketPath);
        Assert.Equal(ManagementId.ParentDataSet, e.ManagementId);
        Assert.Contains("PARENT_DATA_SET", e.Message);
        Assert.Contains("domainNumber 5", e.Message);
        Assert.Equal(1, peer.Requests);
    }

    [Fact]
    public void A_socket_that_answers_garbage_is_a_format_error_naming_the_socket()
    {
        using var peer = new DatagramPeer(_ => [[0x48, 0x54, 0x54, 0x50, 0x2F, 0x31]]); // "HTTP/1"
        using var c = new PtpManagementClient(peer.SocketPath, 1000);
        var e = Assert.Throws<PtpMessageFormatException>(() => c.GetCurrentDataSet());
        Assert.Contains(peer.SocketPath, e.Message);
        Assert.Contains("uds_address", e.Message);
    }

    [Fact]
    public void Stale_answers_are_discarded_and_the_matching_one_returned()
    {
        var data = Cat(Be16(1), Be64(TimeInterval.FromNanoseconds(-42)), Be64(TimeInterval.FromNanoseconds(900)));
        using var peer = new DatagramPeer(req =>
        {
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(req.AsSpan(30));
            return
            [
                Response(0x2001, new byte[18], sequenceId: (ushort)(seq - 1)),      // late answer to an older request
                Response(0x2000, new byte[20], sequenceId: seq),                    // same sequence, other id
                Response(0x2001, data, sequenceId: seq),
            ];
        });
        using var c = new PtpManagementClient(peer.SocketPath, 1000);
        var cds = c.GetCurrentDataSet();
        Assert.Equal(-42, cds.OffsetFromMasterNs);
        Assert.Equal(900, cds.MeanPathDelayNs);
        Assert.Equal(2, c.DiscardedResponses);
    }

    [Fact]
    public void Requests_carry_increasing_sequence_ids_the_domain_and_the_padding_asked_for()
    {
        var seen = new List<byte[]>();
        using var peer = new DatagramPeer(req =>
        {
            lock (seen) seen.Add(req);
            ushort seq = BinaryPrimitives.ReadUInt16BigEndian(req.AsSpan(30));
            return [Response(0x2003, Cat(Be16(37), [0x0C, 0xA0]), sequenceId: seq, domain: req[4])];
        });
        using var c = new PtpManagementClient(new PtpManagementClientOptions
            { SocketPath = peer.SocketPath, DomainNumber = 44, PaddedGets = true, TimeoutMs = 1000 });
        var t1 = c.GetTimePropertiesDataSet();
        c.GetTimePropertiesDataSet();
        Assert.True(t1.PtpTimescale);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, r => Assert.Equal(44, r[4]));
        Assert.All(seen, r => Assert.Equal(54 + 4, r.Length));
        Assert.Equal(BinaryPrimitives.ReadUInt16BigEndian(seen[0].AsSpan(30)) + 1, BinaryPrimitives.ReadUInt16BigEndian(seen[1].AsSpan(30)));
    }

    [Fact]
    public void Error_status_from_the_socket_throws_the_error_id()
    {
        using var peer = new DatagramPeer(req =>
            [ErrorStatus(0x0004, 0x2004, "", BinaryPrimitives.ReadUInt16BigEndian(req.AsSpan(30)))]);
        using var c = new PtpManagementClient(peer.SocketPath, 1000);
        var e = Assert.Throws<PtpManagementErrorException>(() => c.GetPortDataSet(7));
        Assert.Equal(ManagementErrorId.WrongValue, e.ErrorId);
    }
}
