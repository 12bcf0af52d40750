using System.Globalization;

namespace PsCamSync.Core.Cameras.Simulated;

/// <summary>
/// Changes to the model of the simulated cameras this process opens by name (<see cref="CameraBackends.Create"/>, so
/// Start-SyncCapture -InProcess and Measure-SyncJitter): what <c>Get-SyncCamera -Simulated N -ReadoutUs ... -TransferUs
/// ... -TriggerOverlap ...</c> sets. Each Get-SyncCamera that lists simulated cameras sets the model anew (the values
/// it does not give return to the defaults). A take recorded in a recorder process of its own (Start-SyncCapture
/// without -InProcess) gets the session's model with its start request (<see cref="Recording.RecorderStartRequest.SimulatedModel"/>).
/// </summary>
/// <param name="ReadoutUs">Sensor readout time, µs, or null for the default (<see cref="SimulatedCameraOptions.ReadoutUs"/>).</param>
/// <param name="TransferUs">Host transfer time per frame, µs, or null for none (<see cref="SimulatedCameraOptions.TransferUs"/>).</param>
/// <param name="OverlapReadOut">The initial TriggerOverlap (true: ReadOut), or null for the default (Off).</param>
public sealed record SimulatedModel(double? ReadoutUs, double? TransferUs, bool? OverlapReadOut)
{
    private static SimulatedModel? s_current;

    /// <summary>The model simulated cameras opened by name get now, or null for the defaults.</summary>
    public static SimulatedModel? Current => Volatile.Read(ref s_current);

    /// <summary>Makes <paramref name="model"/> the one simulated cameras opened by name get from now on (null: the defaults).</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range; ParameterName is the option's name
    /// (ReadoutUs, TransferUs), as the Get-SyncCamera parameter is named.</exception>
    public static void Set(SimulatedModel? model)
    {
        model?.Check();
        Volatile.Write(ref s_current, model);
    }

    /// <summary>Applies the values given to <paramref name="options"/>.</summary>
    public void ApplyTo(SimulatedCameraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ReadoutUs is { } readout)
            options.ReadoutUs = readout;
        if (TransferUs is { } transfer)
            options.TransferUs = transfer;
        if (OverlapReadOut is { } overlap)
            options.OverlapReadOut = overlap;
    }

    /// <summary>Checks the values against camera sim-0's model.</summary>
    /// <exception cref="InvalidCaptureArgumentException">A value is out of range (ParameterName ReadoutUs or TransferUs).</exception>
    public void Check()
    {
        var options = SimulatedBackend.DefaultOptions(0);
        ApplyTo(options);
        options.Validate();
    }

    /// <summary>The values given, for messages: e.g. <c>ReadoutUs 6000, TransferUs 4000, TriggerOverlap ReadOut</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (ReadoutUs is { } r) parts.Add(string.Create(CultureInfo.InvariantCulture, $"ReadoutUs {r}"));
        if (TransferUs is { } t) parts.Add(string.Create(CultureInfo.InvariantCulture, $"TransferUs {t}"));
        if (OverlapReadOut is { } o) parts.Add("TriggerOverlap " + (o ? "ReadOut" : "Off"));
        return parts.Count == 0 ? "the default model" : string.Join(", ", parts);
    }
}
