/* Declarations of the IC Imaging Control 4 C API (libic4core) that PsCamSync binds, written from the published headers
 * include/ic4/C_*.h (JanAllm/looschen-datenbereitstellung @ f69a5c7c21b0b92026a34fe35e9f10f1f47c0da1, which vendors
 * The Imaging Source's ic4 headers): same names, signatures, enum values and struct layouts. */
#ifndef PSCAMSYNC_IC4_DECLS_H
#define PSCAMSYNC_IC4_DECLS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IC4CORE_API __attribute__((visibility("default")))

enum IC4_ERROR {
    IC4_ERROR_NOERROR = 0, IC4_ERROR_UNKNOWN = 1, IC4_ERROR_INTERNAL = 2, IC4_ERROR_INVALID_OPERATION = 3,
    IC4_ERROR_OUT_OF_MEMORY = 4, IC4_ERROR_LIBRARY_NOT_INITIALIZED = 5, IC4_ERROR_DRIVER_ERROR = 6,
    IC4_ERROR_INVALID_PARAM_VAL = 7, IC4_ERROR_CONVERSION_NOT_SUPPORTED = 8, IC4_ERROR_NO_DATA = 9,
    IC4_ERROR_GENICAM_FEATURE_NOT_FOUND = 101, IC4_ERROR_GENICAM_DEVICE_ERROR = 102, IC4_ERROR_GENICAM_TYPE_MISMATCH = 103,
    IC4_ERROR_GENICAM_ACCESS_DENIED = 106, IC4_ERROR_GENICAM_NOT_IMPLEMENTED = 107, IC4_ERROR_GENICAM_VALUE_ERROR = 108,
    IC4_ERROR_GENICAM_CHUNKDATA_NOT_CONNECTED = 109, IC4_ERROR_BUFFER_TOO_SMALL = 50, IC4_ERROR_SINK_TYPE_MISMATCH = 52,
    IC4_ERROR_SNAP_ABORTED = 53, IC4_ERROR_FILE_FAILED_TO_WRITE_DATA = 201, IC4_ERROR_FILE_ACCESS_DENIED = 202,
    IC4_ERROR_FILE_PATH_NOT_FOUND = 203, IC4_ERROR_FILE_FAILED_TO_READ_DATA = 204, IC4_ERROR_DEVICE_INVALID = 13,
    IC4_ERROR_DEVICE_NOT_FOUND = 16, IC4_ERROR_DEVICE_ERROR = 17, IC4_ERROR_AMBIGUOUS = 18, IC4_ERROR_PARSE_ERROR = 21,
    IC4_ERROR_TIMEOUT = 27, IC4_ERROR_INCOMPLETE = 34, IC4_ERROR_SINK_NOT_CONNECTED = 38, IC4_ERROR_IMAGETYPE_MISMATCH = 39,
    IC4_ERROR_SINK_ALREADY_ATTACHED = 40, IC4_ERROR_SINK_CONNECT_ABORTED = 41, IC4_ERROR_HANDLER_ALREADY_REGISTERED = 60,
    IC4_ERROR_HANDLER_NOT_FOUND = 61,
};

enum IC4_LOG_LEVEL { IC4_LOG_OFF, IC4_LOG_ERROR, IC4_LOG_WARN, IC4_LOG_INFO, IC4_LOG_DEBUG, IC4_LOG_TRACE };
enum IC4_LOG_TARGET_FLAGS { IC4_LOGTARGET_DISABLE = 0, IC4_LOGTARGET_STDOUT = 1, IC4_LOGTARGET_STDERR = 2, IC4_LOGTARGET_FILE = 4, IC4_LOGTARGET_WINDEBUG = 8 };
struct IC4_INIT_CONFIG {
    enum IC4_LOG_LEVEL api_log_level;
    enum IC4_LOG_LEVEL internal_log_level;
    enum IC4_LOG_TARGET_FLAGS log_targets;
    const char* log_file;
    uint64_t reserved0;
};

enum IC4_PIXEL_FORMAT { IC4_PIXEL_FORMAT_Unspecified = 0, IC4_PIXEL_FORMAT_Mono8 = 0x01080001, IC4_PIXEL_FORMAT_Invalid = -1 };
struct IC4_IMAGE_TYPE { enum IC4_PIXEL_FORMAT pixel_format; uint32_t width; uint32_t height; };
struct IC4_FRAME_METADATA { uint64_t device_frame_number; uint64_t device_timestamp_ns; };

enum IC4_PROPERTY_TYPE {
    IC4_PROPTYPE_INVALID, IC4_PROPTYPE_INTEGER, IC4_PROPTYPE_FLOAT, IC4_PROPTYPE_ENUMERATION, IC4_PROPTYPE_BOOLEAN,
    IC4_PROPTYPE_STRING, IC4_PROPTYPE_COMMAND, IC4_PROPTYPE_CATEGORY, IC4_PROPTYPE_REGISTER, IC4_PROPTYPE_PORT, IC4_PROPTYPE_ENUMENTRY,
};

struct IC4_DEVICE_ENUM; struct IC4_DEVICE_INFO; struct IC4_GRABBER; struct IC4_SINK; struct IC4_DISPLAY;
struct IC4_PROPERTY_MAP; struct IC4_PROPERTY; struct IC4_PROPERTY_LIST; struct IC4_IMAGE_BUFFER;

struct IC4_ALLOCATOR_CALLBACKS {
    void (*release)(void* context);
    bool (*allocate_buffer)(void* context, size_t buffer_size, size_t alignment, void** buffer_ptr, void** user_data);
    void (*free_buffer)(void* context, void* buffer_ptr, void* user_data);
};
struct IC4_QUEUESINK_CALLBACKS {
    void (*release)(void* context);
    bool (*sink_connected)(struct IC4_SINK* sink, void* context, const struct IC4_IMAGE_TYPE* image_type, size_t min_buffers_required);
    void (*sink_disconnected)(struct IC4_SINK* sink, void* context);
    void (*frames_queued)(struct IC4_SINK* sink, void* context);
};
struct IC4_QUEUESINK_CONFIG {
    struct IC4_QUEUESINK_CALLBACKS callbacks;
    void* callback_context;
    const enum IC4_PIXEL_FORMAT* pixel_formats;
    size_t num_pixel_formats;
    struct IC4_ALLOCATOR_CALLBACKS allocator;
    void* allocator_context;
    size_t max_output_buffers;
};

/* C_InitLibrary.h */
IC4CORE_API bool ic4_init_library(const struct IC4_INIT_CONFIG* init_config);
IC4CORE_API void ic4_exit_library(void);
/* C_Error.h */
IC4CORE_API bool ic4_get_last_error(enum IC4_ERROR* pError, char* message, size_t* message_length);
/* C_DeviceEnum.h */
IC4CORE_API bool ic4_devenum_create(struct IC4_DEVICE_ENUM** ppEnumerator);
IC4CORE_API void ic4_devenum_unref(struct IC4_DEVICE_ENUM* pEnumerator);
IC4CORE_API bool ic4_devenum_update_device_list(struct IC4_DEVICE_ENUM* pEnumerator);
IC4CORE_API int ic4_devenum_get_device_count(const struct IC4_DEVICE_ENUM* pEnumerator);
IC4CORE_API bool ic4_devenum_get_devinfo(const struct IC4_DEVICE_ENUM* pEnumerator, int index, struct IC4_DEVICE_INFO** ppInfo);
IC4CORE_API void ic4_devinfo_unref(struct IC4_DEVICE_INFO* pInfo);
IC4CORE_API const char* ic4_devinfo_get_model_name(const struct IC4_DEVICE_INFO* pInfo);
IC4CORE_API const char* ic4_devinfo_get_serial(const struct IC4_DEVICE_INFO* pInfo);
IC4CORE_API const char* ic4_devinfo_get_unique_name(const struct IC4_DEVICE_INFO* pInfo);
/* C_Grabber.h */
IC4CORE_API bool ic4_grabber_create(struct IC4_GRABBER** ppGrabber);
IC4CORE_API void ic4_grabber_unref(struct IC4_GRABBER* pGrabber);
IC4CORE_API bool ic4_grabber_device_open_by_identifier(struct IC4_GRABBER* pGrabber, const char* identifier);
IC4CORE_API bool ic4_grabber_get_device(struct IC4_GRABBER* pGrabber, struct IC4_DEVICE_INFO** ppDev);
IC4CORE_API bool ic4_grabber_device_get_property_map(struct IC4_GRABBER* pGrabber, struct IC4_PROPERTY_MAP** ppPropertyMap);
IC4CORE_API bool ic4_grabber_stream_setup(struct IC4_GRABBER* pGrabber, struct IC4_SINK* sink, struct IC4_DISPLAY* display, bool start_acquisition);
IC4CORE_API bool ic4_grabber_stream_stop(struct IC4_GRABBER* pGrabber);
IC4CORE_API bool ic4_grabber_acquisition_start(struct IC4_GRABBER* pGrabber);
IC4CORE_API bool ic4_grabber_acquisition_stop(struct IC4_GRABBER* pGrabber);
/* C_Sink.h / C_QueueSink.h */
IC4CORE_API void ic4_sink_unref(struct IC4_SINK* pSink);
IC4CORE_API bool ic4_queuesink_create(struct IC4_SINK** ppSink, const struct IC4_QUEUESINK_CONFIG* config);
IC4CORE_API bool ic4_queuesink_alloc_and_queue_buffers(struct IC4_SINK* pSink, size_t num_buffers);
IC4CORE_API bool ic4_queuesink_pop_output_buffer(struct IC4_SINK* pSink, struct IC4_IMAGE_BUFFER** ppImageBuffer);
/* C_ImageBuffer.h */
IC4CORE_API void ic4_imagebuffer_unref(struct IC4_IMAGE_BUFFER* pImageBuffer);
IC4CORE_API void* ic4_imagebuffer_get_ptr(const struct IC4_IMAGE_BUFFER* pImageBuffer);
IC4CORE_API size_t ic4_imagebuffer_get_buffer_size(const struct IC4_IMAGE_BUFFER* pImageBuffer);
IC4CORE_API bool ic4_imagebuffer_get_image_type(const struct IC4_IMAGE_BUFFER* pImageBuffer, struct IC4_IMAGE_TYPE* image_type);
IC4CORE_API bool ic4_imagebuffer_get_metadata(const struct IC4_IMAGE_BUFFER* pImageBuffer, struct IC4_FRAME_METADATA* metadata);
/* C_Properties.h */
IC4CORE_API void ic4_propmap_unref(struct IC4_PROPERTY_MAP* map);
IC4CORE_API bool ic4_propmap_execute_command(struct IC4_PROPERTY_MAP* map, const char* prop_name);
IC4CORE_API bool ic4_propmap_get_value_int64(struct IC4_PROPERTY_MAP* map, const char* prop_name, int64_t* pValue);
IC4CORE_API bool ic4_propmap_get_value_double(struct IC4_PROPERTY_MAP* map, const char* prop_name, double* pValue);
IC4CORE_API bool ic4_propmap_get_value_bool(struct IC4_PROPERTY_MAP* map, const char* prop_name, bool* pValue);
IC4CORE_API bool ic4_propmap_get_value_string(struct IC4_PROPERTY_MAP* map, const char* prop_name, char* buffer, size_t* buffer_size);
IC4CORE_API bool ic4_propmap_set_value_int64(struct IC4_PROPERTY_MAP* map, const char* prop_name, int64_t value);
IC4CORE_API bool ic4_propmap_set_value_double(struct IC4_PROPERTY_MAP* map, const char* prop_name, double value);
IC4CORE_API bool ic4_propmap_set_value_bool(struct IC4_PROPERTY_MAP* map, const char* prop_name, bool value);
IC4CORE_API bool ic4_propmap_set_value_string(struct IC4_PROPERTY_MAP* map, const char* prop_name, const char* value);
IC4CORE_API bool ic4_propmap_find(struct IC4_PROPERTY_MAP* map, const char* prop_name, struct IC4_PROPERTY** ppProperty);
IC4CORE_API bool ic4_propmap_get_all(struct IC4_PROPERTY_MAP* map, struct IC4_PROPERTY_LIST** ppList);
IC4CORE_API void ic4_prop_unref(struct IC4_PROPERTY* prop);
IC4CORE_API enum IC4_PROPERTY_TYPE ic4_prop_get_type(struct IC4_PROPERTY* prop);
IC4CORE_API const char* ic4_prop_get_name(struct IC4_PROPERTY* prop);
IC4CORE_API bool ic4_prop_is_available(struct IC4_PROPERTY* prop);
IC4CORE_API bool ic4_prop_is_readonly(struct IC4_PROPERTY* prop);
IC4CORE_API bool ic4_prop_float_get_max(struct IC4_PROPERTY* prop, double* pMaximum);
IC4CORE_API bool ic4_prop_enum_get_entries(struct IC4_PROPERTY* prop, struct IC4_PROPERTY_LIST** ppList);
IC4CORE_API bool ic4_prop_enum_set_value(struct IC4_PROPERTY* prop, const char* entry_name);
IC4CORE_API const char* ic4_prop_enum_get_value(struct IC4_PROPERTY* prop);
IC4CORE_API bool ic4_prop_enum_get_int_value(struct IC4_PROPERTY* prop, int64_t* pValue);
IC4CORE_API void ic4_proplist_unref(struct IC4_PROPERTY_LIST* list);
IC4CORE_API bool ic4_proplist_size(struct IC4_PROPERTY_LIST* list, size_t* size);
IC4CORE_API bool ic4_proplist_at(struct IC4_PROPERTY_LIST* list, size_t index, struct IC4_PROPERTY** ppProperty);
#endif
