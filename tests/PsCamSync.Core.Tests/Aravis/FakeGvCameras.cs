using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PsCamSync.Core.Tests.Aravis;

/// <summary>One running <c>arv-fake-gv-camera-0.8</c>.</summary>
/// <param name="Address">The loopback address it listens on (GVCP port 3956).</param>
/// <param name="Serial">The serial number it was given (<c>-s</c>).</param>
/// <param name="Pid">Its process id.</param>
public sealed record FakeGvCamera(string Address, string Serial, int Pid)
{
    /// <summary>The id Aravis gives it: vendor "Aravis", model "Fake", then the serial.</summary>
    public string Id => $"Aravis-Fake-{Serial}";
}

/// <summary>
/// Starts N Aravis GigE Vision emulators (<c>arv-fake-gv-camera-0.8 -i 127.0.0.k -s PSCS0k</c>) on 127.0.0.1,
/// 127.0.0.2, ... inside a <see cref="NetworkNamespace"/> of their own, waits until each answers a GVCP
/// DISCOVERY_CMD sent to its address with its own serial, and stops them by PID in <see cref="Dispose"/> (also
/// when starting failed half-way).
/// </summary>
/// <remarks>
/// Why a namespace: the emulator binds only to an address that an interface carries (it looks the address up with
/// getifaddrs), and the host's lo carries only 127.0.0.1, so 127.0.0.2.. must be added to a loopback; and Aravis'
/// discovery broadcasts on every interface that is up, which on the host would include the real network. Inside
/// the namespace lo is the only interface: discovery (<c>arv_update_device_list</c>) broadcasts to
/// 255.255.255.255 from 127.0.0.1, the kernel loops it back on lo, and every emulator answers (each also listens on
/// 255.255.255.255:3956). Opening by address works directly (unicast). All tests using the fakes run their bodies
/// through <see cref="Run"/>.
/// </remarks>
public sealed class FakeGvCameras : IDisposable
{
    public const string Program = "arv-fake-gv-camera-0.8";
    private const int GvcpPort = 3956;
    private const int SerialOffset = 8 + 0xD8; // GVCP header + ARV_GVBS_SERIAL_NUMBER_OFFSET (discovery data)
    private const int SerialSize = 16;

    private readonly List<(FakeGvCamera Camera, Process Process, StringBuilder Output)> _running = new();
    private readonly NetworkNamespace _namespace;
    private readonly double _lostPacketsPerThousand;

    /// <param name="count">Emulators to start (1-200).</param>
    /// <param name="readyTimeoutSeconds">How long to wait for all of them to answer discovery.</param>
    /// <param name="lostPacketsPerThousand">GVSP packets each emulator drops at random, per thousand (its <c>-r</c>; 0: none).</param>
    public FakeGvCameras(int count, double readyTimeoutSeconds = 10, double lostPacketsPerThousand = 0)
    {
        if (count is < 1 or > 200)
            throw new ArgumentOutOfRangeException(nameof(count));
        _lostPacketsPerThousand = lostPacketsPerThousand;
        var addresses = Enumerable.Range(1, count).Select(k => $"127.0.0.{k}").ToList();
        _namespace = new NetworkNamespace(addresses);
        try
        {
            for (var k = 0; k < count; k++)
                _running.Add(StartOne(addresses[k], $"PSCS{k + 1:D2}"));
            _namespace.Run(() => WaitUntilAnswering(_running, readyTimeoutSeconds));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What the emulators printed so far (stdout and stderr), one block per emulator.</summary>
    public string Output() => string.Join("\n", _running.Select(r => $"{r.Camera.Id}: {Output(r.Output)}"));

    /// <summary>The emulators, in address order.</summary>
    public IReadOnlyList<FakeGvCamera> Cameras => _running.Select(r => r.Camera).ToList();

    /// <summary>Kills emulator <paramref name="index"/> by PID now (to test a camera that disappears).</summary>
    public void Kill(int index)
    {
        var process = _running[index].Process;
        process.Kill();
        process.WaitForExit(5000);
    }

    /// <summary>
    /// Starts emulator <paramref name="index"/> again (after <see cref="Kill"/>) with the same serial on the same address,
    /// as a camera that comes back after a power blip, and waits until it answers discovery. Call it from outside
    /// <see cref="Run"/> (it starts a process).
    /// </summary>
    public void Restart(int index, double readyTimeoutSeconds = 10)
    {
        var (camera, old, _) = _running[index];
        if (!old.HasExited)
        {
            old.Kill();
            old.WaitForExit(5000);
        }
        old.Dispose();
        var started = StartOne(camera.Address, camera.Serial);
        _running[index] = started;
        _namespace.Run(() => WaitUntilAnswering(new[] { started }, readyTimeoutSeconds));
    }

    private (FakeGvCamera Camera, Process Process, StringBuilder Output) StartOne(string address, string serial)
    {
        var output = new StringBuilder();
        var process = _lostPacketsPerThousand > 0
            ? _namespace.Start(Program, "-i", address, "-s", serial, "-r", _lostPacketsPerThousand.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : _namespace.Start(Program, "-i", address, "-s", serial);
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (new FakeGvCamera(address, serial, process.Id), process, output);
    }

    /// <summary>Runs <paramref name="body"/> inside the emulators' network namespace (see <see cref="NetworkNamespace.Run"/>).</summary>
    public void Run(Action body) => _namespace.Run(body);

    private static void WaitUntilAnswering(IEnumerable<(FakeGvCamera Camera, Process Process, StringBuilder Output)> cameras, double timeoutSeconds)
    {
        var deadline = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 100 };
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var discovery = new byte[] { 0x42, 0x01, 0x00, 0x02, 0x00, 0x00, 0xFF, 0xFF }; // DISCOVERY_CMD, ack required
        var answer = new byte[1024];
        foreach (var (camera, process, output) in cameras)
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(camera.Address), GvcpPort);
            while (true)
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{Program} for {camera.Address} exited with {process.ExitCode}: {Output(output)}");
                if (deadline.Elapsed.TotalSeconds > timeoutSeconds)
                    throw new TimeoutException($"{Program} at {camera.Address} did not answer discovery within {timeoutSeconds} s: {Output(output)}");
                socket.SendTo(discovery, endpoint);
                try
                {
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    var n = socket.ReceiveFrom(answer, ref from);
                    if (n >= SerialOffset + SerialSize && answer[2] == 0x00 && answer[3] == 0x03
                        && ((IPEndPoint)from).Address.Equals(endpoint.Address)
                        && Encoding.ASCII.GetString(answer, SerialOffset, SerialSize).TrimEnd('\0') == camera.Serial)
                        break;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.ConnectionReset or SocketError.WouldBlock)
                {
                    // not listening yet (ICMP port unreachable) or no answer within 100 ms: ask again
                }
            }
        }
    }

    private static string Output(StringBuilder output)
    {
        lock (output)
            return output.Length == 0 ? "(no output)" : output.ToString().Trim();
    }

    /// <summary>Kills every emulator by PID, waits for it, then deletes the namespace.</summary>
    public void Dispose()
    {
        foreach (var (_, process, _) in _running)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            finally
            {
                process.Dispose();
            }
        }
        _running.Clear();
        _namespace.Dispose();
    }
}
