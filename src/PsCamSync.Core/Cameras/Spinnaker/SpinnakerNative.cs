using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras.Spinnaker;

/// <summary>
/// The Spinnaker C API calls the Spinnaker backend uses (libSpinnaker_C.so.&lt;major&gt;), declared from the published
/// headers SpinnakerC.h, SpinnakerDefsC.h, SpinnakerGenApiC.h and SpinnakerGenApiDefsC.h as vendored in
/// mediamonks/spinnaker-spout-cinder (include/Spinnaker/spinc/, commit ad106ba2d235e1d440b207154fe07e852dface34) and
/// cross-checked with the bindings generated from a later SDK in samuelpowell/Spinnaker.jl
/// (src/wrapper/spin_common.jl and spin_api.jl, commit 1306e6944f925792030c25c433a81dbde3dca5d1). Every function
/// returns <c>spinError</c> (a C enum: 4 bytes). Handles are <c>void*</c>; <c>bool8_t</c> is a byte; <c>size_t</c>
/// is <see cref="nuint"/>. Output strings are written into a caller's buffer whose length (with the NUL) goes in and
/// out through <c>size_t* pBufLen</c>; a null buffer asks for the length. The library is resolved through
/// <see cref="VendorLibraries"/> under the logical name <see cref="Lib"/> after <see cref="SpinnakerLibrary"/> loaded it.
/// </summary>
internal static unsafe partial class SpinnakerNative
{
    /// <summary>The logical library name the probe registers with <see cref="VendorLibraries"/>.</summary>
    public const string Lib = "Spinnaker_C";

    // spinError (SpinnakerDefsC.h)
    public const int Success = 0;
    public const int ErrTimeout = -1011;

    // spinNodeType (SpinnakerGenApiDefsC.h)
    public const int IntegerNode = 2;
    public const int BooleanNode = 3;
    public const int FloatNode = 4;
    public const int CommandNode = 5;
    public const int StringNode = 6;
    public const int EnumerationNode = 8;

    /// <summary><c>actionCommandResult</c> (SpinnakerDefsC.h): { unsigned int DeviceAddress; actionCommandStatus Status; }, 8 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ActionCommandResult
    {
        /// <summary>The answering device's IPv4 address as the SDK gives it.</summary>
        public uint DeviceAddress;
        /// <summary><c>actionCommandStatus</c>: ACTION_COMMAND_STATUS_OK 0, NO_REF_TIME 0x8013, OVERFLOW 0x8015, ACTION_LATE 0x8016, ERROR 0x8FFF.</summary>
        public int Status;
    }

    /// <summary>Every export the backend calls; the probe checks them all, so a missing one is a reason, not a crash.</summary>
    public static readonly IReadOnlyList<string> Exports =
    [
        "spinSystemGetInstance", "spinSystemReleaseInstance", "spinSystemGetCameras", "spinSystemSendActionCommand",
        "spinCameraListCreateEmpty", "spinCameraListDestroy", "spinCameraListGetSize", "spinCameraListGet", "spinCameraListClear",
        "spinCameraListGetBySerial", "spinCameraInit", "spinCameraDeInit", "spinCameraGetNodeMap", "spinCameraGetTLDeviceNodeMap",
        "spinCameraBeginAcquisition", "spinCameraEndAcquisition", "spinCameraGetNextImageEx", "spinCameraRelease",
        "spinImageGetData", "spinImageGetBufferSize", "spinImageGetValidPayloadSize", "spinImageGetWidth", "spinImageGetHeight",
        "spinImageGetFrameID", "spinImageGetTimeStamp", "spinImageIsIncomplete", "spinImageRelease",
        "spinNodeMapGetNode", "spinNodeMapGetNumNodes", "spinNodeMapGetNodeByIndex", "spinNodeIsAvailable", "spinNodeIsReadable",
        "spinNodeIsWritable", "spinNodeGetName", "spinNodeGetType", "spinStringGetValue", "spinStringSetValue",
        "spinIntegerGetValue", "spinIntegerSetValue", "spinFloatGetValue", "spinFloatSetValue", "spinFloatGetMax",
        "spinEnumerationGetNumEntries", "spinEnumerationGetEntryByIndex", "spinEnumerationGetEntryByName",
        "spinEnumerationGetCurrentEntry", "spinEnumerationSetIntValue", "spinEnumerationEntryGetIntValue",
        "spinEnumerationEntryGetSymbolic", "spinBooleanGetValue", "spinBooleanSetValue", "spinCommandExecute",
    ];

    // SpinnakerC.h: system and camera list
    [LibraryImport(Lib)] public static partial int spinSystemGetInstance(out IntPtr phSystem);
    [LibraryImport(Lib)] public static partial int spinSystemReleaseInstance(IntPtr hSystem);
    [LibraryImport(Lib)] public static partial int spinSystemGetCameras(IntPtr hSystem, IntPtr hCameraList);
    [LibraryImport(Lib)] public static partial int spinSystemSendActionCommand(IntPtr hSystem, nuint iDeviceKey, nuint iGroupKey, nuint iGroupMask,
        nuint iActionTime, nuint* piResultSize, ActionCommandResult* results);
    [LibraryImport(Lib)] public static partial int spinCameraListCreateEmpty(out IntPtr phCameraList);
    [LibraryImport(Lib)] public static partial int spinCameraListDestroy(IntPtr hCameraList);
    [LibraryImport(Lib)] public static partial int spinCameraListGetSize(IntPtr hCameraList, out nuint pSize);
    [LibraryImport(Lib)] public static partial int spinCameraListGet(IntPtr hCameraList, nuint index, out IntPtr phCamera);
    [LibraryImport(Lib)] public static partial int spinCameraListClear(IntPtr hCameraList);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int spinCameraListGetBySerial(IntPtr hCameraList, string pSerial, out IntPtr phCamera);

    // SpinnakerC.h: camera
    [LibraryImport(Lib)] public static partial int spinCameraInit(IntPtr hCamera);
    [LibraryImport(Lib)] public static partial int spinCameraDeInit(IntPtr hCamera);
    [LibraryImport(Lib)] public static partial int spinCameraGetNodeMap(IntPtr hCamera, out IntPtr phNodeMap);
    [LibraryImport(Lib)] public static partial int spinCameraGetTLDeviceNodeMap(IntPtr hCamera, out IntPtr phNodeMap);
    [LibraryImport(Lib)] public static partial int spinCameraBeginAcquisition(IntPtr hCamera);
    [LibraryImport(Lib)] public static partial int spinCameraEndAcquisition(IntPtr hCamera);
    [LibraryImport(Lib)] public static partial int spinCameraGetNextImageEx(IntPtr hCamera, ulong grabTimeout, out IntPtr phImage);
    [LibraryImport(Lib)] public static partial int spinCameraRelease(IntPtr hCamera);

    // SpinnakerC.h: image
    [LibraryImport(Lib)] public static partial int spinImageGetData(IntPtr hImage, out IntPtr ppData);
    [LibraryImport(Lib)] public static partial int spinImageGetBufferSize(IntPtr hImage, out nuint pSize);
    [LibraryImport(Lib)] public static partial int spinImageGetValidPayloadSize(IntPtr hImage, out nuint pSize);
    [LibraryImport(Lib)] public static partial int spinImageGetWidth(IntPtr hImage, out nuint pWidth);
    [LibraryImport(Lib)] public static partial int spinImageGetHeight(IntPtr hImage, out nuint pHeight);
    [LibraryImport(Lib)] public static partial int spinImageGetFrameID(IntPtr hImage, out ulong pFrameID);
    [LibraryImport(Lib)] public static partial int spinImageGetTimeStamp(IntPtr hImage, out ulong pTimeStamp);
    [LibraryImport(Lib)] public static partial int spinImageIsIncomplete(IntPtr hImage, out byte pbIsIncomplete);
    [LibraryImport(Lib)] public static partial int spinImageRelease(IntPtr hImage);

    // SpinnakerGenApiC.h: node map and nodes
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int spinNodeMapGetNode(IntPtr hNodeMap, string pName, out IntPtr phNode);
    [LibraryImport(Lib)] public static partial int spinNodeMapGetNumNodes(IntPtr hNodeMap, out nuint pValue);
    [LibraryImport(Lib)] public static partial int spinNodeMapGetNodeByIndex(IntPtr hNodeMap, nuint index, out IntPtr phNode);
    [LibraryImport(Lib)] public static partial int spinNodeIsAvailable(IntPtr hNode, out byte pbResult);
    [LibraryImport(Lib)] public static partial int spinNodeIsReadable(IntPtr hNode, out byte pbResult);
    [LibraryImport(Lib)] public static partial int spinNodeIsWritable(IntPtr hNode, out byte pbResult);
    [LibraryImport(Lib)] public static partial int spinNodeGetName(IntPtr hNode, byte* pBuf, ref nuint pBufLen);
    [LibraryImport(Lib)] public static partial int spinNodeGetType(IntPtr hNode, out int pType);
    [LibraryImport(Lib)] public static partial int spinStringGetValue(IntPtr hNode, byte* pBuf, ref nuint pBufLen);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int spinStringSetValue(IntPtr hNode, string pBuf);
    [LibraryImport(Lib)] public static partial int spinIntegerGetValue(IntPtr hNode, out long pValue);
    [LibraryImport(Lib)] public static partial int spinIntegerSetValue(IntPtr hNode, long value);
    [LibraryImport(Lib)] public static partial int spinFloatGetValue(IntPtr hNode, out double pValue);
    [LibraryImport(Lib)] public static partial int spinFloatSetValue(IntPtr hNode, double value);
    [LibraryImport(Lib)] public static partial int spinFloatGetMax(IntPtr hNode, out double pValue);
    [LibraryImport(Lib)] public static partial int spinEnumerationGetNumEntries(IntPtr hNode, out nuint pValue);
    [LibraryImport(Lib)] public static partial int spinEnumerationGetEntryByIndex(IntPtr hNode, nuint index, out IntPtr phEntry);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int spinEnumerationGetEntryByName(IntPtr hNode, string pName, out IntPtr phEntry);
    [LibraryImport(Lib)] public static partial int spinEnumerationGetCurrentEntry(IntPtr hNode, out IntPtr phEntry);
    [LibraryImport(Lib)] public static partial int spinEnumerationSetIntValue(IntPtr hNode, long value);
    [LibraryImport(Lib)] public static partial int spinEnumerationEntryGetIntValue(IntPtr hNode, out long pValue);
    [LibraryImport(Lib)] public static partial int spinEnumerationEntryGetSymbolic(IntPtr hNode, byte* pBuf, ref nuint pBufLen);
    [LibraryImport(Lib)] public static partial int spinBooleanGetValue(IntPtr hNode, out byte pbValue);
    [LibraryImport(Lib)] public static partial int spinBooleanSetValue(IntPtr hNode, byte value);
    [LibraryImport(Lib)] public static partial int spinCommandExecute(IntPtr hNode);

    /// <summary>Buffer-length-out string getter, as the Spinnaker C API shapes them.</summary>
    public delegate int StringGetter(IntPtr handle, byte* buffer, ref nuint length);

    /// <summary>Reads a string through <paramref name="getter"/>: asks for the length (null buffer), then fills a buffer.</summary>
    /// <exception cref="SpinnakerException">A call failed.</exception>
    public static string ReadString(IntPtr handle, StringGetter getter, string function)
    {
        nuint length = 0;
        Check(getter(handle, null, ref length), function);
        if (length == 0)
            return "";
        var buffer = new byte[(int)length];
        fixed (byte* p = buffer)
        {
            Check(getter(handle, p, ref length), function);
            int n = Math.Min((int)length, buffer.Length);
            int end = Array.IndexOf(buffer, (byte)0, 0, n);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, end < 0 ? n : end);
        }
    }

    /// <summary>Throws <see cref="SpinnakerException"/> for any <c>spinError</c> other than SPINNAKER_ERR_SUCCESS.</summary>
    /// <exception cref="SpinnakerException"><paramref name="error"/> is not 0.</exception>
    public static void Check(int error, string function)
    {
        if (error != Success)
            throw new SpinnakerException(error, function);
    }
}
