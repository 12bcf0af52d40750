using System.Text;

namespace PsCamSync.Core.Ptp;

/// <summary>
/// Reads ptp4l's data sets over its UNIX-domain management socket, as <c>pmc -u -b 0</c> does: one GET per call,
/// answered by the local ptp4l only (boundaryHops 0). Each request has its own sequenceId; answers with another
/// sequenceId or managementId (late answers to earlier, timed-out requests) are discarded. Thread-safe: requests
/// are serialised. Dispose closes the socket and deletes the client's socket path (a client never disposed leaves
/// that file behind, as a killed pmc does).
/// </summary>
/// <remarks>
/// Errors: <see cref="PtpDaemonUnreachableException"/> (no socket / nobody listening / permission),
/// <see cref="PtpManagementTimeoutException"/> (no answer, e.g. wrong domainNumber or not ptp4l),
/// <see cref="PtpMessageFormatException"/> (an answer that is not a management message),
/// <see cref="PtpManagementErrorException"/> (ptp4l's management error status). All derive from
/// <see cref="PtpManagementException"/>.
/// </remarks>
public sealed class PtpManagementClient : IDisposable
{
    private const int MaxSunPathBytes = 107; // sizeof(sockaddr_un.sun_path) - 1 on Linux
    private static int s_clientCounter;

    private readonly object _gate = new();
    private readonly UdsManagementTransport _transport;
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly byte[] _sendBuffer = new byte[ManagementRequestEncoder.MaxGetLength];
    private readonly PortIdentity _sourcePortIdentity;
    private readonly bool _paddedGets;
    private ushort _sequenceId;

    /// <summary>Creates a client for the socket at <paramref name="socketPath"/>.</summary>
    /// <param name="socketPath">ptp4l's uds_address.</param>
    /// <param name="timeoutMs">Per-request timeout, ms (at least 1).</param>
    /// <param name="domainNumber">ptp4l's domainNumber (0..255).</param>
    /// <exception cref="InvalidCaptureArgumentException">A value out of range (parameters SocketPath, Timeout, DomainNumber).</exception>
    public PtpManagementClient(string socketPath = PtpManagementClientOptions.DefaultSocketPath, int timeoutMs = 1000, int domainNumber = 0)
        : this(new PtpManagementClientOptions { SocketPath = socketPath, TimeoutMs = timeoutMs, DomainNumber = domainNumber }) { }

    /// <summary>Creates a client with <paramref name="options"/>. Binds the client socket; does not contact ptp4l yet.</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value out of range (parameters SocketPath, Timeout, DomainNumber, ClientSocketPath).</exception>
    /// <exception cref="PtpManagementException">The client socket cannot be bound.</exception>
    public PtpManagementClient(PtpManagementClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidatePath("SocketPath", options.SocketPath);
        if (options.TimeoutMs < 1)
            throw new InvalidCaptureArgumentException("Timeout",
                $"{options.TimeoutMs} ms is not a timeout: give at least 1 ms (ptp4l answers in well under 10 ms; 1000 is a safe value).");
        if (options.DomainNumber is < 0 or > 255)
            throw new InvalidCaptureArgumentException("DomainNumber",
                $"{options.DomainNumber} is not a PTP domainNumber: give ptp4l's domainNumber, 0..255.");
        if (options.ClientSocketPath is not null)
            ValidatePath("ClientSocketPath", options.ClientSocketPath);

        SocketPath = options.SocketPath;
        TimeoutMs = options.TimeoutMs;
        DomainNumber = (byte)options.DomainNumber;
        _paddedGets = options.PaddedGets;
        _sourcePortIdentity = new PortIdentity(new ClockIdentity(0), (ushort)Environment.ProcessId);
        _transport = options.ClientSocketPath is { } clientPath
            ? new UdsManagementTransport(SocketPath, clientPath, TimeoutMs)
            : BindDefaultClientPath();
    }

    /// <summary>ptp4l's management socket this client asks.</summary>
    public string SocketPath { get; }

    /// <summary>The path this client is bound to (deleted on Dispose).</summary>
    public string ClientSocketPath => _transport.ClientPath;

    /// <summary>Per-request timeout, ms.</summary>
    public int TimeoutMs { get; }

    /// <summary>domainNumber put in requests.</summary>
    public byte DomainNumber { get; }

    /// <summary>Answers discarded so far because their sequenceId or managementId did not match (late answers).</summary>
    public long DiscardedResponses { get; private set; }

    /// <summary>GET DEFAULT_DATA_SET.</summary>
    public DefaultDataSet GetDefaultDataSet() => DataSetDecoder.DecodeDefaultDataSet(Get(ManagementId.DefaultDataSet));

    /// <summary>GET CURRENT_DATA_SET.</summary>
    public CurrentDataSet GetCurrentDataSet() => DataSetDecoder.DecodeCurrentDataSet(Get(ManagementId.CurrentDataSet));

    /// <summary>GET PARENT_DATA_SET.</summary>
    public ParentDataSet GetParentDataSet() => DataSetDecoder.DecodeParentDataSet(Get(ManagementId.ParentDataSet));

    /// <summary>GET TIME_PROPERTIES_DATA_SET.</summary>
    public TimePropertiesDataSet GetTimePropertiesDataSet() =>
        DataSetDecoder.DecodeTimePropertiesDataSet(Get(ManagementId.TimePropertiesDataSet));

    /// <summary>GET TIME_STATUS_NP (linuxptp).</summary>
    public TimeStatusNp GetTimeStatusNp() => DataSetDecoder.DecodeTimeStatusNp(Get(ManagementId.TimeStatusNp));

    /// <summary>GET PORT_DATA_SET of port <paramref name="portNumber"/> (1..numberPorts).</summary>
    /// <exception cref="PtpManagementErrorException">WRONG_VALUE when ptp4l has no such port.</exception>
    public PortDataSet GetPortDataSet(ushort portNumber = 1) =>
        DataSetDecoder.DecodePortDataSet(Get(ManagementId.PortDataSet, CheckPort(portNumber)));

    /// <summary>GET PORT_PROPERTIES_NP (linuxptp) of port <paramref name="portNumber"/> (1..numberPorts).</summary>
    /// <exception cref="PtpManagementErrorException">WRONG_VALUE when ptp4l has no such port.</exception>
    public PortPropertiesNp GetPortPropertiesNp(ushort portNumber = 1) =>
        DataSetDecoder.DecodePortPropertiesNp(Get(ManagementId.PortPropertiesNp, CheckPort(portNumber)));

    /// <summary>PORT_DATA_SET of every port, 1..numberPorts of DEFAULT_DATA_SET.</summary>
    public IReadOnlyList<PortDataSet> GetPortDataSets()
    {
        int n = GetDefaultDataSet().NumberPorts;
        var list = new List<PortDataSet>(n);
        for (int p = 1; p <= n; p++)
            list.Add(GetPortDataSet((ushort)p));
        return list;
    }

    /// <summary>
    /// A snapshot of this host's PTP state from DEFAULT, CURRENT, PARENT, TIME_PROPERTIES data sets, TIME_STATUS_NP and
    /// PORT_PROPERTIES_NP of every port, plus whether phc2sys runs. See <see cref="HostPtpStatus"/> for the fields.
    /// </summary>
    public HostPtpStatus GetHostStatus()
    {
        var dds = GetDefaultDataSet();
        var cds = GetCurrentDataSet();
        var pds = GetParentDataSet();
        var tpds = GetTimePropertiesDataSet();
        var tsn = GetTimeStatusNp();
        var ports = new List<PortPropertiesNp>(dds.NumberPorts);
        for (int p = 1; p <= dds.NumberPorts; p++)
            ports.Add(GetPortPropertiesNp((ushort)p));
        return HostPtpStatus.From(Environment.MachineName, SocketPath, Timing.SharedTimeline.NowNs(),
            dds, cds, pds, tpds, tsn, ports, ProcessProbe.IsRunning("phc2sys"));
    }

    /// <summary>
    /// Sends one GET and returns the matching answer (which may be an error status: check
    /// <see cref="ManagementMessage.ErrorStatus"/> or decode it with <see cref="DataSetDecoder"/>).
    /// </summary>
    /// <param name="id">The managementId to ask for.</param>
    /// <param name="portNumber">Target portNumber; 0xFFFF (all ports) for clock data sets.</param>
    public ManagementMessage Get(ManagementId id, ushort portNumber = PortIdentity.AllPorts)
    {
        lock (_gate)
        {
            ushort seq = _sequenceId++;
            var request = new ManagementGetRequest(id, DomainNumber, seq, _sourcePortIdentity,
                new PortIdentity(ClockIdentity.Wildcard, portNumber), _paddedGets);
            int length = ManagementRequestEncoder.EncodeGet(_sendBuffer, request);
            long deadline = Timing.MonotonicClock.NowNs() + TimeoutMs * 1_000_000L;
            _transport.Send(_sendBuffer.AsSpan(0, length));
            while (true)
            {
                int n = _transport.Receive(_receiveBuffer, deadline);
                if (n < 0)
                    throw new PtpManagementTimeoutException(SocketPath, id, TimeoutMs, DomainNumber);
                var answer = ParseAnswer(_receiveBuffer.AsSpan(0, n));
                if (answer.Header.SequenceId != seq || answer.ManagementId != id)
                {
                    DiscardedResponses++;
                    continue;
                }
                return answer;
            }
        }
    }

    /// <summary>
    /// Finds ptp4l's domainNumber by sending GET DEFAULT_DATA_SET once in every domain 0..255 (ptp4l answers only in
    /// its own) and reading domainNumber from the answer.
    /// </summary>
    /// <param name="socketPath">ptp4l's uds_address.</param>
    /// <param name="timeoutMs">How long to wait for the answer, ms (at least 1).</param>
    /// <returns>ptp4l's domainNumber.</returns>
    /// <exception cref="PtpManagementException">Unreachable, no answer, or a malformed answer.</exception>
    public static int DetectDomainNumber(string socketPath = PtpManagementClientOptions.DefaultSocketPath, int timeoutMs = 1000)
    {
        using var client = new PtpManagementClient(socketPath, timeoutMs, 0);
        return client.DetectDomainNumberCore();
    }

    private int DetectDomainNumberCore()
    {
        lock (_gate)
        {
            ushort firstSeq = _sequenceId;
            for (int domain = 0; domain <= 255; domain++)
            {
                var request = new ManagementGetRequest(ManagementId.DefaultDataSet, (byte)domain, _sequenceId++,
                    _sourcePortIdentity, new PortIdentity(ClockIdentity.Wildcard, PortIdentity.AllPorts), _paddedGets);
                int length = ManagementRequestEncoder.EncodeGet(_sendBuffer, request);
                _transport.Send(_sendBuffer.AsSpan(0, length));
            }
            long deadline = Timing.MonotonicClock.NowNs() + TimeoutMs * 1_000_000L;
            while (true)
            {
                int n = _transport.Receive(_receiveBuffer, deadline);
                if (n < 0)
                    throw new PtpManagementTimeoutException(SocketPath, ManagementId.DefaultDataSet, TimeoutMs, 0);
                var answer = ParseAnswer(_receiveBuffer.AsSpan(0, n));
                if (answer.ManagementId != ManagementId.DefaultDataSet || (ushort)(answer.Header.SequenceId - firstSeq) > 255)
                {
                    DiscardedResponses++;
                    continue;
                }
                return DataSetDecoder.DecodeDefaultDataSet(answer).DomainNumber;
            }
        }
    }

    private ManagementMessage ParseAnswer(ReadOnlySpan<byte> datagram)
    {
        try
        {
            return ManagementMessage.Parse(datagram);
        }
        catch (PtpMessageFormatException e)
        {
            throw new PtpMessageFormatException(e.Field, e.Offset,
                $"'{SocketPath}' answered with {datagram.Length} bytes that are not a PTP management message: {e.Message} " +
                "Is this socket ptp4l's uds_address?", e);
        }
    }

    private static ushort CheckPort(ushort portNumber) => portNumber is 0 or PortIdentity.AllPorts
        ? throw new InvalidCaptureArgumentException("PortNumber",
            $"{portNumber} is not one port: give a PTP port number 1..numberPorts (DEFAULT_DATA_SET.numberPorts).")
        : portNumber;

    private static void ValidatePath(string parameter, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidCaptureArgumentException(parameter, "give the path of a UNIX-domain socket (ptp4l's uds_address, default /var/run/ptp4l).");
        if (Encoding.UTF8.GetByteCount(path) > MaxSunPathBytes)
            throw new InvalidCaptureArgumentException(parameter,
                $"'{path}' is longer than the {MaxSunPathBytes} bytes a UNIX-domain socket path may have; use a shorter path.");
    }

    /// <summary>
    /// Binds <c>/var/run/pscamsync-pmc.PID.N</c> (where pmc puts its own) when running as root, else, or when
    /// /var/run cannot be bound (read-only in a container), the same name in the temp directory.
    /// </summary>
    private UdsManagementTransport BindDefaultClientPath()
    {
        string name = $"pscamsync-pmc.{Environment.ProcessId}.{Interlocked.Increment(ref s_clientCounter)}";
        const string run = "/var/run";
        if (Directory.Exists(run) && Environment.UserName == "root")
        {
            try
            {
                return new UdsManagementTransport(SocketPath, Path.Combine(run, name), TimeoutMs);
            }
            catch (PtpManagementException)
            {
                // /var/run not bindable here: the temp directory below is the documented second choice
            }
        }
        string temp = Path.Combine(Path.GetTempPath(), name);
        ValidatePath("ClientSocketPath", temp);
        return new UdsManagementTransport(SocketPath, temp, TimeoutMs);
    }

    /// <summary>Closes the socket and deletes the client socket path.</summary>
    public void Dispose()
    {
        lock (_gate)
            _transport.Dispose();
    }
}
