namespace PsCamSync.Core.Cameras;

/// <summary>
/// What discovery knows about one camera before it is opened: plain data, safe to serialise and to send
/// through PowerShell remoting.
/// </summary>
/// <param name="Backend">Backend name: <c>Simulated</c>, <c>Aravis</c>, ...</param>
/// <param name="Id">Backend-unique id used to open the camera (Aravis: "Vendor-Model-Serial"; simulated: "sim-0", ...).</param>
/// <param name="Vendor">Device vendor name.</param>
/// <param name="Model">Device model name.</param>
/// <param name="Serial">Device serial number.</param>
/// <param name="Address">Transport address (IP address for GigE Vision; empty when there is none).</param>
/// <param name="Width">Sensor region width in pixels.</param>
/// <param name="Height">Sensor region height in pixels.</param>
/// <param name="PixelFormat">Current pixel format.</param>
public sealed record CameraInfo(
    string Backend,
    string Id,
    string Vendor,
    string Model,
    string Serial,
    string Address,
    int Width,
    int Height,
    PixelFormat PixelFormat);
