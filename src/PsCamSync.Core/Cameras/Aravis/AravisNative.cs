using System.Runtime.InteropServices;

namespace PsCamSync.Core.Cameras.Aravis;

/// <summary>
/// The libaravis-0.8 and GLib/GObject calls the Aravis backend uses, declared from the 0.8.26 headers
/// (<c>/usr/include/aravis-0.8</c>: arvsystem.h, arvcamera.h, arvdevice.h, arvstream.h, arvbuffer.h, arvgc*.h).
/// Layouts hold on 64-bit Linux (x86_64 and aarch64): pointers and <c>size_t</c> are 8 bytes, <c>gboolean</c>,
/// <c>gint</c> and enums are 4, <c>GType</c> is <c>gsize</c>. Every <c>GError**</c> is an <c>out IntPtr</c> the
/// caller turns into an exception with <see cref="TakeError"/>. Returned <c>const char*</c> strings are owned by
/// Aravis and are read with <see cref="Utf8"/>, never freed here.
/// </summary>
internal static unsafe partial class AravisNative
{
    /// <summary>The soname Debian's libaravis-0.8-0 installs.</summary>
    public const string Lib = "libaravis-0.8.so.0";
    public const string GObject = "libgobject-2.0.so.0";
    public const string GLib = "libglib-2.0.so.0";

    // ArvBufferStatus (arvbuffer.h).
    public const int BufferStatusUnknown = -1;
    public const int BufferStatusSuccess = 0;
    public const int BufferStatusCleared = 1;
    public const int BufferStatusTimeout = 2;
    public const int BufferStatusMissingPackets = 3;
    public const int BufferStatusWrongPacketId = 4;
    public const int BufferStatusSizeMismatch = 5;
    public const int BufferStatusFilling = 6;
    public const int BufferStatusAborted = 7;

    // ArvBufferPayloadType (arvbuffer.h).
    public const int PayloadTypeImage = 0x0001;
    public const int PayloadTypeExtendedChunkData = 0x0005;
    public const int PayloadTypeMultipart = 0x000a;

    // ArvBufferPartDataType (arvbuffer.h).
    public const int PartDataType2DImage = 0x0001;

    /// <summary>
    /// IP + UDP + GVSP header bytes of a GVSP data packet (ARV_GVSP_PACKET_PROTOCOL_OVERHEAD in arvgvspprivate.h):
    /// 20 + 8 + 8 with 16-bit block ids, 20 + 8 + 20 with extended (64-bit) ids.
    /// </summary>
    public const int GvspPacketOverhead = 36;
    public const int GvspExtendedPacketOverhead = 48;

    /// <summary>GLib's G_TYPE_UINT (G_TYPE_MAKE_FUNDAMENTAL (7)).</summary>
    public const nuint GTypeUInt = 7 << 2;

    /// <summary>Layout of GLib's <c>GValue</c>: { GType g_type; union data[2]; } (24 bytes on 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GValue
    {
        public nuint Type;
        public ulong Data0;
        public ulong Data1;
    }

    // ArvDeviceError (arvdevice.h).
    public const int DeviceErrorNotFound = 6;

    /// <summary>Layout of GLib's <c>GError</c>: { GQuark domain; gint code; gchar *message; }.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct GError
    {
        public uint Domain;
        public int Code;
        public IntPtr Message;
    }

    /// <summary>Reads a GError's code and message and frees it; (0, null) when <paramref name="error"/> is null.</summary>
    public static (int Code, string? Message) TakeError(IntPtr error)
    {
        if (error == IntPtr.Zero)
            return (0, null);
        var e = *(GError*)error;
        var message = Marshal.PtrToStringUTF8(e.Message) ?? "(no message)";
        g_error_free(error);
        return (e.Code, message);
    }

    /// <summary>A borrowed UTF-8 C string, or "" for NULL.</summary>
    public static string Utf8(IntPtr text) => text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text) ?? "";

    // --- GLib / GObject -------------------------------------------------------------------------

    [LibraryImport(GObject)]
    public static partial void g_object_unref(IntPtr instance);

    [LibraryImport(GObject)]
    public static partial int g_type_check_instance_is_a(IntPtr instance, nuint type);

    [LibraryImport(GLib)]
    public static partial void g_error_free(IntPtr error);

    [LibraryImport(GObject)]
    public static partial GValue* g_value_init(GValue* value, nuint type);

    [LibraryImport(GObject)]
    public static partial uint g_value_get_uint(GValue* value);

    [LibraryImport(GObject)]
    public static partial void g_value_unset(GValue* value);

    [LibraryImport(GObject)]
    public static partial IntPtr g_object_class_find_property(IntPtr objectClass, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [LibraryImport(GObject, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void g_object_get_property(IntPtr instance, string name, GValue* value);

    // --- arvsystem.h ----------------------------------------------------------------------------

    [LibraryImport(Lib)]
    public static partial void arv_update_device_list();

    [LibraryImport(Lib)]
    public static partial uint arv_get_n_devices();

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_id(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_physical_id(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_address(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_vendor(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_model(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_serial_nbr(uint index);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_get_device_protocol(uint index);

    // --- arvcamera.h ----------------------------------------------------------------------------

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr arv_camera_new(string name, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_get_device(IntPtr camera);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_create_stream(IntPtr camera, IntPtr callback, IntPtr userData, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_get_vendor_name(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_get_model_name(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_get_device_serial_number(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial uint arv_camera_get_pixel_format(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_camera_get_pixel_format_as_string(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial void arv_camera_get_region(IntPtr camera, out int x, out int y, out int width, out int height, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial void arv_camera_start_acquisition(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial void arv_camera_stop_acquisition(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_camera_set_trigger(IntPtr camera, string source, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial int arv_camera_is_software_trigger_supported(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial void arv_camera_software_trigger(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial void arv_camera_set_exposure_time(IntPtr camera, double exposureTimeUs, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial double arv_camera_get_exposure_time(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial uint arv_camera_get_payload(IntPtr camera, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial int arv_camera_is_gv_device(IntPtr camera);

    // --- arvgvdevice.h --------------------------------------------------------------------------

    /// <summary>GevSCPSPacketSize: the GVSP packet size in bytes, which Aravis' stream uses to place data blocks.</summary>
    [LibraryImport(Lib)]
    public static partial uint arv_gv_device_get_packet_size(IntPtr gvDevice, out IntPtr error);

    // --- arvdevice.h ----------------------------------------------------------------------------

    [LibraryImport(Lib)]
    public static partial IntPtr arv_device_get_genicam(IntPtr device);

    /// <summary>The device's GenICam XML (borrowed, <paramref name="size"/> bytes, not NUL-terminated for sure; already
    /// unzipped by Aravis), or NULL.</summary>
    [LibraryImport(Lib)]
    public static partial IntPtr arv_device_get_genicam_xml(IntPtr device, out nuint size);

    /// <summary>One 32-bit register write: for a GigE Vision device a GVCP WRITEREG_CMD (the value goes on the wire
    /// big-endian), acknowledged, under the device's own I/O mutex; no GenICam node is evaluated.</summary>
    [LibraryImport(Lib)]
    public static partial int arv_device_write_register(IntPtr device, ulong address, uint value, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr arv_device_get_feature(IntPtr device, string feature);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_execute_command(IntPtr device, string feature, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_set_boolean_feature_value(IntPtr device, string feature, int value, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int arv_device_get_boolean_feature_value(IntPtr device, string feature, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_set_string_feature_value(IntPtr device, string feature, string value, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr arv_device_get_string_feature_value(IntPtr device, string feature, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_set_integer_feature_value(IntPtr device, string feature, long value, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long arv_device_get_integer_feature_value(IntPtr device, string feature, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_set_float_feature_value(IntPtr device, string feature, double value, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial double arv_device_get_float_feature_value(IntPtr device, string feature, out IntPtr error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void arv_device_get_float_feature_bounds(IntPtr device, string feature, out double min, out double max, out IntPtr error);

    // --- arvgc.h, arvgcfeaturenode.h, arvgccategory.h and the node type getters -----------------

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr arv_gc_get_node(IntPtr genicam, string name);

    /// <summary>The address of a register node (<c>ArvGcRegister</c>), with its pAddress/SwissKnife terms evaluated.</summary>
    [LibraryImport(Lib)]
    public static partial ulong arv_gc_register_get_address(IntPtr register, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_int_reg_node_get_type();

    /// <summary>Returns a borrowed <c>const GSList*</c> of borrowed <c>char*</c> feature names.</summary>
    [LibraryImport(Lib)]
    public static partial IntPtr arv_gc_category_get_features(IntPtr category);

    [LibraryImport(Lib)]
    public static partial int arv_gc_feature_node_is_implemented(IntPtr node, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial int arv_gc_feature_node_is_available(IntPtr node, out IntPtr error);

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_feature_node_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_category_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_enumeration_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_boolean_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_command_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_float_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_integer_get_type();

    [LibraryImport(Lib)]
    public static partial nuint arv_gc_string_get_type();

    /// <summary>Layout of GLib's <c>GSList</c>: { gpointer data; GSList *next; }.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GSList
    {
        public IntPtr Data;
        public IntPtr Next;
    }

    // --- arvstream.h ----------------------------------------------------------------------------

    [LibraryImport(Lib)]
    public static partial void arv_stream_push_buffer(IntPtr stream, IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_stream_timeout_pop_buffer(IntPtr stream, ulong timeoutUs);

    [LibraryImport(Lib)]
    public static partial void arv_stream_get_statistics(IntPtr stream, out ulong completedBuffers, out ulong failures, out ulong underruns);

    // --- arvbuffer.h ----------------------------------------------------------------------------

    [LibraryImport(Lib)]
    public static partial IntPtr arv_buffer_new_allocate(nuint size);

    [LibraryImport(Lib)]
    public static partial int arv_buffer_get_status(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial ulong arv_buffer_get_timestamp(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial ulong arv_buffer_get_system_timestamp(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial ulong arv_buffer_get_frame_id(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial int arv_buffer_get_payload_type(IntPtr buffer);

    /// <summary>The buffer's whole data area (no CRITICAL for any status); <paramref name="size"/> is only meaningful
    /// after a successful fill: Aravis 0.8 sets received_size only then.</summary>
    [LibraryImport(Lib)]
    public static partial IntPtr arv_buffer_get_data(IntPtr buffer, out nuint size);

    [LibraryImport(Lib)]
    public static partial void arv_buffer_set_frame_id(IntPtr buffer, ulong frameId);

    [LibraryImport(Lib)]
    public static partial void arv_buffer_set_timestamp(IntPtr buffer, ulong timestampNs);

    [LibraryImport(Lib)]
    public static partial void arv_buffer_set_system_timestamp(IntPtr buffer, ulong timestampNs);

    [LibraryImport(Lib)]
    public static partial uint arv_buffer_get_n_parts(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial int arv_buffer_get_part_data_type(IntPtr buffer, uint partId);

    [LibraryImport(Lib)]
    public static partial IntPtr arv_buffer_get_image_data(IntPtr buffer, out nuint size);

    [LibraryImport(Lib)]
    public static partial uint arv_buffer_get_image_pixel_format(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial int arv_buffer_get_image_width(IntPtr buffer);

    [LibraryImport(Lib)]
    public static partial int arv_buffer_get_image_height(IntPtr buffer);
}
