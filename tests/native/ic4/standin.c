/* Stand-in for The Imaging Source's IC Imaging Control 4 core library (libic4core.so), for PsCamSync's tests: the C API
 * declared in ic4_decls.h (from the published headers), behaving like N USB3 Vision cameras.
 *
 * Cameras: env PSCAMSYNC_STANDIN_IC4_CAMERAS (default 2) or standin_set_cameras(); serials 41000001, 41000002, ...;
 * model "DFK 33UX252-SI", unique name "USB3Vision-<serial>". Device clock: CLOCK_REALTIME ns + (index+1) µs.
 * Features (SFNC names): Width/Height (int), PixelFormat (enum Mono8), PayloadSize, AcquisitionMode (Continuous),
 * AcquisitionStart/Stop, AcquisitionFrameRate (Hz, max 300), ExposureTime (µs), TriggerSelector (FrameStart),
 * TriggerMode (Off/On), TriggerSource (Software/Action0), TriggerSoftware, TimestampLatch/TimestampLatchValue, PtpEnable,
 * PtpStatus (Disabled, Slave once enabled), PtpDataSetLatch, PtpOffsetFromMaster, PtpClockID, PtpGrandmasterClockID,
 * PtpParentClockID, ActionDeviceKey/ActionSelector/ActionGroupKey/ActionGroupMask, ActionSchedulerTime (ns),
 * ActionSchedulerInterval (µs), ActionSchedulerCommit/Cancel, ActionSchedulerStatus, DeviceVendorName/ModelName/
 * SerialNumber (string, read-only), DeviceUserID (string).
 * A frame's exposure starts at its trigger (software: the call + 10 µs; scheduler: its fire time; free-run: the grid);
 * the camera is busy for ExposureTime + 3 ms readout, triggers then are ignored; the frame is queued when readout ends.
 * Like IC4, incomplete frames are never delivered: every Nth exposure (env PSCAMSYNC_STANDIN_IC4_INCOMPLETE_EVERY or
 * standin_set_incomplete_every) is dropped and counted (standin_counter("incomplete")), its frame number skipped.
 * Pixels (Mono8): byte 0 = 0xA5, byte 1 = camera index, bytes 2..9 = device frame number (little endian), then
 * (index*31 + frame + i) & 0xFF.
 * Faults: env PSCAMSYNC_STANDIN_IC4_FAIL="function:error[:count]" or standin_fail(function, error, count); standin_vanish(k)
 * makes camera k stop answering (IC4_ERROR_DEVICE_INVALID from then on, no frames). Counters: standin_live(kind),
 * standin_counter(name), standin_log (init/exit order). Layout checks: standin_sizeof / standin_offsetof. */
#define _GNU_SOURCE
#include "ic4_decls.h"
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXCAM 8
#define READOUT_NS 3000000LL
#define TRIGGER_LATENCY_NS 10000LL

/* ---------- errors ---------- */
static __thread int t_err;
static __thread char t_msg[512];
static bool fail(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(int code, const char* fmt, ...)
{
    va_list ap; va_start(ap, fmt); vsnprintf(t_msg, sizeof t_msg, fmt, ap); va_end(ap);
    t_err = code; return false;
}
static bool ok(void) { t_err = 0; t_msg[0] = 0; return true; }

IC4CORE_API bool ic4_get_last_error(enum IC4_ERROR* pError, char* message, size_t* message_length)
{
    if (!pError) return false;
    if (message && !message_length) return false;
    size_t need = strlen(t_msg) + 1;
    if (message && *message_length < need) { *message_length = need; return false; }
    *pError = (enum IC4_ERROR)t_err;
    if (message_length) *message_length = need;
    if (message) memcpy(message, t_msg, need);
    return true;
}

/* ---------- global state ---------- */
enum kind { K_DEVENUM, K_DEVINFO, K_GRABBER, K_PROPMAP, K_PROP, K_PROPLIST, K_SINK, K_IMAGEBUFFER, K_COUNT };
static const char* kind_names[K_COUNT] = { "devenum", "devinfo", "grabber", "propmap", "prop", "proplist", "sink", "imagebuffer" };
static atomic_long live[K_COUNT];
static atomic_long c_ignored, c_incomplete, c_underrun, c_delivered, c_triggers;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_init;
static int g_cameras = -1;
static int g_incomplete_every;
static char g_log[4096];
static char g_fail_fn[128]; static int g_fail_err; static int g_fail_count;

IC4CORE_API void standin_fail(const char* function, int error, int count)
{
    pthread_mutex_lock(&g_lock);
    snprintf(g_fail_fn, sizeof g_fail_fn, "%s", function ? function : "");
    g_fail_err = error; g_fail_count = count;
    pthread_mutex_unlock(&g_lock);
}
/* True (with the error set) when a fault was injected for this function. */
static bool injected(const char* fn)
{
    bool hit = false;
    pthread_mutex_lock(&g_lock);
    if (g_fail_count != 0 && strcmp(g_fail_fn, fn) == 0) {
        hit = true;
        if (g_fail_count > 0) g_fail_count--;
    }
    int err = g_fail_err;
    pthread_mutex_unlock(&g_lock);
    if (hit) fail(err, "stand-in: injected failure of %s", fn);
    return hit;
}
#define CHECK_INIT(fn) do { if (!g_init) return fail(IC4_ERROR_LIBRARY_NOT_INITIALIZED, "%s: ic4_init_library has not been called", fn); if (injected(fn)) return false; } while (0)

static void log_event(const char* what)
{
    pthread_mutex_lock(&g_lock);
    size_t n = strlen(g_log);
    snprintf(g_log + n, sizeof g_log - n, "%s%s", n ? "," : "", what);
    pthread_mutex_unlock(&g_lock);
}

static int64_t realtime_ns(void)
{
    struct timespec ts; clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------- features ---------- */
enum feat {
    F_VENDOR, F_MODEL, F_SERIAL, F_USERID, F_WIDTH, F_HEIGHT, F_PIXFMT, F_PAYLOAD, F_ACQMODE, F_ACQSTART, F_ACQSTOP,
    F_FPS, F_EXPOSURE, F_TRIGSEL, F_TRIGMODE, F_TRIGSRC, F_TRIGSW, F_TSLATCH, F_TSLATCHVAL, F_PTPENABLE, F_PTPSTATUS,
    F_PTPLATCH, F_PTPOFFSET, F_PTPCLOCK, F_PTPGM, F_PTPPARENT, F_ADEVKEY, F_ASEL, F_AGRPKEY, F_AGRPMASK, F_SCHEDTIME,
    F_SCHEDINT, F_SCHEDCOMMIT, F_SCHEDCANCEL, F_SCHEDSTATUS, F_GEVIP, F_COUNT
};
static const char* const E_PIXFMT[] = { "Mono8", NULL };
static const char* const E_ACQMODE[] = { "Continuous", NULL };
static const char* const E_TRIGSEL[] = { "FrameStart", NULL };
static const char* const E_ONOFF[] = { "Off", "On", NULL };
static const char* const E_TRIGSRC[] = { "Software", "Action0", NULL };
static const char* const E_PTPSTATUS[] = { "Disabled", "Listening", "Slave", NULL };
static const struct fdesc { const char* name; enum IC4_PROPERTY_TYPE type; bool ro; const char* const* entries; } FD[F_COUNT] = {
    [F_VENDOR] = { "DeviceVendorName", IC4_PROPTYPE_STRING, true, NULL },
    [F_MODEL] = { "DeviceModelName", IC4_PROPTYPE_STRING, true, NULL },
    [F_SERIAL] = { "DeviceSerialNumber", IC4_PROPTYPE_STRING, true, NULL },
    [F_USERID] = { "DeviceUserID", IC4_PROPTYPE_STRING, false, NULL },
    [F_WIDTH] = { "Width", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_HEIGHT] = { "Height", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_PIXFMT] = { "PixelFormat", IC4_PROPTYPE_ENUMERATION, false, E_PIXFMT },
    [F_PAYLOAD] = { "PayloadSize", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_ACQMODE] = { "AcquisitionMode", IC4_PROPTYPE_ENUMERATION, false, E_ACQMODE },
    [F_ACQSTART] = { "AcquisitionStart", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_ACQSTOP] = { "AcquisitionStop", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_FPS] = { "AcquisitionFrameRate", IC4_PROPTYPE_FLOAT, false, NULL },
    [F_EXPOSURE] = { "ExposureTime", IC4_PROPTYPE_FLOAT, false, NULL },
    [F_TRIGSEL] = { "TriggerSelector", IC4_PROPTYPE_ENUMERATION, false, E_TRIGSEL },
    [F_TRIGMODE] = { "TriggerMode", IC4_PROPTYPE_ENUMERATION, false, E_ONOFF },
    [F_TRIGSRC] = { "TriggerSource", IC4_PROPTYPE_ENUMERATION, false, E_TRIGSRC },
    [F_TRIGSW] = { "TriggerSoftware", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_TSLATCH] = { "TimestampLatch", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_TSLATCHVAL] = { "TimestampLatchValue", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_PTPENABLE] = { "PtpEnable", IC4_PROPTYPE_BOOLEAN, false, NULL },
    [F_PTPSTATUS] = { "PtpStatus", IC4_PROPTYPE_ENUMERATION, true, E_PTPSTATUS },
    [F_PTPLATCH] = { "PtpDataSetLatch", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_PTPOFFSET] = { "PtpOffsetFromMaster", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_PTPCLOCK] = { "PtpClockID", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_PTPGM] = { "PtpGrandmasterClockID", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_PTPPARENT] = { "PtpParentClockID", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_ADEVKEY] = { "ActionDeviceKey", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_ASEL] = { "ActionSelector", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_AGRPKEY] = { "ActionGroupKey", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_AGRPMASK] = { "ActionGroupMask", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_SCHEDTIME] = { "ActionSchedulerTime", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_SCHEDINT] = { "ActionSchedulerInterval", IC4_PROPTYPE_INTEGER, false, NULL },
    [F_SCHEDCOMMIT] = { "ActionSchedulerCommit", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_SCHEDCANCEL] = { "ActionSchedulerCancel", IC4_PROPTYPE_COMMAND, false, NULL },
    [F_SCHEDSTATUS] = { "ActionSchedulerStatus", IC4_PROPTYPE_INTEGER, true, NULL },
    [F_GEVIP] = { "GevCurrentIPAddress", IC4_PROPTYPE_INTEGER, true, NULL }, /* GigE Vision cameras only (standin_set_gige) */
};

struct sink;
struct cam {
    int index; char serial[16]; char unique[48]; int64_t offset_ns;
    pthread_mutex_t lock; pthread_cond_t cond;
    int open_gen; bool opened; bool lost; bool gige;
    int64_t iv[F_COUNT]; double dv[F_COUNT]; char userid[64];
    /* stream */
    struct sink* sink; bool acquiring; bool worker_stop; bool worker_running; pthread_t worker;
    int64_t busy_until, next_free, sched_next; bool sched_armed;
    /* exposures whose readout has not been delivered yet (the sensor is free again once busy_until passes, whatever the
     * worker thread's timeliness) */
    int ninflight; uint64_t inflight_fn[8]; int64_t inflight_ts[8], inflight_at[8];
    uint64_t frame_number;
};
static struct cam g_cam[MAXCAM];

static int64_t devnow(const struct cam* c) { return realtime_ns() + c->offset_ns; }

static void cam_defaults(struct cam* c, int k)
{
    memset(c->iv, 0, sizeof c->iv); memset(c->dv, 0, sizeof c->dv);
    c->index = k; c->offset_ns = 1000LL * (k + 1);
    snprintf(c->serial, sizeof c->serial, "4100%04d", k + 1);
    snprintf(c->unique, sizeof c->unique, "USB3Vision-%s", c->serial);
    c->userid[0] = 0;
    c->iv[F_WIDTH] = 64; c->iv[F_HEIGHT] = 48; c->iv[F_TRIGMODE] = 0;
    c->dv[F_FPS] = 30; c->dv[F_EXPOSURE] = 2000;
    c->iv[F_PTPCLOCK] = 0x00070DFFFE000000LL + k; c->iv[F_PTPGM] = 0x00163EFFFE000001LL; c->iv[F_PTPPARENT] = 0x00163EFFFE000001LL;
    c->iv[F_ASEL] = 0; c->gige = false;
}

static void ensure_cameras(void)
{
    if (g_cameras >= 0) return;
    const char* e = getenv("PSCAMSYNC_STANDIN_IC4_CAMERAS");
    int n = e ? atoi(e) : 2;
    if (n < 0) n = 0;
    if (n > MAXCAM) n = MAXCAM;
    g_cameras = n;
    for (int k = 0; k < MAXCAM; k++) {
        pthread_mutex_init(&g_cam[k].lock, NULL); pthread_cond_init(&g_cam[k].cond, NULL);
        cam_defaults(&g_cam[k], k);
    }
}

/* ---------- test-only exports ---------- */
IC4CORE_API long standin_live(const char* kind)
{
    for (int i = 0; i < K_COUNT; i++) if (strcmp(kind, kind_names[i]) == 0) return atomic_load(&live[i]);
    return -1;
}
IC4CORE_API long standin_counter(const char* name)
{
    if (strcmp(name, "ignored") == 0) return atomic_load(&c_ignored);
    if (strcmp(name, "incomplete") == 0) return atomic_load(&c_incomplete);
    if (strcmp(name, "underrun") == 0) return atomic_load(&c_underrun);
    if (strcmp(name, "delivered") == 0) return atomic_load(&c_delivered);
    if (strcmp(name, "triggers") == 0) return atomic_load(&c_triggers);
    if (strcmp(name, "init") == 0) return g_init;
    return -1;
}
IC4CORE_API size_t standin_log(char* buffer, size_t size)
{
    pthread_mutex_lock(&g_lock);
    size_t n = strlen(g_log);
    if (buffer && size) { snprintf(buffer, size, "%s", g_log); }
    pthread_mutex_unlock(&g_lock);
    return n + 1;
}
/* Sets the camera count and resets every camera's features (only while no camera is open); 0 on success. */
IC4CORE_API int standin_set_cameras(int n)
{
    ensure_cameras();
    if (n < 0 || n > MAXCAM) return -1;
    for (int k = 0; k < MAXCAM; k++) if (g_cam[k].opened) return -2;
    g_cameras = n;
    for (int k = 0; k < MAXCAM; k++) { cam_defaults(&g_cam[k], k); g_cam[k].lost = false; g_cam[k].frame_number = 0; }
    atomic_store(&c_ignored, 0); atomic_store(&c_incomplete, 0); atomic_store(&c_underrun, 0);
    atomic_store(&c_delivered, 0); atomic_store(&c_triggers, 0);
    standin_fail("", 0, 0);
    return 0;
}
/* Makes camera k a GigE Vision camera with GevCurrentIPAddress = ipv4 (first octet in the high byte); 0 = USB3 again. */
IC4CORE_API void standin_set_gige(int k, uint32_t ipv4)
{
    ensure_cameras();
    if (k < 0 || k >= MAXCAM) return;
    pthread_mutex_lock(&g_cam[k].lock); g_cam[k].gige = ipv4 != 0; g_cam[k].iv[F_GEVIP] = ipv4; pthread_mutex_unlock(&g_cam[k].lock);
}
IC4CORE_API void standin_set_incomplete_every(int n) { g_incomplete_every = n; }
IC4CORE_API void standin_vanish(int k)
{
    ensure_cameras();
    if (k < 0 || k >= MAXCAM) return;
    pthread_mutex_lock(&g_cam[k].lock); g_cam[k].lost = true; pthread_cond_broadcast(&g_cam[k].cond); pthread_mutex_unlock(&g_cam[k].lock);
}
IC4CORE_API long standin_sizeof(const char* type)
{
    if (strcmp(type, "IC4_INIT_CONFIG") == 0) return sizeof(struct IC4_INIT_CONFIG);
    if (strcmp(type, "IC4_QUEUESINK_CONFIG") == 0) return sizeof(struct IC4_QUEUESINK_CONFIG);
    if (strcmp(type, "IC4_QUEUESINK_CALLBACKS") == 0) return sizeof(struct IC4_QUEUESINK_CALLBACKS);
    if (strcmp(type, "IC4_ALLOCATOR_CALLBACKS") == 0) return sizeof(struct IC4_ALLOCATOR_CALLBACKS);
    if (strcmp(type, "IC4_FRAME_METADATA") == 0) return sizeof(struct IC4_FRAME_METADATA);
    if (strcmp(type, "IC4_IMAGE_TYPE") == 0) return sizeof(struct IC4_IMAGE_TYPE);
    return -1;
}
#define OFF(T, F) if (strcmp(type, #T) == 0 && strcmp(field, #F) == 0) return offsetof(struct T, F)
IC4CORE_API long standin_offsetof(const char* type, const char* field)
{
    OFF(IC4_INIT_CONFIG, api_log_level); OFF(IC4_INIT_CONFIG, internal_log_level); OFF(IC4_INIT_CONFIG, log_targets);
    OFF(IC4_INIT_CONFIG, log_file); OFF(IC4_INIT_CONFIG, reserved0);
    OFF(IC4_QUEUESINK_CALLBACKS, release); OFF(IC4_QUEUESINK_CALLBACKS, sink_connected);
    OFF(IC4_QUEUESINK_CALLBACKS, sink_disconnected); OFF(IC4_QUEUESINK_CALLBACKS, frames_queued);
    OFF(IC4_QUEUESINK_CONFIG, callbacks); OFF(IC4_QUEUESINK_CONFIG, callback_context); OFF(IC4_QUEUESINK_CONFIG, pixel_formats);
    OFF(IC4_QUEUESINK_CONFIG, num_pixel_formats); OFF(IC4_QUEUESINK_CONFIG, allocator); OFF(IC4_QUEUESINK_CONFIG, allocator_context);
    OFF(IC4_QUEUESINK_CONFIG, max_output_buffers);
    OFF(IC4_FRAME_METADATA, device_frame_number); OFF(IC4_FRAME_METADATA, device_timestamp_ns);
    OFF(IC4_IMAGE_TYPE, pixel_format); OFF(IC4_IMAGE_TYPE, width); OFF(IC4_IMAGE_TYPE, height);
    return -1;
}

/* ---------- library ---------- */
static struct IC4_INIT_CONFIG g_config; static char g_log_file[256];
IC4CORE_API bool ic4_init_library(const struct IC4_INIT_CONFIG* cfg)
{
    if (!cfg) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_init_library: init_config is NULL");
    if (cfg->reserved0 != 0) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_init_library: reserved0 must be 0 (got 0x%llx)", (unsigned long long)cfg->reserved0);
    if ((unsigned)cfg->api_log_level > IC4_LOG_TRACE || (unsigned)cfg->internal_log_level > IC4_LOG_TRACE || (unsigned)cfg->log_targets > 15)
        return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_init_library: log level %d/%d or targets %d out of range", cfg->api_log_level, cfg->internal_log_level, cfg->log_targets);
    if ((cfg->log_targets & IC4_LOGTARGET_FILE) && !cfg->log_file) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_init_library: IC4_LOGTARGET_FILE without log_file");
    if (injected("ic4_init_library")) return false;
    pthread_mutex_lock(&g_lock);
    g_config = *cfg;
    snprintf(g_log_file, sizeof g_log_file, "%s", cfg->log_file ? cfg->log_file : "");
    g_init++;
    const char* e = getenv("PSCAMSYNC_STANDIN_IC4_INCOMPLETE_EVERY");
    if (e) g_incomplete_every = atoi(e);
    const char* f = getenv("PSCAMSYNC_STANDIN_IC4_FAIL");
    if (f && !g_fail_fn[0]) {
        char fn[128] = ""; int err = 0, count = -1;
        if (sscanf(f, "%127[^:]:%d:%d", fn, &err, &count) >= 2) { snprintf(g_fail_fn, sizeof g_fail_fn, "%s", fn); g_fail_err = err; g_fail_count = count; }
    }
    pthread_mutex_unlock(&g_lock);
    ensure_cameras();
    char what[64]; snprintf(what, sizeof what, "init(api=%d,internal=%d,targets=%d)", cfg->api_log_level, cfg->internal_log_level, cfg->log_targets);
    log_event(what);
    return ok();
}
IC4CORE_API void ic4_exit_library(void)
{
    pthread_mutex_lock(&g_lock); if (g_init > 0) g_init--; pthread_mutex_unlock(&g_lock);
    log_event("exit");
}

/* ---------- device enumeration ---------- */
struct devenum { int kind; atomic_int ref; int count; };
struct devinfo { int kind; atomic_int ref; int cam; char model[64]; };
static void* new_obj(size_t size, int kind) { int* p = calloc(1, size); p[0] = kind; atomic_fetch_add(&live[kind], 1); return p; }
static void free_obj(void* p) { atomic_fetch_sub(&live[*(int*)p], 1); free(p); }
#define REF(p) atomic_int* ref_of_##p

IC4CORE_API bool ic4_devenum_create(struct IC4_DEVICE_ENUM** pp)
{
    CHECK_INIT("ic4_devenum_create");
    if (!pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devenum_create: ppEnumerator is NULL");
    struct devenum* e = new_obj(sizeof *e, K_DEVENUM); atomic_store(&e->ref, 1);
    *pp = (struct IC4_DEVICE_ENUM*)e; return ok();
}
IC4CORE_API void ic4_devenum_unref(struct IC4_DEVICE_ENUM* p)
{
    struct devenum* e = (struct devenum*)p;
    if (e && atomic_fetch_sub(&e->ref, 1) == 1) free_obj(e);
}
IC4CORE_API bool ic4_devenum_update_device_list(struct IC4_DEVICE_ENUM* p)
{
    CHECK_INIT("ic4_devenum_update_device_list");
    struct devenum* e = (struct devenum*)p;
    if (!e || e->kind != K_DEVENUM) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devenum_update_device_list: not a device enumerator");
    int n = 0;
    for (int k = 0; k < g_cameras; k++) if (!g_cam[k].lost) n++;
    e->count = n; return ok();
}
IC4CORE_API int ic4_devenum_get_device_count(const struct IC4_DEVICE_ENUM* p)
{
    const struct devenum* e = (const struct devenum*)p;
    if (!e) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devenum_get_device_count: pEnumerator is NULL"); return 0; }
    ok(); return e->count;
}
IC4CORE_API bool ic4_devenum_get_devinfo(const struct IC4_DEVICE_ENUM* p, int index, struct IC4_DEVICE_INFO** pp)
{
    CHECK_INIT("ic4_devenum_get_devinfo");
    const struct devenum* e = (const struct devenum*)p;
    if (!e || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devenum_get_devinfo: NULL argument");
    if (index < 0 || index >= e->count) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devenum_get_devinfo: index %d out of range (count %d)", index, e->count);
    int seen = -1, k = 0;
    for (; k < g_cameras; k++) if (!g_cam[k].lost && ++seen == index) break;
    struct devinfo* d = new_obj(sizeof *d, K_DEVINFO); atomic_store(&d->ref, 1); d->cam = k;
    snprintf(d->model, sizeof d->model, "DFK 33UX252-SI");
    *pp = (struct IC4_DEVICE_INFO*)d; return ok();
}
IC4CORE_API void ic4_devinfo_unref(struct IC4_DEVICE_INFO* p)
{
    struct devinfo* d = (struct devinfo*)p;
    if (d && atomic_fetch_sub(&d->ref, 1) == 1) free_obj(d);
}
IC4CORE_API const char* ic4_devinfo_get_model_name(const struct IC4_DEVICE_INFO* p)
{
    if (!p) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devinfo_get_model_name: pInfo is NULL"); return NULL; }
    ok(); return ((const struct devinfo*)p)->model;
}
IC4CORE_API const char* ic4_devinfo_get_serial(const struct IC4_DEVICE_INFO* p)
{
    if (!p) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devinfo_get_serial: pInfo is NULL"); return NULL; }
    ok(); return g_cam[((const struct devinfo*)p)->cam].serial;
}
IC4CORE_API const char* ic4_devinfo_get_unique_name(const struct IC4_DEVICE_INFO* p)
{
    if (!p) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_devinfo_get_unique_name: pInfo is NULL"); return NULL; }
    ok(); return g_cam[((const struct devinfo*)p)->cam].unique;
}

/* ---------- sink and image buffers ---------- */
struct imagebuffer { int kind; atomic_int ref; struct sink* sink; uint8_t* data; size_t size; uint32_t w, h; uint64_t fn; int64_t ts; };
#define QCAP 64
struct sink {
    int kind; atomic_int ref; struct IC4_QUEUESINK_CONFIG cfg;
    pthread_mutex_t lock; bool connected; struct IC4_IMAGE_TYPE type; size_t bufsize;
    struct imagebuffer* free_q[QCAP]; int nfree; struct imagebuffer* out_q[QCAP]; int nout; int allocated;
};
static void buffer_destroy(struct imagebuffer* b) { free(b->data); free(b); }
IC4CORE_API bool ic4_queuesink_create(struct IC4_SINK** pp, const struct IC4_QUEUESINK_CONFIG* cfg)
{
    CHECK_INIT("ic4_queuesink_create");
    if (!pp || !cfg) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_queuesink_create: NULL argument");
    if (cfg->num_pixel_formats > 0 && !cfg->pixel_formats) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_queuesink_create: num_pixel_formats %zu without pixel_formats", cfg->num_pixel_formats);
    if ((cfg->allocator.allocate_buffer == NULL) != (cfg->allocator.free_buffer == NULL))
        return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_queuesink_create: allocate_buffer and free_buffer must be set together");
    for (size_t i = 0; i < cfg->num_pixel_formats; i++)
        if (cfg->pixel_formats[i] != IC4_PIXEL_FORMAT_Mono8) return fail(IC4_ERROR_CONVERSION_NOT_SUPPORTED, "ic4_queuesink_create: the stand-in delivers Mono8 only (asked for 0x%x)", (unsigned)cfg->pixel_formats[i]);
    struct sink* s = new_obj(sizeof *s, K_SINK); atomic_store(&s->ref, 1); s->cfg = *cfg;
    pthread_mutex_init(&s->lock, NULL);
    *pp = (struct IC4_SINK*)s; return ok();
}
static void sink_release_buffers(struct sink* s)
{
    for (int i = 0; i < s->nfree; i++) buffer_destroy(s->free_q[i]);
    for (int i = 0; i < s->nout; i++) buffer_destroy(s->out_q[i]);
    s->nfree = s->nout = 0;
}
IC4CORE_API void ic4_sink_unref(struct IC4_SINK* p)
{
    struct sink* s = (struct sink*)p;
    if (!s || atomic_fetch_sub(&s->ref, 1) != 1) return;
    if (s->cfg.callbacks.release) s->cfg.callbacks.release(s->cfg.callback_context);
    pthread_mutex_lock(&s->lock); sink_release_buffers(s); pthread_mutex_unlock(&s->lock);
    log_event("sink_release");
    free_obj(s);
}
IC4CORE_API bool ic4_queuesink_alloc_and_queue_buffers(struct IC4_SINK* p, size_t n)
{
    CHECK_INIT("ic4_queuesink_alloc_and_queue_buffers");
    struct sink* s = (struct sink*)p;
    if (!s || s->kind != K_SINK) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_queuesink_alloc_and_queue_buffers: not a sink");
    pthread_mutex_lock(&s->lock);
    if (s->bufsize == 0) { pthread_mutex_unlock(&s->lock); return fail(IC4_ERROR_INVALID_OPERATION, "ic4_queuesink_alloc_and_queue_buffers: the sink's image type is not known yet"); }
    for (size_t i = 0; i < n && s->nfree < QCAP; i++) {
        struct imagebuffer* b = calloc(1, sizeof *b); b->kind = K_IMAGEBUFFER; b->sink = s; b->data = calloc(1, s->bufsize); b->size = s->bufsize;
        s->free_q[s->nfree++] = b; s->allocated++;
    }
    pthread_mutex_unlock(&s->lock);
    return ok();
}
IC4CORE_API bool ic4_queuesink_pop_output_buffer(struct IC4_SINK* p, struct IC4_IMAGE_BUFFER** pp)
{
    CHECK_INIT("ic4_queuesink_pop_output_buffer");
    struct sink* s = (struct sink*)p;
    if (!s || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_queuesink_pop_output_buffer: NULL argument");
    pthread_mutex_lock(&s->lock);
    if (!s->connected) { pthread_mutex_unlock(&s->lock); return fail(IC4_ERROR_INVALID_OPERATION, "ic4_queuesink_pop_output_buffer: the sink is not connected to a data stream"); }
    if (s->nout == 0) { pthread_mutex_unlock(&s->lock); return fail(IC4_ERROR_NO_DATA, "ic4_queuesink_pop_output_buffer: the output queue is empty"); }
    struct imagebuffer* b = s->out_q[0];
    memmove(s->out_q, s->out_q + 1, sizeof s->out_q[0] * (size_t)--s->nout);
    atomic_store(&b->ref, 1); atomic_fetch_add(&live[K_IMAGEBUFFER], 1); atomic_fetch_add(&s->ref, 1); /* a buffer keeps its sink */
    pthread_mutex_unlock(&s->lock);
    *pp = (struct IC4_IMAGE_BUFFER*)b; return ok();
}
IC4CORE_API void ic4_imagebuffer_unref(struct IC4_IMAGE_BUFFER* p)
{
    struct imagebuffer* b = (struct imagebuffer*)p;
    if (!b || atomic_fetch_sub(&b->ref, 1) != 1) return;
    atomic_fetch_sub(&live[K_IMAGEBUFFER], 1);
    struct sink* s = b->sink;
    pthread_mutex_lock(&s->lock);
    if (s->nfree < QCAP && b->size == s->bufsize) s->free_q[s->nfree++] = b; else buffer_destroy(b);
    pthread_mutex_unlock(&s->lock);
    ic4_sink_unref((struct IC4_SINK*)s);
}
IC4CORE_API void* ic4_imagebuffer_get_ptr(const struct IC4_IMAGE_BUFFER* p)
{
    if (!p) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_imagebuffer_get_ptr: pImageBuffer is NULL"); return NULL; }
    if (injected("ic4_imagebuffer_get_ptr")) return NULL;
    ok(); return ((const struct imagebuffer*)p)->data;
}
IC4CORE_API size_t ic4_imagebuffer_get_buffer_size(const struct IC4_IMAGE_BUFFER* p)
{
    if (!p) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_imagebuffer_get_buffer_size: pImageBuffer is NULL"); return 0; }
    ok(); return ((const struct imagebuffer*)p)->size;
}
IC4CORE_API bool ic4_imagebuffer_get_image_type(const struct IC4_IMAGE_BUFFER* p, struct IC4_IMAGE_TYPE* t)
{
    if (!p || !t) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_imagebuffer_get_image_type: NULL argument");
    const struct imagebuffer* b = (const struct imagebuffer*)p;
    t->pixel_format = IC4_PIXEL_FORMAT_Mono8; t->width = b->w; t->height = b->h; return ok();
}
IC4CORE_API bool ic4_imagebuffer_get_metadata(const struct IC4_IMAGE_BUFFER* p, struct IC4_FRAME_METADATA* m)
{
    if (!p || !m) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_imagebuffer_get_metadata: NULL argument");
    if (injected("ic4_imagebuffer_get_metadata")) return false;
    const struct imagebuffer* b = (const struct imagebuffer*)p;
    m->device_frame_number = b->fn; m->device_timestamp_ns = (uint64_t)b->ts; return ok();
}

/* ---------- camera worker: exposures, readout, delivery ---------- */
static void start_exposure(struct cam* c, int64_t t)
{
    if (t < c->busy_until || c->ninflight == 8) { atomic_fetch_add(&c_ignored, 1); return; }
    int64_t exposure_ns = (int64_t)(c->dv[F_EXPOSURE] * 1000.0);
    c->busy_until = t + exposure_ns + READOUT_NS;
    uint64_t fn = ++c->frame_number;
    if (g_incomplete_every > 0 && fn % (uint64_t)g_incomplete_every == 0) { atomic_fetch_add(&c_incomplete, 1); return; }
    c->inflight_fn[c->ninflight] = fn; c->inflight_ts[c->ninflight] = t; c->inflight_at[c->ninflight] = c->busy_until; c->ninflight++;
    pthread_cond_broadcast(&c->cond);
}
/* Queues the oldest finished frame in the sink; true when frames_queued should be called. Under c->lock. */
static bool deliver(struct cam* c)
{
    struct sink* s = c->sink;
    uint64_t fn = c->inflight_fn[0]; int64_t ts = c->inflight_ts[0];
    c->ninflight--;
    memmove(c->inflight_fn, c->inflight_fn + 1, sizeof c->inflight_fn[0] * (size_t)c->ninflight);
    memmove(c->inflight_ts, c->inflight_ts + 1, sizeof c->inflight_ts[0] * (size_t)c->ninflight);
    memmove(c->inflight_at, c->inflight_at + 1, sizeof c->inflight_at[0] * (size_t)c->ninflight);
    pthread_mutex_lock(&s->lock);
    if (s->nfree == 0) { pthread_mutex_unlock(&s->lock); atomic_fetch_add(&c_underrun, 1); return false; }
    struct imagebuffer* b = s->free_q[--s->nfree];
    b->w = s->type.width; b->h = s->type.height; b->fn = fn; b->ts = ts;
    size_t n = (size_t)b->w * b->h; if (n > b->size) n = b->size;
    for (size_t i = 0; i < n; i++) b->data[i] = (uint8_t)((c->index * 31 + fn + i) & 0xFF);
    if (n >= 10) { b->data[0] = 0xA5; b->data[1] = (uint8_t)c->index; for (int i = 0; i < 8; i++) b->data[2 + i] = (uint8_t)(fn >> (8 * i)); }
    if (s->cfg.max_output_buffers > 0 && (size_t)s->nout >= s->cfg.max_output_buffers) {
        s->free_q[s->nfree++] = s->out_q[0]; memmove(s->out_q, s->out_q + 1, sizeof s->out_q[0] * (size_t)--s->nout);
    }
    s->out_q[s->nout++] = b;
    pthread_mutex_unlock(&s->lock);
    atomic_fetch_add(&c_delivered, 1);
    return true;
}
static void* worker(void* arg)
{
    struct cam* c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->worker_stop) {
        int64_t now = devnow(c);
        bool notify = false;
        if (c->lost) c->ninflight = 0; /* a device that is gone delivers nothing more */
        if (!c->lost && c->ninflight > 0 && now >= c->inflight_at[0]) notify = deliver(c);
        if (!c->lost && c->acquiring) {
            if (c->iv[F_TRIGMODE] == 0) {
                int64_t period = (int64_t)(1e9 / (c->dv[F_FPS] > 0 ? c->dv[F_FPS] : 1));
                if (c->next_free == 0) c->next_free = now;
                /* a late wake-up of this thread does not cost the camera frames: every grid point is exposed */
                while (now >= c->next_free) { start_exposure(c, c->next_free); c->next_free += period; }
            } else if (c->sched_armed && c->iv[F_TRIGSRC] == 1) {
                int64_t interval = c->iv[F_SCHEDINT] * 1000;
                /* the scheduler fires in hardware: a late wake-up of this thread still exposes every fire time */
                while (c->sched_armed && now >= c->sched_next) {
                    start_exposure(c, c->sched_next);
                    if (interval <= 0) c->sched_armed = false;
                    else c->sched_next += interval;
                }
            }
        }
        if (notify) {
            struct sink* s = c->sink;
            pthread_mutex_unlock(&c->lock);
            if (s->cfg.callbacks.frames_queued) s->cfg.callbacks.frames_queued((struct IC4_SINK*)s, s->cfg.callback_context);
            pthread_mutex_lock(&c->lock);
            continue;
        }
        int64_t wake = now + 20000000; /* at most 20 ms */
        if (c->ninflight > 0 && c->inflight_at[0] < wake) wake = c->inflight_at[0];
        if (c->acquiring && c->iv[F_TRIGMODE] == 0 && c->next_free && c->next_free < wake) wake = c->next_free;
        if (c->acquiring && c->sched_armed && c->sched_next < wake) wake = c->sched_next;
        int64_t real = wake - c->offset_ns;
        struct timespec ts = { .tv_sec = real / 1000000000LL, .tv_nsec = real % 1000000000LL };
        if (wake <= now) { wake = now + 1000000; real = wake - c->offset_ns; ts.tv_sec = real / 1000000000LL; ts.tv_nsec = real % 1000000000LL; }
        pthread_cond_timedwait(&c->cond, &c->lock, &ts); /* never spins holding the camera's lock */
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ---------- grabber ---------- */
struct grabber { int kind; atomic_int ref; struct cam* cam; int gen; };
IC4CORE_API bool ic4_grabber_create(struct IC4_GRABBER** pp)
{
    CHECK_INIT("ic4_grabber_create");
    if (!pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_create: ppGrabber is NULL");
    struct grabber* g = new_obj(sizeof *g, K_GRABBER); atomic_store(&g->ref, 1);
    *pp = (struct IC4_GRABBER*)g; return ok();
}
static bool stream_stop(struct grabber* g, bool call_disconnected);
IC4CORE_API void ic4_grabber_unref(struct IC4_GRABBER* p)
{
    struct grabber* g = (struct grabber*)p;
    if (!g || atomic_fetch_sub(&g->ref, 1) != 1) return;
    if (g->cam) {
        stream_stop(g, true);
        pthread_mutex_lock(&g->cam->lock); g->cam->opened = false; g->cam->open_gen++; pthread_mutex_unlock(&g->cam->lock);
        char what[48]; snprintf(what, sizeof what, "close(%s)", g->cam->serial); log_event(what);
    }
    free_obj(g);
}
IC4CORE_API bool ic4_grabber_device_open_by_identifier(struct IC4_GRABBER* p, const char* id)
{
    CHECK_INIT("ic4_grabber_device_open_by_identifier");
    struct grabber* g = (struct grabber*)p;
    if (!g || !id) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_device_open_by_identifier: NULL argument");
    if (g->cam) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_device_open_by_identifier: the grabber already has a device open");
    struct cam* found = NULL; int matches = 0;
    for (int k = 0; k < g_cameras; k++) {
        struct cam* c = &g_cam[k];
        if (c->lost) continue;
        if (strcmp(id, c->serial) == 0 || strcmp(id, c->unique) == 0 || (c->userid[0] && strcmp(id, c->userid) == 0)) { found = c; matches++; }
        else if (strcmp(id, "DFK 33UX252-SI") == 0) { found = c; matches++; }
    }
    if (matches > 1) return fail(IC4_ERROR_AMBIGUOUS, "ic4_grabber_device_open_by_identifier: '%s' matches %d devices", id, matches);
    if (!found) return fail(IC4_ERROR_DEVICE_NOT_FOUND, "ic4_grabber_device_open_by_identifier: no device with identifier '%s'", id);
    pthread_mutex_lock(&found->lock);
    if (found->opened) { pthread_mutex_unlock(&found->lock); return fail(IC4_ERROR_DEVICE_ERROR, "ic4_grabber_device_open_by_identifier: device %s is already open (exclusive access)", found->serial); }
    found->opened = true; g->gen = ++found->open_gen; g->cam = found;
    pthread_mutex_unlock(&found->lock);
    char what[48]; snprintf(what, sizeof what, "open(%s)", found->serial); log_event(what);
    return ok();
}
IC4CORE_API bool ic4_grabber_get_device(struct IC4_GRABBER* p, struct IC4_DEVICE_INFO** pp)
{
    CHECK_INIT("ic4_grabber_get_device");
    struct grabber* g = (struct grabber*)p;
    if (!g || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_get_device: NULL argument");
    if (!g->cam) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_get_device: no device is open");
    struct devinfo* d = new_obj(sizeof *d, K_DEVINFO); atomic_store(&d->ref, 1); d->cam = g->cam->index;
    snprintf(d->model, sizeof d->model, "DFK 33UX252-SI");
    *pp = (struct IC4_DEVICE_INFO*)d; return ok();
}
static bool device_ok(struct cam* c, int gen, const char* fn)
{
    if (!c) return fail(IC4_ERROR_INVALID_OPERATION, "%s: no device is open", fn);
    if (c->open_gen != gen) return fail(IC4_ERROR_INVALID_OPERATION, "%s: the device was closed", fn);
    if (c->lost) return fail(IC4_ERROR_DEVICE_INVALID, "%s: the device %s has become invalid (it was unplugged)", fn, c->serial);
    return true;
}
IC4CORE_API bool ic4_grabber_stream_setup(struct IC4_GRABBER* p, struct IC4_SINK* sp, struct IC4_DISPLAY* display, bool start)
{
    CHECK_INIT("ic4_grabber_stream_setup");
    struct grabber* g = (struct grabber*)p; struct sink* s = (struct sink*)sp;
    if (!g) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_stream_setup: pGrabber is NULL");
    if (!s && !display) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_stream_setup: a sink or a display is required");
    if (display) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_stream_setup: the stand-in has no displays");
    if (!device_ok(g->cam, g->gen, "ic4_grabber_stream_setup")) return false;
    struct cam* c = g->cam;
    if (c->sink) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_stream_setup: a data stream is already set up");
    if (s->connected) return fail(IC4_ERROR_SINK_ALREADY_ATTACHED, "ic4_grabber_stream_setup: the sink is attached to another stream");
    pthread_mutex_lock(&s->lock);
    s->type.pixel_format = IC4_PIXEL_FORMAT_Mono8; s->type.width = (uint32_t)c->iv[F_WIDTH]; s->type.height = (uint32_t)c->iv[F_HEIGHT];
    s->bufsize = (size_t)s->type.width * s->type.height;
    pthread_mutex_unlock(&s->lock);
    const size_t min_buffers = 4;
    if (s->cfg.callbacks.sink_connected && !s->cfg.callbacks.sink_connected(sp, s->cfg.callback_context, &s->type, min_buffers)) {
        pthread_mutex_lock(&s->lock); sink_release_buffers(s); s->bufsize = 0; pthread_mutex_unlock(&s->lock);
        return fail(IC4_ERROR_SINK_CONNECT_ABORTED, "ic4_grabber_stream_setup: the sink's sink_connected callback returned false");
    }
    pthread_mutex_lock(&s->lock); int have = s->nfree; pthread_mutex_unlock(&s->lock);
    if ((size_t)have < min_buffers) ic4_queuesink_alloc_and_queue_buffers(sp, min_buffers - (size_t)have);
    atomic_fetch_add(&s->ref, 1);
    pthread_mutex_lock(&s->lock); s->connected = true; pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&c->lock);
    c->sink = s; c->worker_stop = false; c->ninflight = 0; c->busy_until = 0; c->next_free = 0;
    c->acquiring = start;
    pthread_create(&c->worker, NULL, worker, c); c->worker_running = true;
    pthread_mutex_unlock(&c->lock);
    log_event("stream_setup");
    return ok();
}
static bool stream_stop(struct grabber* g, bool call_disconnected)
{
    struct cam* c = g->cam;
    pthread_mutex_lock(&c->lock);
    struct sink* s = c->sink;
    if (!s) { pthread_mutex_unlock(&c->lock); return false; }
    c->worker_stop = true; c->acquiring = false; c->sched_armed = false; pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    if (c->worker_running) pthread_join(c->worker, NULL);
    pthread_mutex_lock(&c->lock); c->worker_running = false; c->sink = NULL; c->ninflight = 0; pthread_mutex_unlock(&c->lock);
    if (call_disconnected && s->cfg.callbacks.sink_disconnected) s->cfg.callbacks.sink_disconnected((struct IC4_SINK*)s, s->cfg.callback_context);
    pthread_mutex_lock(&s->lock); s->connected = false; pthread_mutex_unlock(&s->lock);
    log_event("stream_stop");
    ic4_sink_unref((struct IC4_SINK*)s);
    return true;
}
IC4CORE_API bool ic4_grabber_stream_stop(struct IC4_GRABBER* p)
{
    CHECK_INIT("ic4_grabber_stream_stop");
    struct grabber* g = (struct grabber*)p;
    if (!g || !g->cam) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_stream_stop: no device is open");
    if (!stream_stop(g, true)) return fail(IC4_ERROR_INVALID_OPERATION, "ic4_grabber_stream_stop: no data stream is set up");
    return ok();
}
static bool set_acquiring(struct grabber* g, bool on, const char* fn)
{
    if (!g) return fail(IC4_ERROR_INVALID_PARAM_VAL, "%s: pGrabber is NULL", fn);
    if (!device_ok(g->cam, g->gen, fn)) return false;
    struct cam* c = g->cam;
    pthread_mutex_lock(&c->lock);
    if (!c->sink) { pthread_mutex_unlock(&c->lock); return fail(IC4_ERROR_INVALID_OPERATION, "%s: no data stream is set up", fn); }
    c->acquiring = on; c->next_free = 0; if (!on) c->sched_armed = false;
    pthread_cond_broadcast(&c->cond); pthread_mutex_unlock(&c->lock);
    return ok();
}
IC4CORE_API bool ic4_grabber_acquisition_start(struct IC4_GRABBER* p) { CHECK_INIT("ic4_grabber_acquisition_start"); return set_acquiring((struct grabber*)p, true, "ic4_grabber_acquisition_start"); }
IC4CORE_API bool ic4_grabber_acquisition_stop(struct IC4_GRABBER* p) { CHECK_INIT("ic4_grabber_acquisition_stop"); return set_acquiring((struct grabber*)p, false, "ic4_grabber_acquisition_stop"); }

/* ---------- property map ---------- */
struct propmap { int kind; atomic_int ref; struct cam* cam; int gen; };
struct prop { int kind; atomic_int ref; struct cam* cam; int gen; int feat; int entry; };
struct proplist { int kind; atomic_int ref; size_t n; struct prop** items; };
IC4CORE_API bool ic4_grabber_device_get_property_map(struct IC4_GRABBER* p, struct IC4_PROPERTY_MAP** pp)
{
    CHECK_INIT("ic4_grabber_device_get_property_map");
    struct grabber* g = (struct grabber*)p;
    if (!g || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_grabber_device_get_property_map: NULL argument");
    if (!device_ok(g->cam, g->gen, "ic4_grabber_device_get_property_map")) return false;
    struct propmap* m = new_obj(sizeof *m, K_PROPMAP); atomic_store(&m->ref, 1); m->cam = g->cam; m->gen = g->gen;
    *pp = (struct IC4_PROPERTY_MAP*)m; return ok();
}
IC4CORE_API void ic4_propmap_unref(struct IC4_PROPERTY_MAP* p)
{
    struct propmap* m = (struct propmap*)p;
    if (m && atomic_fetch_sub(&m->ref, 1) == 1) free_obj(m);
}
static int find_feat(const struct cam* c, const char* name)
{
    for (int i = 0; i < F_COUNT; i++) if (strcmp(FD[i].name, name) == 0) return i == F_GEVIP && !c->gige ? -1 : i;
    return -1;
}
/* Looks a feature up for an operation; -1 with the error set when it cannot be used. */
static int lookup(struct propmap* m, const char* name, const char* fn)
{
    if (!m || m->kind != K_PROPMAP || !name) { fail(IC4_ERROR_INVALID_PARAM_VAL, "%s: NULL or invalid argument", fn); return -1; }
    if (!device_ok(m->cam, m->gen, fn)) return -1;
    int f = find_feat(m->cam, name);
    if (f < 0) { fail(IC4_ERROR_GENICAM_FEATURE_NOT_FOUND, "%s: no feature '%s'", fn, name); return -1; }
    return f;
}
static bool type_is(int f, enum IC4_PROPERTY_TYPE a, enum IC4_PROPERTY_TYPE b, const char* fn)
{
    if (FD[f].type == a || FD[f].type == b) return true;
    return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "%s: '%s' has another type (%d)", fn, FD[f].name, FD[f].type);
}
static bool streaming_locked(struct cam* c) { return c->sink != NULL; }

/* Command execution, under c->lock. */
static bool execute(struct cam* c, int f, const char* fn)
{
    int64_t now = devnow(c);
    switch (f) {
    case F_TRIGSW:
        atomic_fetch_add(&c_triggers, 1);
        if (c->acquiring && c->iv[F_TRIGMODE] == 1 && c->iv[F_TRIGSRC] == 0) start_exposure(c, now + TRIGGER_LATENCY_NS);
        else atomic_fetch_add(&c_ignored, 1);
        return ok();
    case F_TSLATCH: c->iv[F_TSLATCHVAL] = now; return ok();
    case F_PTPLATCH: c->iv[F_PTPOFFSET] = c->iv[F_PTPENABLE] ? (int64_t)(c->index + 1) * 7 : 0; return ok();
    case F_ACQSTART: c->acquiring = c->sink != NULL; pthread_cond_broadcast(&c->cond); return ok();
    case F_ACQSTOP: c->acquiring = false; c->sched_armed = false; return ok();
    case F_SCHEDCOMMIT:
        if (!c->iv[F_PTPENABLE]) return fail(IC4_ERROR_GENICAM_ACCESS_DENIED, "%s: ActionSchedulerCommit needs PtpEnable (PtpStatus Slave)", fn);
        if (c->iv[F_SCHEDINT] < 0) return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "%s: ActionSchedulerInterval is negative", fn);
        c->sched_next = c->iv[F_SCHEDTIME]; c->sched_armed = true; pthread_cond_broadcast(&c->cond); return ok();
    case F_SCHEDCANCEL: c->sched_armed = false; return ok();
    default: return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "%s: '%s' is not a command", fn, FD[f].name);
    }
}
IC4CORE_API bool ic4_propmap_execute_command(struct IC4_PROPERTY_MAP* p, const char* name)
{
    CHECK_INIT("ic4_propmap_execute_command");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_execute_command");
    if (f < 0) return false;
    if (!type_is(f, IC4_PROPTYPE_COMMAND, IC4_PROPTYPE_COMMAND, "ic4_propmap_execute_command")) return false;
    pthread_mutex_lock(&m->cam->lock); bool r = execute(m->cam, f, "ic4_propmap_execute_command"); pthread_mutex_unlock(&m->cam->lock);
    return r;
}
static int64_t int_value(struct cam* c, int f)
{
    switch (f) {
    case F_PAYLOAD: return c->iv[F_WIDTH] * c->iv[F_HEIGHT];
    case F_SCHEDSTATUS: return c->sched_armed ? 1 : 0;
    default: return c->iv[f];
    }
}
IC4CORE_API bool ic4_propmap_get_value_int64(struct IC4_PROPERTY_MAP* p, const char* name, int64_t* v)
{
    CHECK_INIT("ic4_propmap_get_value_int64");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_get_value_int64");
    if (f < 0) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_get_value_int64: pValue is NULL");
    if (!type_is(f, IC4_PROPTYPE_INTEGER, IC4_PROPTYPE_BOOLEAN, "ic4_propmap_get_value_int64")) return false;
    pthread_mutex_lock(&m->cam->lock); *v = int_value(m->cam, f); pthread_mutex_unlock(&m->cam->lock);
    return ok();
}
IC4CORE_API bool ic4_propmap_get_value_double(struct IC4_PROPERTY_MAP* p, const char* name, double* v)
{
    CHECK_INIT("ic4_propmap_get_value_double");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_get_value_double");
    if (f < 0) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_get_value_double: pValue is NULL");
    if (!type_is(f, IC4_PROPTYPE_FLOAT, IC4_PROPTYPE_INTEGER, "ic4_propmap_get_value_double")) return false;
    pthread_mutex_lock(&m->cam->lock); *v = FD[f].type == IC4_PROPTYPE_FLOAT ? m->cam->dv[f] : (double)int_value(m->cam, f); pthread_mutex_unlock(&m->cam->lock);
    return ok();
}
IC4CORE_API bool ic4_propmap_get_value_bool(struct IC4_PROPERTY_MAP* p, const char* name, bool* v)
{
    CHECK_INIT("ic4_propmap_get_value_bool");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_get_value_bool");
    if (f < 0) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_get_value_bool: pValue is NULL");
    if (!type_is(f, IC4_PROPTYPE_BOOLEAN, IC4_PROPTYPE_BOOLEAN, "ic4_propmap_get_value_bool")) return false;
    *v = m->cam->iv[f] != 0; return ok();
}
static void string_value(struct cam* c, int f, char* out, size_t n)
{
    switch (f) {
    case F_VENDOR: snprintf(out, n, "The Imaging Source Europe GmbH"); break;
    case F_MODEL: snprintf(out, n, "DFK 33UX252-SI"); break;
    case F_SERIAL: snprintf(out, n, "%s", c->serial); break;
    case F_USERID: snprintf(out, n, "%s", c->userid); break;
    default:
        if (FD[f].type == IC4_PROPTYPE_ENUMERATION) snprintf(out, n, "%s", FD[f].entries[f == F_PTPSTATUS ? (c->iv[F_PTPENABLE] ? 2 : 0) : c->iv[f]]);
        else if (FD[f].type == IC4_PROPTYPE_FLOAT) snprintf(out, n, "%g", c->dv[f]);
        else if (FD[f].type == IC4_PROPTYPE_BOOLEAN) snprintf(out, n, "%s", c->iv[f] ? "true" : "false");
        else snprintf(out, n, "%lld", (long long)int_value(c, f));
    }
}
IC4CORE_API bool ic4_propmap_get_value_string(struct IC4_PROPERTY_MAP* p, const char* name, char* buffer, size_t* size)
{
    CHECK_INIT("ic4_propmap_get_value_string");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_get_value_string");
    if (f < 0) return false;
    if (!size) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_get_value_string: buffer_size is NULL");
    if (FD[f].type == IC4_PROPTYPE_COMMAND) return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_propmap_get_value_string: '%s' is a command", name);
    char tmp[128];
    pthread_mutex_lock(&m->cam->lock); string_value(m->cam, f, tmp, sizeof tmp); pthread_mutex_unlock(&m->cam->lock);
    size_t need = strlen(tmp) + 1;
    if (buffer && *size < need) { *size = need; return fail(IC4_ERROR_BUFFER_TOO_SMALL, "ic4_propmap_get_value_string: '%s' needs %zu bytes", name, need); }
    *size = need;
    if (buffer) memcpy(buffer, tmp, need);
    return ok();
}
/* Integer write with the device's rules, under c->lock. */
static bool set_int(struct cam* c, int f, int64_t v, const char* fn)
{
    if (FD[f].ro) return fail(IC4_ERROR_GENICAM_ACCESS_DENIED, "%s: '%s' is read-only", fn, FD[f].name);
    if ((f == F_WIDTH || f == F_HEIGHT) && streaming_locked(c)) return fail(IC4_ERROR_GENICAM_ACCESS_DENIED, "%s: '%s' is locked while a data stream is set up", fn, FD[f].name);
    if ((f == F_WIDTH || f == F_HEIGHT) && (v < 16 || v > 4096 || v % 4)) return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "%s: %lld is out of range for '%s' (16..4096, increment 4)", fn, (long long)v, FD[f].name);
    if (f == F_ASEL && v != 0) return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "%s: ActionSelector %lld out of range (0..0)", fn, (long long)v);
    if (f == F_SCHEDINT && (v < 0 || v > 10000000)) return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "%s: ActionSchedulerInterval %lld out of range (0..10000000 µs)", fn, (long long)v);
    if (f == F_PTPENABLE) { c->iv[f] = v != 0; return ok(); }
    c->iv[f] = v; return ok();
}
IC4CORE_API bool ic4_propmap_set_value_int64(struct IC4_PROPERTY_MAP* p, const char* name, int64_t v)
{
    CHECK_INIT("ic4_propmap_set_value_int64");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_set_value_int64");
    if (f < 0) return false;
    if (FD[f].type == IC4_PROPTYPE_FLOAT) return ic4_propmap_set_value_double(p, name, (double)v);
    if (!type_is(f, IC4_PROPTYPE_INTEGER, IC4_PROPTYPE_BOOLEAN, "ic4_propmap_set_value_int64")) return false;
    if (FD[f].type == IC4_PROPTYPE_BOOLEAN && v != 0 && v != 1) return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "ic4_propmap_set_value_int64: %lld is not a boolean", (long long)v);
    pthread_mutex_lock(&m->cam->lock); bool r = set_int(m->cam, f, v, "ic4_propmap_set_value_int64"); pthread_mutex_unlock(&m->cam->lock);
    return r;
}
IC4CORE_API bool ic4_propmap_set_value_double(struct IC4_PROPERTY_MAP* p, const char* name, double v)
{
    CHECK_INIT("ic4_propmap_set_value_double");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_set_value_double");
    if (f < 0) return false;
    if (!type_is(f, IC4_PROPTYPE_FLOAT, IC4_PROPTYPE_INTEGER, "ic4_propmap_set_value_double")) return false;
    bool r;
    pthread_mutex_lock(&m->cam->lock);
    if (FD[f].type == IC4_PROPTYPE_INTEGER) r = set_int(m->cam, f, (int64_t)(v < 0 ? v - 0.5 : v + 0.5), "ic4_propmap_set_value_double");
    else if (f == F_EXPOSURE && !(v >= 20 && v <= 30000000)) r = fail(IC4_ERROR_GENICAM_VALUE_ERROR, "ic4_propmap_set_value_double: ExposureTime %g µs out of range (20..30000000)", v);
    else if (f == F_FPS && !(v >= 1 && v <= 300)) r = fail(IC4_ERROR_GENICAM_VALUE_ERROR, "ic4_propmap_set_value_double: AcquisitionFrameRate %g Hz out of range (1..300)", v);
    else { m->cam->dv[f] = v; r = ok(); }
    pthread_mutex_unlock(&m->cam->lock);
    return r;
}
IC4CORE_API bool ic4_propmap_set_value_bool(struct IC4_PROPERTY_MAP* p, const char* name, bool v)
{
    CHECK_INIT("ic4_propmap_set_value_bool");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_set_value_bool");
    if (f < 0) return false;
    if (!type_is(f, IC4_PROPTYPE_BOOLEAN, IC4_PROPTYPE_BOOLEAN, "ic4_propmap_set_value_bool")) return false;
    pthread_mutex_lock(&m->cam->lock); bool r = set_int(m->cam, f, v, "ic4_propmap_set_value_bool"); pthread_mutex_unlock(&m->cam->lock);
    return r;
}
static bool set_enum(struct cam* c, int f, const char* entry, const char* fn)
{
    if (FD[f].ro) return fail(IC4_ERROR_GENICAM_ACCESS_DENIED, "%s: '%s' is read-only", fn, FD[f].name);
    for (int i = 0; FD[f].entries[i]; i++)
        if (strcmp(FD[f].entries[i], entry) == 0) { c->iv[f] = i; if (f == F_TRIGMODE) c->sched_armed = c->sched_armed && i == 1; return ok(); }
    return fail(IC4_ERROR_GENICAM_VALUE_ERROR, "%s: '%s' is not an entry of '%s'", fn, entry, FD[f].name);
}
IC4CORE_API bool ic4_propmap_set_value_string(struct IC4_PROPERTY_MAP* p, const char* name, const char* v)
{
    CHECK_INIT("ic4_propmap_set_value_string");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_set_value_string");
    if (f < 0) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_set_value_string: value is NULL");
    bool r;
    pthread_mutex_lock(&m->cam->lock);
    if (FD[f].type == IC4_PROPTYPE_ENUMERATION) r = set_enum(m->cam, f, v, "ic4_propmap_set_value_string");
    else if (FD[f].type != IC4_PROPTYPE_STRING) r = fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_propmap_set_value_string: the stand-in parses strings only for string and enumeration features ('%s')", name);
    else if (FD[f].ro) r = fail(IC4_ERROR_GENICAM_ACCESS_DENIED, "ic4_propmap_set_value_string: '%s' is read-only", name);
    else if (strlen(v) >= sizeof m->cam->userid) r = fail(IC4_ERROR_GENICAM_VALUE_ERROR, "ic4_propmap_set_value_string: '%s' is longer than %zu bytes", name, sizeof m->cam->userid - 1);
    else { snprintf(m->cam->userid, sizeof m->cam->userid, "%s", v); r = ok(); }
    pthread_mutex_unlock(&m->cam->lock);
    return r;
}

/* ---------- property objects ---------- */
static struct prop* new_prop(struct cam* c, int gen, int f, int entry)
{
    struct prop* q = new_obj(sizeof *q, K_PROP); atomic_store(&q->ref, 1); q->cam = c; q->gen = gen; q->feat = f; q->entry = entry;
    return q;
}
IC4CORE_API bool ic4_propmap_find(struct IC4_PROPERTY_MAP* p, const char* name, struct IC4_PROPERTY** pp)
{
    CHECK_INIT("ic4_propmap_find");
    struct propmap* m = (struct propmap*)p;
    int f = lookup(m, name, "ic4_propmap_find");
    if (f < 0) return false;
    if (!pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_find: ppProperty is NULL");
    *pp = (struct IC4_PROPERTY*)new_prop(m->cam, m->gen, f, -1); return ok();
}
static struct proplist* new_list(size_t n)
{
    struct proplist* l = new_obj(sizeof *l, K_PROPLIST); atomic_store(&l->ref, 1); l->n = n; l->items = calloc(n ? n : 1, sizeof *l->items);
    return l;
}
IC4CORE_API bool ic4_propmap_get_all(struct IC4_PROPERTY_MAP* p, struct IC4_PROPERTY_LIST** pp)
{
    CHECK_INIT("ic4_propmap_get_all");
    struct propmap* m = (struct propmap*)p;
    if (!m || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_propmap_get_all: NULL argument");
    if (!device_ok(m->cam, m->gen, "ic4_propmap_get_all")) return false;
    size_t n = m->cam->gige ? F_COUNT : F_COUNT - 1; /* GevCurrentIPAddress is last */
    struct proplist* l = new_list(n);
    for (size_t f = 0; f < n; f++) l->items[f] = new_prop(m->cam, m->gen, (int)f, -1);
    *pp = (struct IC4_PROPERTY_LIST*)l; return ok();
}
IC4CORE_API void ic4_prop_unref(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (q && atomic_fetch_sub(&q->ref, 1) == 1) free_obj(q);
}
static bool prop_ok(struct prop* q, const char* fn)
{
    if (!q || q->kind != K_PROP) return fail(IC4_ERROR_INVALID_PARAM_VAL, "%s: not a property", fn);
    return device_ok(q->cam, q->gen, fn);
}
IC4CORE_API enum IC4_PROPERTY_TYPE ic4_prop_get_type(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_get_type")) return IC4_PROPTYPE_INVALID;
    ok(); return q->entry >= 0 ? IC4_PROPTYPE_ENUMENTRY : FD[q->feat].type;
}
IC4CORE_API const char* ic4_prop_get_name(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (!q || q->kind != K_PROP) { fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_prop_get_name: not a property"); return NULL; }
    ok(); return q->entry >= 0 ? FD[q->feat].entries[q->entry] : FD[q->feat].name;
}
IC4CORE_API bool ic4_prop_is_available(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_is_available")) return false;
    if (injected("ic4_prop_is_available")) return false;
    ok(); return true;
}
IC4CORE_API bool ic4_prop_is_readonly(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_is_readonly")) return false;
    ok(); return q->entry < 0 && FD[q->feat].ro;
}
IC4CORE_API bool ic4_prop_float_get_max(struct IC4_PROPERTY* p, double* v)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_float_get_max")) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_prop_float_get_max: pMaximum is NULL");
    if (FD[q->feat].type != IC4_PROPTYPE_FLOAT || q->entry >= 0) return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_prop_float_get_max: '%s' is not a float property", FD[q->feat].name);
    *v = q->feat == F_FPS ? 300.0 : q->feat == F_EXPOSURE ? 30000000.0 : 1e9; return ok();
}
IC4CORE_API bool ic4_prop_enum_get_entries(struct IC4_PROPERTY* p, struct IC4_PROPERTY_LIST** pp)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_enum_get_entries")) return false;
    if (!pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_prop_enum_get_entries: ppList is NULL");
    if (FD[q->feat].type != IC4_PROPTYPE_ENUMERATION || q->entry >= 0) return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_prop_enum_get_entries: '%s' is not an enumeration", FD[q->feat].name);
    size_t n = 0; while (FD[q->feat].entries[n]) n++;
    struct proplist* l = new_list(n);
    for (size_t i = 0; i < n; i++) l->items[i] = new_prop(q->cam, q->gen, q->feat, (int)i);
    *pp = (struct IC4_PROPERTY_LIST*)l; return ok();
}
IC4CORE_API bool ic4_prop_enum_set_value(struct IC4_PROPERTY* p, const char* entry)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_enum_set_value")) return false;
    if (injected("ic4_prop_enum_set_value")) return false;
    if (!entry) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_prop_enum_set_value: entry_name is NULL");
    if (FD[q->feat].type != IC4_PROPTYPE_ENUMERATION || q->entry >= 0) return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_prop_enum_set_value: '%s' is not an enumeration", FD[q->feat].name);
    pthread_mutex_lock(&q->cam->lock); bool r = set_enum(q->cam, q->feat, entry, "ic4_prop_enum_set_value"); pthread_mutex_unlock(&q->cam->lock);
    return r;
}
static __thread char t_enum_value[64];
IC4CORE_API const char* ic4_prop_enum_get_value(struct IC4_PROPERTY* p)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_enum_get_value")) return NULL;
    if (FD[q->feat].type != IC4_PROPTYPE_ENUMERATION || q->entry >= 0) { fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_prop_enum_get_value: '%s' is not an enumeration", FD[q->feat].name); return NULL; }
    pthread_mutex_lock(&q->cam->lock); string_value(q->cam, q->feat, t_enum_value, sizeof t_enum_value); pthread_mutex_unlock(&q->cam->lock);
    ok(); return t_enum_value;
}
IC4CORE_API bool ic4_prop_enum_get_int_value(struct IC4_PROPERTY* p, int64_t* v)
{
    struct prop* q = (struct prop*)p;
    if (!prop_ok(q, "ic4_prop_enum_get_int_value")) return false;
    if (!v) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_prop_enum_get_int_value: pValue is NULL");
    if (FD[q->feat].type != IC4_PROPTYPE_ENUMERATION || q->entry >= 0) return fail(IC4_ERROR_GENICAM_TYPE_MISMATCH, "ic4_prop_enum_get_int_value: '%s' is not an enumeration", FD[q->feat].name);
    *v = q->feat == F_PIXFMT ? IC4_PIXEL_FORMAT_Mono8 : q->cam->iv[q->feat]; return ok();
}
IC4CORE_API void ic4_proplist_unref(struct IC4_PROPERTY_LIST* p)
{
    struct proplist* l = (struct proplist*)p;
    if (!l || atomic_fetch_sub(&l->ref, 1) != 1) return;
    for (size_t i = 0; i < l->n; i++) ic4_prop_unref((struct IC4_PROPERTY*)l->items[i]);
    free(l->items); free_obj(l);
}
IC4CORE_API bool ic4_proplist_size(struct IC4_PROPERTY_LIST* p, size_t* n)
{
    struct proplist* l = (struct proplist*)p;
    if (!l || !n) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_proplist_size: NULL argument");
    *n = l->n; return ok();
}
IC4CORE_API bool ic4_proplist_at(struct IC4_PROPERTY_LIST* p, size_t i, struct IC4_PROPERTY** pp)
{
    struct proplist* l = (struct proplist*)p;
    if (!l || !pp) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_proplist_at: NULL argument");
    if (i >= l->n) return fail(IC4_ERROR_INVALID_PARAM_VAL, "ic4_proplist_at: index %zu out of range (size %zu)", i, l->n);
    atomic_fetch_add(&l->items[i]->ref, 1); atomic_fetch_add(&live[K_PROP], 0);
    *pp = (struct IC4_PROPERTY*)l->items[i]; return ok();
}
