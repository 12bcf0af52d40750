using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace PsCamSync.Core.Cameras.IC4;

/// <summary>
/// P/Invoke declarations of the IC Imaging Control 4 C API (libic4core), checked against the published headers
/// include/ic4/C_InitLibrary.h, C_Error.h, C_DeviceEnum.h, C_Grabber.h, C_Sink.h, C_QueueSink.h, C_Allocator.h,
/// C_ImageType.h, C_ImageBuffer.h and C_Properties.h as vendored in JanAllm/looschen-datenbereitstellung at commit
/// f69a5c7c21b0b92026a34fe35e9f10f1f47c0da1. Every <c>bool</c> function returns false on failure; the reason is read
/// with <see cref="ic4_get_last_error"/> (thread-local) by <see cref="Ic4Exception.FromLastError"/>.
/// </summary>
internal static unsafe partial class Ic4Native
{
    /// <summary>Logical library name; <see cref="Ic4Library"/> registers the file it loaded under it.</summary>
    public const string Lib = "ic4core";

    /// <summary>IC4_PIXEL_FORMAT_Mono8 (C_ImageType.h).</summary>
    public const int PixelFormatMono8 = 0x01080001;

    /// <summary>IC4_PROPERTY_TYPE (C_Properties.h).</summary>
    public enum PropertyType
    {
        Invalid, Integer, Float, Enumeration, Boolean, String, Command, Category, Register, Port, EnumEntry,
    }

    /// <summary>struct IC4_INIT_CONFIG (C_InitLibrary.h): three enums, a string pointer and a reserved uint64 that must be 0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InitConfig
    {
        public int ApiLogLevel;
        public int InternalLogLevel;
        public int LogTargets;
        public IntPtr LogFile;
        public ulong Reserved0;
    }

    /// <summary>struct IC4_QUEUESINK_CALLBACKS (C_QueueSink.h): release, sink_connected, sink_disconnected, frames_queued.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct QueueSinkCallbacks
    {
        public delegate* unmanaged<IntPtr, void> Release;
        public delegate* unmanaged<IntPtr, IntPtr, ImageType*, nuint, byte> SinkConnected;
        public delegate* unmanaged<IntPtr, IntPtr, void> SinkDisconnected;
        public delegate* unmanaged<IntPtr, IntPtr, void> FramesQueued;
    }

    /// <summary>struct IC4_ALLOCATOR_CALLBACKS (C_Allocator.h); all null selects the default allocator.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct AllocatorCallbacks
    {
        public IntPtr Release;
        public IntPtr AllocateBuffer;
        public IntPtr FreeBuffer;
    }

    /// <summary>struct IC4_QUEUESINK_CONFIG (C_QueueSink.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct QueueSinkConfig
    {
        public QueueSinkCallbacks Callbacks;
        public IntPtr CallbackContext;
        public int* PixelFormats;
        public nuint NumPixelFormats;
        public AllocatorCallbacks Allocator;
        public IntPtr AllocatorContext;
        public nuint MaxOutputBuffers;
    }

    /// <summary>struct IC4_FRAME_METADATA (C_ImageBuffer.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameMetadata
    {
        public ulong DeviceFrameNumber;
        public ulong DeviceTimestampNs;
    }

    /// <summary>struct IC4_IMAGE_TYPE (C_ImageType.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ImageType
    {
        public int PixelFormat;
        public uint Width;
        public uint Height;
    }

    // C_InitLibrary.h
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_init_library(in InitConfig config);
    [LibraryImport(Lib)] public static partial void ic4_exit_library();

    // C_Error.h
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_get_last_error(out int error, byte* message, ref nuint messageLength);

    // C_DeviceEnum.h
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_devenum_create(out IntPtr enumerator);
    [LibraryImport(Lib)] public static partial void ic4_devenum_unref(IntPtr enumerator);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_devenum_update_device_list(Ic4Handle enumerator);
    [LibraryImport(Lib)] public static partial int ic4_devenum_get_device_count(Ic4Handle enumerator);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_devenum_get_devinfo(Ic4Handle enumerator, int index, out IntPtr info);
    [LibraryImport(Lib)] public static partial void ic4_devinfo_unref(IntPtr info);
    [LibraryImport(Lib)] public static partial IntPtr ic4_devinfo_get_model_name(Ic4Handle info);
    [LibraryImport(Lib)] public static partial IntPtr ic4_devinfo_get_serial(Ic4Handle info);
    [LibraryImport(Lib)] public static partial IntPtr ic4_devinfo_get_unique_name(Ic4Handle info);

    // C_Grabber.h
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_create(out IntPtr grabber);
    [LibraryImport(Lib)] public static partial void ic4_grabber_unref(IntPtr grabber);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_device_open_by_identifier(Ic4Handle grabber, string identifier);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_get_device(Ic4Handle grabber, out IntPtr info);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_device_get_property_map(Ic4Handle grabber, out IntPtr map);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_stream_setup(Ic4Handle grabber, Ic4Handle sink, IntPtr display, [MarshalAs(UnmanagedType.U1)] bool startAcquisition);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_stream_stop(Ic4Handle grabber);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_acquisition_start(Ic4Handle grabber);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_grabber_acquisition_stop(Ic4Handle grabber);

    // C_Sink.h, C_QueueSink.h
    [LibraryImport(Lib)] public static partial void ic4_sink_unref(IntPtr sink);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_queuesink_create(out IntPtr sink, in QueueSinkConfig config);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_queuesink_alloc_and_queue_buffers(IntPtr sink, nuint count);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_queuesink_pop_output_buffer(Ic4Handle sink, out IntPtr buffer);

    // C_ImageBuffer.h (image buffers are held for microseconds on the receive thread: raw pointers, released in finally)
    [LibraryImport(Lib)] public static partial void ic4_imagebuffer_unref(IntPtr buffer);
    [LibraryImport(Lib)] public static partial IntPtr ic4_imagebuffer_get_ptr(IntPtr buffer);
    [LibraryImport(Lib)] public static partial nuint ic4_imagebuffer_get_buffer_size(IntPtr buffer);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_imagebuffer_get_image_type(IntPtr buffer, out ImageType type);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_imagebuffer_get_metadata(IntPtr buffer, out FrameMetadata metadata);

    // C_Properties.h
    [LibraryImport(Lib)] public static partial void ic4_propmap_unref(IntPtr map);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_execute_command(Ic4Handle map, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_get_value_int64(Ic4Handle map, string name, out long value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_get_value_double(Ic4Handle map, string name, out double value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_get_value_bool(Ic4Handle map, string name, [MarshalAs(UnmanagedType.U1)] out bool value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_get_value_string(Ic4Handle map, string name, byte* buffer, ref nuint size);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_set_value_int64(Ic4Handle map, string name, long value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_set_value_double(Ic4Handle map, string name, double value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_set_value_bool(Ic4Handle map, string name, [MarshalAs(UnmanagedType.U1)] bool value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_set_value_string(Ic4Handle map, string name, string value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_find(Ic4Handle map, string name, out IntPtr property);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_propmap_get_all(Ic4Handle map, out IntPtr list);
    [LibraryImport(Lib)] public static partial void ic4_prop_unref(IntPtr property);
    [LibraryImport(Lib)] public static partial PropertyType ic4_prop_get_type(Ic4Handle property);
    [LibraryImport(Lib)] public static partial IntPtr ic4_prop_get_name(Ic4Handle property);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_is_available(Ic4Handle property);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_is_readonly(Ic4Handle property);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_float_get_max(Ic4Handle property, out double maximum);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_enum_get_entries(Ic4Handle property, out IntPtr list);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_enum_set_value(Ic4Handle property, string entry);
    [LibraryImport(Lib)] public static partial IntPtr ic4_prop_enum_get_value(Ic4Handle property);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_prop_enum_get_int_value(Ic4Handle property, out long value);
    [LibraryImport(Lib)] public static partial void ic4_proplist_unref(IntPtr list);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_proplist_size(Ic4Handle list, out nuint size);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool ic4_proplist_at(Ic4Handle list, nuint index, out IntPtr property);

    /// <summary>A UTF-8 string the library owns, or "" for null.</summary>
    public static string Utf8(IntPtr text) => text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text) ?? "";

    /// <summary>Throws the library's last error for <paramref name="function"/> when <paramref name="success"/> is false.</summary>
    /// <exception cref="Ic4Exception">The call failed.</exception>
    public static void Check(bool success, string function)
    {
        if (!success)
            throw Ic4Exception.FromLastError(function);
    }
}

/// <summary>What an <see cref="Ic4Handle"/> releases with (each IC4 object type has its own unref).</summary>
internal enum Ic4HandleKind
{
    DeviceEnum, DeviceInfo, Grabber, PropertyMap, Property, PropertyList, Sink,
}

/// <summary>A reference-counted IC4 object (one reference), released with its type's <c>ic4_*_unref</c>.</summary>
internal sealed class Ic4Handle : SafeHandle
{
    /// <summary>Creates an empty handle (for the marshaller).</summary>
    public Ic4Handle() : base(IntPtr.Zero, ownsHandle: true) { }

    private Ic4Handle(IntPtr pointer, Ic4HandleKind kind) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(pointer);
        Kind = kind;
    }

    /// <summary>The object type.</summary>
    public Ic4HandleKind Kind { get; }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of one reference to <paramref name="pointer"/>.</summary>
    public static Ic4Handle Own(IntPtr pointer, Ic4HandleKind kind) => new(pointer, kind);

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        switch (Kind)
        {
            case Ic4HandleKind.DeviceEnum: Ic4Native.ic4_devenum_unref(handle); break;
            case Ic4HandleKind.DeviceInfo: Ic4Native.ic4_devinfo_unref(handle); break;
            case Ic4HandleKind.Grabber: Ic4Native.ic4_grabber_unref(handle); break;
            case Ic4HandleKind.PropertyMap: Ic4Native.ic4_propmap_unref(handle); break;
            case Ic4HandleKind.Property: Ic4Native.ic4_prop_unref(handle); break;
            case Ic4HandleKind.PropertyList: Ic4Native.ic4_proplist_unref(handle); break;
            case Ic4HandleKind.Sink: Ic4Native.ic4_sink_unref(handle); break;
        }
        return true;
    }
}
