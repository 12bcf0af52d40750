/*
 * PsCamSync's stand-in for FLIR/Teledyne's libSpinnaker_C: the Spinnaker C functions the Spinnaker backend binds
 * (declared in spinc_decls.h from the published headers), behaving like N GigE Vision cameras, plus test-only
 * standin_* exports (fault injection, live-handle counters, an init/release log, C layouts).
 *
 * Cameras: PSCAMSYNC_STANDIN_SPINNAKER_CAMERAS (default 2, at most 8), serials 20000001.., GigE at 127.0.0.(10+k).
 * Device clock: CLOCK_REALTIME + a free-running offset (k+1) ms; once PtpEnable is true the port is Slave at once
 * and the clock reads CLOCK_REALTIME + a residual of (k % 2 ? -1 : 1) * 500 * k ns.
 * A frame: exposure starts at a trigger (software, action, scheduled action, scheduler, or free run), is ready
 * ExposureTime + 1 ms readout later; a trigger while the sensor is busy is ignored. Pixels (Mono8): bytes 0-3
 * "SPNK", byte 4 the camera index, bytes 8-15 the frame id (little-endian), then (index * 31 + id + i) & 0xFF.
 * Incomplete frames keep their first half and carry 0xEE in the rest (the receiver must zero it).
 * Environment (read at the first spinSystemGetInstance): PSCAMSYNC_STANDIN_SPINNAKER_INCOMPLETE_EVERY=N,
 * PSCAMSYNC_STANDIN_SPINNAKER_FAIL=function:code[:count], PSCAMSYNC_STANDIN_SPINNAKER_TIMEOUTS=N (GetNextImageEx
 * reports SPINNAKER_ERR_TIMEOUT N times before waiting), PSCAMSYNC_STANDIN_SPINNAKER_VANISH=k (camera k is gone).
 */
#include "spinc_decls.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_CAMS 8
#define MAX_ENTRIES 10
#define MAX_PENDING 64
#define MAX_READY 32
#define READOUT_NS 1000000LL
#define NODE_MAGIC 0x4e4f4445u
#define ENTRY_MAGIC 0x454e5452u
#define MAP_MAGIC 0x4d415021u
#define CAM_MAGIC 0x43414d21u
#define LIST_MAGIC 0x4c495354u
#define IMAGE_MAGIC 0x494d4721u
#define SYSTEM_MAGIC 0x53595321u

enum { MAP_DEVICE, MAP_TL };
enum { RO = 0, RW = 1, LOCKED = 2 /* writable unless streaming */ };

enum feature {
    F_VENDOR, F_MODEL, F_SERIAL, F_DEVICEID, F_USERID, F_WIDTH, F_HEIGHT, F_WIDTHMAX, F_HEIGHTMAX, F_PIXELFORMAT,
    F_PAYLOADSIZE, F_ACQMODE, F_ACQSTART, F_ACQSTOP, F_FRAMERATEENABLE, F_FRAMERATE, F_EXPOSUREAUTO, F_EXPOSURE,
    F_TRIGSELECTOR, F_TRIGMODE, F_TRIGSOURCE, F_TRIGOVERLAP, F_TRIGSOFTWARE, F_TSLATCH, F_TSLATCHVALUE,
    F_PTPENABLE, F_PTPSTATUS, F_PTPLATCH, F_PTPSERVO, F_PTPOFFSET, F_PTPGM, F_PTPPARENT, F_PTPCLOCK,
    F_ACTDEVKEY, F_ACTSELECTOR, F_ACTGROUPKEY, F_ACTGROUPMASK, F_OPTSELECTOR, F_OPTION,
    F_SCHEDTIME, F_SCHEDINTERVAL, F_SCHEDCOMMIT, F_SCHEDCANCEL, F_SCHEDSTATUS, F_GEVIP, F_TLPARAMSLOCKED,
    /* transport-layer device node map */
    F_TL_SERIAL, F_TL_VENDOR, F_TL_MODEL, F_TL_TYPE, F_TL_IP,
    F_COUNT
};

struct feature_def { const char *name; int map; spinNodeType type; int access; const char *entries[MAX_ENTRIES]; int64_t values[MAX_ENTRIES]; };

static const struct feature_def FEATURES[F_COUNT] = {
    [F_VENDOR] = { "DeviceVendorName", MAP_DEVICE, StringNode, RO, {0}, {0} },
    [F_MODEL] = { "DeviceModelName", MAP_DEVICE, StringNode, RO, {0}, {0} },
    [F_SERIAL] = { "DeviceSerialNumber", MAP_DEVICE, StringNode, RO, {0}, {0} },
    [F_DEVICEID] = { "DeviceID", MAP_DEVICE, StringNode, RO, {0}, {0} },
    [F_USERID] = { "DeviceUserID", MAP_DEVICE, StringNode, RW, {0}, {0} },
    [F_WIDTH] = { "Width", MAP_DEVICE, IntegerNode, LOCKED, {0}, {0} },
    [F_HEIGHT] = { "Height", MAP_DEVICE, IntegerNode, LOCKED, {0}, {0} },
    [F_WIDTHMAX] = { "WidthMax", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_HEIGHTMAX] = { "HeightMax", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_PIXELFORMAT] = { "PixelFormat", MAP_DEVICE, EnumerationNode, LOCKED, { "Mono8", "Mono16" }, { 0x01080001, 0x01100007 } },
    [F_PAYLOADSIZE] = { "PayloadSize", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_ACQMODE] = { "AcquisitionMode", MAP_DEVICE, EnumerationNode, LOCKED, { "Continuous", "SingleFrame", "MultiFrame" }, { 0, 1, 2 } },
    [F_ACQSTART] = { "AcquisitionStart", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_ACQSTOP] = { "AcquisitionStop", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_FRAMERATEENABLE] = { "AcquisitionFrameRateEnable", MAP_DEVICE, BooleanNode, RW, {0}, {0} },
    [F_FRAMERATE] = { "AcquisitionFrameRate", MAP_DEVICE, FloatNode, RW, {0}, {0} },
    [F_EXPOSUREAUTO] = { "ExposureAuto", MAP_DEVICE, EnumerationNode, RW, { "Off", "Once", "Continuous" }, { 0, 1, 2 } },
    [F_EXPOSURE] = { "ExposureTime", MAP_DEVICE, FloatNode, RW, {0}, {0} },
    [F_TRIGSELECTOR] = { "TriggerSelector", MAP_DEVICE, EnumerationNode, LOCKED, { "FrameStart", "AcquisitionStart" }, { 0, 1 } },
    [F_TRIGMODE] = { "TriggerMode", MAP_DEVICE, EnumerationNode, LOCKED, { "Off", "On" }, { 0, 1 } },
    [F_TRIGSOURCE] = { "TriggerSource", MAP_DEVICE, EnumerationNode, LOCKED, { "Software", "Line0", "Action0" }, { 0, 1, 2 } },
    [F_TRIGOVERLAP] = { "TriggerOverlap", MAP_DEVICE, EnumerationNode, LOCKED, { "Off", "ReadOut" }, { 0, 1 } },
    [F_TRIGSOFTWARE] = { "TriggerSoftware", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_TSLATCH] = { "TimestampLatch", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_TSLATCHVALUE] = { "TimestampLatchValue", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_PTPENABLE] = { "PtpEnable", MAP_DEVICE, BooleanNode, RW, {0}, {0} },
    [F_PTPSTATUS] = { "PtpStatus", MAP_DEVICE, EnumerationNode, RO,
        { "Initializing", "Faulty", "Disabled", "Listening", "PreMaster", "Master", "Passive", "Uncalibrated", "Slave" },
        { 0, 1, 2, 3, 4, 5, 6, 7, 8 } },
    [F_PTPLATCH] = { "PtpDataSetLatch", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_PTPSERVO] = { "PtpServoStatus", MAP_DEVICE, EnumerationNode, RO, { "Unknown", "Locked" }, { 0, 1 } },
    [F_PTPOFFSET] = { "PtpOffsetFromMaster", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_PTPGM] = { "PtpGrandmasterClockID", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_PTPPARENT] = { "PtpParentClockID", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_PTPCLOCK] = { "PtpClockID", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_ACTDEVKEY] = { "ActionDeviceKey", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_ACTSELECTOR] = { "ActionSelector", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_ACTGROUPKEY] = { "ActionGroupKey", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_ACTGROUPMASK] = { "ActionGroupMask", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_OPTSELECTOR] = { "GevSupportedOptionSelector", MAP_DEVICE, EnumerationNode, RW, { "Action", "ScheduledAction", "IEEE1588" }, { 0, 1, 2 } },
    [F_OPTION] = { "GevSupportedOption", MAP_DEVICE, BooleanNode, RO, {0}, {0} },
    [F_SCHEDTIME] = { "ActionSchedulerTime", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_SCHEDINTERVAL] = { "ActionSchedulerInterval", MAP_DEVICE, IntegerNode, RW, {0}, {0} },
    [F_SCHEDCOMMIT] = { "ActionSchedulerCommit", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_SCHEDCANCEL] = { "ActionSchedulerCancel", MAP_DEVICE, CommandNode, RW, {0}, {0} },
    [F_SCHEDSTATUS] = { "ActionSchedulerStatus", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_GEVIP] = { "GevCurrentIPAddress", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_TLPARAMSLOCKED] = { "TLParamsLocked", MAP_DEVICE, IntegerNode, RO, {0}, {0} },
    [F_TL_SERIAL] = { "DeviceSerialNumber", MAP_TL, StringNode, RO, {0}, {0} },
    [F_TL_VENDOR] = { "DeviceVendorName", MAP_TL, StringNode, RO, {0}, {0} },
    [F_TL_MODEL] = { "DeviceModelName", MAP_TL, StringNode, RO, {0}, {0} },
    [F_TL_TYPE] = { "DeviceType", MAP_TL, EnumerationNode, RO, { "GEV", "U3V" }, { 3, 9 } }, /* TransportLayerDefsC.h DeviceType_GEV, DeviceType_U3V */
    [F_TL_IP] = { "GevDeviceIPAddress", MAP_TL, IntegerNode, RO, {0}, {0} },
};

struct node { uint32_t magic; int cam; int feature; };
struct entry { uint32_t magic; int cam; int feature; int index; };
struct nodemap { uint32_t magic; int cam; int kind; };
struct cam_handle { uint32_t magic; int cam; };
struct cam_list { uint32_t magic; size_t count; int cams[MAX_CAMS]; };
struct image {
    uint32_t magic; int cam; uint64_t frame_id; uint64_t timestamp; int incomplete;
    size_t width, height, size, valid; uint8_t *data;
};
struct ready { uint64_t frame_id; int64_t exposure_start; int64_t ready_at; };

struct camera {
    char serial[16];
    uint32_t ip;
    int usb, vanished, initialized, streaming, stop;
    int handles; /* live spinCamera handles of this camera; the last release de-initialises it, as the SDK does */
    int64_t width, height, pixel_format, acq_mode, trig_selector, trig_mode, trig_source, trig_overlap, exposure_auto;
    double exposure_us, frame_rate_hz;
    int frame_rate_enable;
    char user_id[32];
    int64_t latch_value;
    int ptp_enable;
    int64_t ptp_latched_offset;
    int ptp_latched_state;
    int64_t act_device_key, act_selector, act_group_key[2], act_group_mask[2];
    int64_t option_selector;
    int64_t sched_time_ns, sched_interval_us, sched_next_ns;
    int sched_active;
    int64_t busy_until, next_free_run;
    uint64_t next_frame_id;
    int64_t pending[MAX_PENDING]; int npending;           /* exposure starts queued on the device clock */
    struct ready ready[MAX_READY]; int nready;              /* frames waiting for readout or the host */
    pthread_t thread;
    pthread_cond_t changed;
    int timeouts_to_report;
    struct node nodes[F_COUNT];
    struct entry entries[F_COUNT][MAX_ENTRIES];
    struct nodemap device_map, tl_map;
    long ignored_triggers;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_configured;
static int g_count = 2;
static struct camera g_cams[MAX_CAMS];
static int g_system_refs;
static struct { uint32_t magic; } g_system = { SYSTEM_MAGIC };
static long g_live_lists, g_live_cameras, g_live_images, g_live_nodemaps;
static int g_incomplete_every;
static char g_fail_function[64];
static int g_fail_code, g_fail_count;
static int g_timeouts;
static char g_log[8192];
static size_t g_log_len;

static void log_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void log_event(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[128];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(line);
    if (g_log_len + len + 2 < sizeof g_log) {
        memcpy(g_log + g_log_len, line, len);
        g_log_len += len;
        g_log[g_log_len++] = '\n';
        g_log[g_log_len] = 0;
    }
}

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t offset_ns(const struct camera *c, int k)
{
    (void)c;
    if (c->ptp_enable)
        return (k % 2 ? -1 : 1) * 500LL * k;
    return 1000000LL * (k + 1);
}

static int64_t device_now(int k) { return realtime_ns() + offset_ns(&g_cams[k], k); }

/* A configured failure: returns the error code when `function` is the one to fail (counting down), else success. */
static spinError injected(const char *function)
{
    if (g_fail_count != 0 && strcmp(function, g_fail_function) == 0) {
        if (g_fail_count > 0)
            g_fail_count--;
        return (spinError)g_fail_code;
    }
    return SPINNAKER_ERR_SUCCESS;
}

static void configure_from_environment(void)
{
    if (g_configured)
        return;
    g_configured = 1;
    const char *v = getenv("PSCAMSYNC_STANDIN_SPINNAKER_CAMERAS");
    if (v && *v) {
        int n = atoi(v);
        g_count = n < 0 ? 0 : n > MAX_CAMS ? MAX_CAMS : n;
    }
    if ((v = getenv("PSCAMSYNC_STANDIN_SPINNAKER_INCOMPLETE_EVERY")) && *v)
        g_incomplete_every = atoi(v);
    if ((v = getenv("PSCAMSYNC_STANDIN_SPINNAKER_TIMEOUTS")) && *v)
        g_timeouts = atoi(v);
    if ((v = getenv("PSCAMSYNC_STANDIN_SPINNAKER_FAIL")) && *v) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s", v);
        char *colon = strchr(buf, ':');
        if (colon) {
            *colon = 0;
            size_t len = strlen(buf) < sizeof g_fail_function ? strlen(buf) : sizeof g_fail_function - 1;
            memcpy(g_fail_function, buf, len);
            g_fail_function[len] = 0;
            char *count = strchr(colon + 1, ':');
            g_fail_code = atoi(colon + 1);
            g_fail_count = count ? atoi(count + 1) : -1;
        }
    }
    for (int k = 0; k < MAX_CAMS; k++) {
        struct camera *c = &g_cams[k];
        snprintf(c->serial, sizeof c->serial, "%d", 20000001 + k);
        c->ip = (127u << 24) | (10u + (uint32_t)k);
        c->width = 64;
        c->height = 48;
        c->pixel_format = 0x01080001;
        c->trig_selector = 0;
        c->exposure_us = 1000;
        c->frame_rate_hz = 30;
        pthread_cond_init(&c->changed, NULL);
        for (int f = 0; f < F_COUNT; f++) {
            c->nodes[f] = (struct node){ NODE_MAGIC, k, f };
            for (int e = 0; e < MAX_ENTRIES; e++)
                c->entries[f][e] = (struct entry){ ENTRY_MAGIC, k, f, e };
        }
        c->device_map = (struct nodemap){ MAP_MAGIC, k, MAP_DEVICE };
        c->tl_map = (struct nodemap){ MAP_MAGIC, k, MAP_TL };
    }
    if ((v = getenv("PSCAMSYNC_STANDIN_SPINNAKER_VANISH")) && *v) {
        int k = atoi(v);
        if (k >= 0 && k < MAX_CAMS)
            g_cams[k].vanished = 1;
    }
}

/* ---- test-only exports ---------------------------------------------------------------------------------------- */

/** Live handles of a kind: "system" (references), "cameralist", "camera", "image", "nodemap" (of initialised cameras). */
EXPORT long standin_live(const char *kind)
{
    pthread_mutex_lock(&g_lock);
    long n = !strcmp(kind, "system") ? g_system_refs : !strcmp(kind, "cameralist") ? g_live_lists
        : !strcmp(kind, "camera") ? g_live_cameras : !strcmp(kind, "image") ? g_live_images
        : !strcmp(kind, "nodemap") ? g_live_nodemaps : -1;
    pthread_mutex_unlock(&g_lock);
    return n;
}

/** Copies the event log (one line per GetInstance, Init, DeInit, Release, ...) into buf; returns its length. */
EXPORT size_t standin_log(char *buf, size_t size)
{
    pthread_mutex_lock(&g_lock);
    size_t n = g_log_len < size ? g_log_len : (size ? size - 1 : 0);
    if (size) {
        memcpy(buf, g_log, n);
        buf[n] = 0;
    }
    size_t len = g_log_len;
    pthread_mutex_unlock(&g_lock);
    return len;
}

EXPORT void standin_clear_log(void)
{
    pthread_mutex_lock(&g_lock);
    g_log_len = 0;
    g_log[0] = 0;
    pthread_mutex_unlock(&g_lock);
}

/** Makes `function` return `code` for the next `count` calls (-1: every call; 0: none). */
EXPORT void standin_fail(const char *function, int code, int count)
{
    pthread_mutex_lock(&g_lock);
    configure_from_environment();
    snprintf(g_fail_function, sizeof g_fail_function, "%s", function ? function : "");
    g_fail_code = code;
    g_fail_count = count;
    pthread_mutex_unlock(&g_lock);
}

/** Every Nth frame (frame id % N == N - 1) is incomplete; 0 switches it off. */
EXPORT void standin_incomplete_every(int n) { pthread_mutex_lock(&g_lock); g_incomplete_every = n; pthread_mutex_unlock(&g_lock); }

/** The next N GetNextImageEx calls return SPINNAKER_ERR_TIMEOUT at once. */
EXPORT void standin_timeouts(int n) { pthread_mutex_lock(&g_lock); g_timeouts = n; pthread_mutex_unlock(&g_lock); }

/** Camera k stops answering (1) or answers again (0): device calls fail with SPINNAKER_ERR_IO, it sends no frames. */
EXPORT void standin_vanish(int k, int gone)
{
    pthread_mutex_lock(&g_lock);
    configure_from_environment();
    if (k >= 0 && k < MAX_CAMS) {
        g_cams[k].vanished = gone;
        pthread_cond_broadcast(&g_cams[k].changed);
    }
    pthread_mutex_unlock(&g_lock);
}

/** Camera k is a USB3 Vision camera (1) or GigE Vision (0). */
EXPORT void standin_usb(int k, int usb) { pthread_mutex_lock(&g_lock); configure_from_environment(); if (k >= 0 && k < MAX_CAMS) g_cams[k].usb = usb; pthread_mutex_unlock(&g_lock); }

/** Sets the number of cameras (0..8); refused (-1) while the system is held. */
EXPORT int standin_set_cameras(int n)
{
    pthread_mutex_lock(&g_lock);
    configure_from_environment();
    int ok = g_system_refs == 0 && n >= 0 && n <= MAX_CAMS;
    if (ok)
        g_count = n;
    pthread_mutex_unlock(&g_lock);
    return ok ? 0 : -1;
}

/** Triggers camera k ignored because its sensor was busy. */
EXPORT long standin_ignored_triggers(int k) { return k >= 0 && k < MAX_CAMS ? g_cams[k].ignored_triggers : -1; }

/** The C side's layout facts: "sizeof(actionCommandResult)", "offsetof(actionCommandResult,DeviceAddress)",
    "offsetof(actionCommandResult,Status)", "sizeof(bool8_t)", "sizeof(spinError)", "sizeof(spinNodeType)",
    "sizeof(size_t)", "sizeof(spinCamera)"; -1 for anything else. */
EXPORT long standin_layout(const char *what)
{
    if (!strcmp(what, "sizeof(actionCommandResult)")) return (long)sizeof(actionCommandResult);
    if (!strcmp(what, "offsetof(actionCommandResult,DeviceAddress)")) return (long)offsetof(actionCommandResult, DeviceAddress);
    if (!strcmp(what, "offsetof(actionCommandResult,Status)")) return (long)offsetof(actionCommandResult, Status);
    if (!strcmp(what, "sizeof(bool8_t)")) return (long)sizeof(bool8_t);
    if (!strcmp(what, "sizeof(spinError)")) return (long)sizeof(spinError);
    if (!strcmp(what, "sizeof(spinNodeType)")) return (long)sizeof(spinNodeType);
    if (!strcmp(what, "sizeof(size_t)")) return (long)sizeof(size_t);
    if (!strcmp(what, "sizeof(spinCamera)")) return (long)sizeof(spinCamera);
    return -1;
}

/* ---- frames ----------------------------------------------------------------------------------------------------- */

/* Starts an exposure now (device time `at`) unless the sensor is busy. Call with g_lock held. */
static void expose(struct camera *c, int64_t at)
{
    if (at < c->busy_until) {
        c->ignored_triggers++;
        return;
    }
    int64_t duration = (int64_t)(c->exposure_us * 1000.0) + READOUT_NS;
    c->busy_until = at + duration;
    if (c->nready < MAX_READY)
        c->ready[c->nready++] = (struct ready){ c->next_frame_id, at, at + duration };
    c->next_frame_id++; /* a frame the host never fetched still counts */
    pthread_cond_broadcast(&c->changed);
}

static void queue_exposure(struct camera *c, int64_t at)
{
    if (c->npending < MAX_PENDING)
        c->pending[c->npending++] = at;
    pthread_cond_broadcast(&c->changed);
}

/* Runs what is due on camera k's device clock: queued exposures, the scheduler, free run. g_lock held. */
static void run_due(int k)
{
    struct camera *c = &g_cams[k];
    int64_t now = device_now(k);
    for (int i = 0; i < c->npending;) {
        if (c->pending[i] <= now) {
            expose(c, c->pending[i]);
            c->pending[i] = c->pending[--c->npending];
        } else {
            i++;
        }
    }
    if (c->sched_active && c->streaming && c->sched_next_ns <= now) {
        if (c->trig_mode == 1 && c->trig_source == 2)
            expose(c, c->sched_next_ns);
        c->sched_next_ns += c->sched_interval_us * 1000;
    }
    if (c->streaming && c->trig_mode == 0) {
        int64_t period = (int64_t)(1e9 / (c->frame_rate_hz > 0 ? c->frame_rate_hz : 30));
        if (c->next_free_run == 0)
            c->next_free_run = now;
        if (c->next_free_run <= now) {
            expose(c, c->next_free_run);
            c->next_free_run += period;
        }
    }
}

static void *device_thread(void *arg)
{
    int k = (int)(intptr_t)arg;
    struct camera *c = &g_cams[k];
    pthread_mutex_lock(&g_lock);
    while (!c->stop) {
        if (!c->vanished)
            run_due(k);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200000; /* 0.2 ms: the device's timing resolution here */
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->changed, &g_lock, &until);
    }
    pthread_mutex_unlock(&g_lock);
    return NULL;
}

/* ---- handles ---------------------------------------------------------------------------------------------------- */

static struct camera *camera_of(spinCamera h, int *k)
{
    struct cam_handle *ch = h;
    if (!ch || ch->magic != CAM_MAGIC || ch->cam < 0 || ch->cam >= MAX_CAMS)
        return NULL;
    *k = ch->cam;
    return &g_cams[ch->cam];
}

static const struct feature_def *node_of(spinNodeHandle h, struct camera **c, int *feature)
{
    struct node *n = h;
    if (!n || n->magic != NODE_MAGIC)
        return NULL;
    *c = &g_cams[n->cam];
    *feature = n->feature;
    return &FEATURES[n->feature];
}

static struct entry *entry_of(spinNodeHandle h)
{
    struct entry *e = h;
    return e && e->magic == ENTRY_MAGIC ? e : NULL;
}

#define ENTER(name) \
    pthread_mutex_lock(&g_lock); \
    configure_from_environment(); \
    spinError injected_error = injected(name); \
    if (injected_error != SPINNAKER_ERR_SUCCESS) { pthread_mutex_unlock(&g_lock); return injected_error; }
#define LEAVE(err) do { spinError e_ = (err); pthread_mutex_unlock(&g_lock); return e_; } while (0)

SPINC_API spinSystemGetInstance(spinSystem *phSystem)
{
    ENTER("spinSystemGetInstance");
    if (!phSystem)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    g_system_refs++;
    log_event("GetInstance");
    *phSystem = &g_system;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinSystemReleaseInstance(spinSystem hSystem)
{
    ENTER("spinSystemReleaseInstance");
    if (hSystem != &g_system || g_system_refs == 0)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (g_system_refs == 1 && (g_live_cameras > 0 || g_live_lists > 0)) {
        log_event("ReleaseInstance refused: %ld camera(s), %ld list(s) alive", g_live_cameras, g_live_lists);
        LEAVE(SPINNAKER_ERR_RESOURCE_IN_USE);
    }
    g_system_refs--;
    log_event("ReleaseInstance");
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraListCreateEmpty(spinCameraList *phCameraList)
{
    ENTER("spinCameraListCreateEmpty");
    if (!phCameraList)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    struct cam_list *l = calloc(1, sizeof *l);
    if (!l)
        LEAVE(SPINNAKER_ERR_OUT_OF_MEMORY);
    l->magic = LIST_MAGIC;
    g_live_lists++;
    *phCameraList = l;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static struct cam_list *list_of(spinCameraList h)
{
    struct cam_list *l = h;
    return l && l->magic == LIST_MAGIC ? l : NULL;
}

SPINC_API spinSystemGetCameras(spinSystem hSystem, spinCameraList hCameraList)
{
    ENTER("spinSystemGetCameras");
    struct cam_list *l = list_of(hCameraList);
    if (hSystem != &g_system || g_system_refs == 0 || !l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    l->count = 0;
    for (int k = 0; k < g_count; k++)
        if (!g_cams[k].vanished)
            l->cams[l->count++] = k;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraListDestroy(spinCameraList hCameraList)
{
    ENTER("spinCameraListDestroy");
    struct cam_list *l = list_of(hCameraList);
    if (!l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    l->magic = 0;
    free(l);
    g_live_lists--;
    log_event("ListDestroy");
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraListGetSize(spinCameraList hCameraList, size_t *pSize)
{
    ENTER("spinCameraListGetSize");
    struct cam_list *l = list_of(hCameraList);
    if (!l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!pSize)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *pSize = l->count;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static spinError new_camera_handle(int k, spinCamera *phCamera)
{
    struct cam_handle *h = malloc(sizeof *h);
    if (!h)
        return SPINNAKER_ERR_OUT_OF_MEMORY;
    *h = (struct cam_handle){ CAM_MAGIC, k };
    g_live_cameras++;
    g_cams[k].handles++;
    *phCamera = h;
    return SPINNAKER_ERR_SUCCESS;
}

SPINC_API spinCameraListGet(spinCameraList hCameraList, size_t index, spinCamera *phCamera)
{
    ENTER("spinCameraListGet");
    struct cam_list *l = list_of(hCameraList);
    if (!l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!phCamera)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (index >= l->count)
        LEAVE(SPINNAKER_ERR_INVALID_INDEX);
    LEAVE(new_camera_handle(l->cams[index], phCamera));
}

SPINC_API spinCameraListGetBySerial(spinCameraList hCameraList, const char *pSerial, spinCamera *phCamera)
{
    ENTER("spinCameraListGetBySerial");
    struct cam_list *l = list_of(hCameraList);
    if (!l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!pSerial || !phCamera)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(g_cams[l->cams[i]].serial, pSerial))
            LEAVE(new_camera_handle(l->cams[i], phCamera));
    *phCamera = NULL; /* as the SDK: success with a null handle when no camera has the serial */
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraListClear(spinCameraList hCameraList)
{
    ENTER("spinCameraListClear");
    struct cam_list *l = list_of(hCameraList);
    if (!l)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    l->count = 0;
    log_event("ListClear");
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static void stop_streaming(int k)
{
    struct camera *c = &g_cams[k];
    if (!c->streaming)
        return;
    c->streaming = 0;
    c->stop = 1;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&g_lock);
    pthread_join(c->thread, NULL);
    pthread_mutex_lock(&g_lock);
    c->nready = 0;
    c->npending = 0;
}

SPINC_API spinCameraInit(spinCamera hCamera)
{
    ENTER("spinCameraInit");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (c->vanished)
        LEAVE(SPINNAKER_ERR_IO);
    if (c->initialized)
        LEAVE(SPINNAKER_ERR_RESOURCE_IN_USE);
    c->initialized = 1;
    log_event("Init %s", c->serial);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraDeInit(spinCamera hCamera)
{
    ENTER("spinCameraDeInit");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!c->initialized)
        LEAVE(SPINNAKER_ERR_NOT_INITIALIZED);
    stop_streaming(k);
    c->sched_active = 0;
    c->initialized = 0;
    if (c->device_map.magic == MAP_MAGIC + 1) {
        c->device_map.magic = MAP_MAGIC;
        g_live_nodemaps--;
    }
    log_event("DeInit %s", c->serial);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraRelease(spinCamera hCamera)
{
    ENTER("spinCameraRelease");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    ((struct cam_handle *)hCamera)->magic = 0;
    free(hCamera);
    g_live_cameras--;
    if (--c->handles == 0 && c->initialized) {
        stop_streaming(k);
        c->sched_active = 0;
        c->initialized = 0;
        if (c->device_map.magic == MAP_MAGIC + 1) {
            c->device_map.magic = MAP_MAGIC;
            g_live_nodemaps--;
        }
        log_event("DeInit (by the last release) %s", c->serial);
    }
    log_event("Release %s", c->serial);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraGetNodeMap(spinCamera hCamera, spinNodeMapHandle *phNodeMap)
{
    ENTER("spinCameraGetNodeMap");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!phNodeMap)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (!c->initialized)
        LEAVE(SPINNAKER_ERR_NOT_INITIALIZED);
    if (c->device_map.magic == MAP_MAGIC) {
        c->device_map.magic = MAP_MAGIC + 1; /* counted once per Init: the map lives until DeInit */
        g_live_nodemaps++;
    }
    *phNodeMap = &c->device_map;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraGetTLDeviceNodeMap(spinCamera hCamera, spinNodeMapHandle *phNodeMap)
{
    ENTER("spinCameraGetTLDeviceNodeMap");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!phNodeMap)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *phNodeMap = &c->tl_map;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraBeginAcquisition(spinCamera hCamera)
{
    ENTER("spinCameraBeginAcquisition");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!c->initialized)
        LEAVE(SPINNAKER_ERR_NOT_INITIALIZED);
    if (c->vanished)
        LEAVE(SPINNAKER_ERR_IO);
    if (c->streaming)
        LEAVE(SPINNAKER_ERR_RESOURCE_IN_USE);
    c->streaming = 1;
    c->stop = 0;
    c->nready = 0;
    c->next_free_run = 0;
    c->timeouts_to_report = 0;
    if (pthread_create(&c->thread, NULL, device_thread, (void *)(intptr_t)k) != 0) {
        c->streaming = 0;
        LEAVE(SPINNAKER_ERR_RESOURCE_EXHAUSTED);
    }
    log_event("BeginAcquisition %s", c->serial);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCameraEndAcquisition(spinCamera hCamera)
{
    ENTER("spinCameraEndAcquisition");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!c->streaming)
        LEAVE(SPINNAKER_ERR_NOT_AVAILABLE);
    stop_streaming(k);
    log_event("EndAcquisition %s", c->serial);
    LEAVE(c->vanished ? SPINNAKER_ERR_IO : SPINNAKER_ERR_SUCCESS);
}

static void fill_pixels(struct image *im, int k)
{
    for (size_t i = 0; i < im->size; i++)
        im->data[i] = (uint8_t)((k * 31 + im->frame_id + i) & 0xFF);
    if (im->size >= 16) {
        memcpy(im->data, "SPNK", 4);
        im->data[4] = (uint8_t)k;
        memset(im->data + 5, 0, 3);
        for (int b = 0; b < 8; b++)
            im->data[8 + b] = (uint8_t)(im->frame_id >> (8 * b));
    }
    if (im->incomplete)
        memset(im->data + im->valid, 0xEE, im->size - im->valid);
}

SPINC_API spinCameraGetNextImageEx(spinCamera hCamera, uint64_t grabTimeout, spinImage *phImage)
{
    ENTER("spinCameraGetNextImageEx");
    int k;
    struct camera *c = camera_of(hCamera, &k);
    if (!c)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!phImage)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (!c->streaming)
        LEAVE(SPINNAKER_ERR_NOT_AVAILABLE);
    if (g_timeouts > 0) {
        g_timeouts--;
        LEAVE(SPINNAKER_ERR_TIMEOUT);
    }
    int64_t deadline = realtime_ns() + (int64_t)grabTimeout * 1000000LL;
    for (;;) {
        if (c->vanished)
            LEAVE(SPINNAKER_ERR_IO);
        if (!c->streaming)
            LEAVE(SPINNAKER_ERR_ABORT);
        int64_t now = device_now(k);
        int best = -1;
        for (int i = 0; i < c->nready; i++)
            if (c->ready[i].ready_at <= now && (best < 0 || c->ready[i].frame_id < c->ready[best].frame_id))
                best = i;
        if (best >= 0) {
            struct ready r = c->ready[best];
            c->ready[best] = c->ready[--c->nready];
            struct image *im = calloc(1, sizeof *im);
            size_t size = (size_t)(c->width * c->height * (c->pixel_format == 0x01100007 ? 2 : 1));
            uint8_t *data = malloc(size ? size : 1);
            if (!im || !data) {
                free(im);
                free(data);
                LEAVE(SPINNAKER_ERR_OUT_OF_MEMORY);
            }
            *im = (struct image){ IMAGE_MAGIC, k, r.frame_id, (uint64_t)r.exposure_start, 0,
                (size_t)c->width, (size_t)c->height, size, size, data };
            if (g_incomplete_every > 0 && (int64_t)(r.frame_id % (uint64_t)g_incomplete_every) == g_incomplete_every - 1) {
                im->incomplete = 1;
                im->valid = size / 2;
            }
            fill_pixels(im, k);
            g_live_images++;
            *phImage = im;
            LEAVE(SPINNAKER_ERR_SUCCESS);
        }
        if (realtime_ns() >= deadline)
            LEAVE(SPINNAKER_ERR_TIMEOUT);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&c->changed, &g_lock, &until);
    }
}

static struct image *image_of(spinImage h)
{
    struct image *im = h;
    return im && im->magic == IMAGE_MAGIC ? im : NULL;
}

#define IMAGE_GETTER(fn, type, expr) \
    SPINC_API fn(spinImage hImage, type *p) \
    { \
        ENTER(#fn); \
        struct image *im = image_of(hImage); \
        if (!im) LEAVE(SPINNAKER_ERR_INVALID_HANDLE); \
        if (!p) LEAVE(SPINNAKER_ERR_INVALID_PARAMETER); \
        *p = (expr); \
        LEAVE(SPINNAKER_ERR_SUCCESS); \
    }

IMAGE_GETTER(spinImageGetData, void *, im->data)
IMAGE_GETTER(spinImageGetBufferSize, size_t, im->size)
IMAGE_GETTER(spinImageGetValidPayloadSize, size_t, im->valid)
IMAGE_GETTER(spinImageGetWidth, size_t, im->width)
IMAGE_GETTER(spinImageGetHeight, size_t, im->height)
IMAGE_GETTER(spinImageGetFrameID, uint64_t, im->frame_id)
IMAGE_GETTER(spinImageGetTimeStamp, uint64_t, im->timestamp)
IMAGE_GETTER(spinImageIsIncomplete, bool8_t, (bool8_t)im->incomplete)

SPINC_API spinImageRelease(spinImage hImage)
{
    ENTER("spinImageRelease");
    struct image *im = image_of(hImage);
    if (!im)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    im->magic = 0;
    free(im->data);
    free(im);
    g_live_images--;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

/* ---- action commands -------------------------------------------------------------------------------------------- */

static int action_matches(const struct camera *c, size_t device_key, size_t group_key, size_t group_mask)
{
    if ((uint32_t)device_key != (uint32_t)c->act_device_key)
        return 0;
    for (int a = 0; a < 2; a++)
        if ((uint32_t)group_key == (uint32_t)c->act_group_key[a] && ((uint32_t)group_mask & (uint32_t)c->act_group_mask[a]) != 0)
            return 1;
    return 0;
}

SPINC_API spinSystemSendActionCommand(spinSystem hSystem, size_t iDeviceKey, size_t iGroupKey, size_t iGroupMask,
    size_t iActionTime, size_t *piResultSize, actionCommandResult results[])
{
    ENTER("spinSystemSendActionCommand");
    if (hSystem != &g_system || g_system_refs == 0)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    size_t capacity = piResultSize && results ? *piResultSize : 0;
    size_t n = 0;
    for (int k = 0; k < g_count; k++) {
        struct camera *c = &g_cams[k];
        if (c->vanished || c->usb || !action_matches(c, iDeviceKey, iGroupKey, iGroupMask))
            continue;
        actionCommandStatus status = ACTION_COMMAND_STATUS_OK;
        int fire = c->streaming && c->trig_mode == 1 && c->trig_source == 2;
        if (iActionTime == 0) {
            if (fire)
                expose(c, device_now(k));
        } else if (!c->ptp_enable) {
            status = ACTION_COMMAND_STATUS_NO_REF_TIME;
        } else if ((int64_t)iActionTime <= device_now(k)) {
            status = ACTION_COMMAND_STATUS_ACTION_LATE;
            if (fire)
                expose(c, device_now(k));
        } else if (c->npending >= MAX_PENDING) {
            status = ACTION_COMMAND_STATUS_OVERFLOW;
        } else if (fire) {
            queue_exposure(c, (int64_t)iActionTime);
        }
        if (n < capacity) {
            /* The address as it sits in a GVCP header: network byte order in memory. */
            unsigned int be = __builtin_bswap32(c->ip);
            results[n].DeviceAddress = be;
            results[n].Status = status;
            n++;
        }
    }
    if (piResultSize)
        *piResultSize = n;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

/* ---- nodes ------------------------------------------------------------------------------------------------------ */

static struct nodemap *map_of(spinNodeMapHandle h)
{
    struct nodemap *m = h;
    return m && (m->magic == MAP_MAGIC || m->magic == MAP_MAGIC + 1) ? m : NULL;
}

SPINC_API spinNodeMapGetNode(spinNodeMapHandle hNodeMap, const char *pName, spinNodeHandle *phNode)
{
    ENTER("spinNodeMapGetNode");
    struct nodemap *m = map_of(hNodeMap);
    if (!m)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!pName || !phNode)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *phNode = NULL; /* an unknown name: success and a null node, which is not available */
    for (int f = 0; f < F_COUNT; f++)
        if (FEATURES[f].map == m->kind && !strcmp(FEATURES[f].name, pName))
            *phNode = &g_cams[m->cam].nodes[f];
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinNodeMapGetNumNodes(spinNodeMapHandle hNodeMap, size_t *pValue)
{
    ENTER("spinNodeMapGetNumNodes");
    struct nodemap *m = map_of(hNodeMap);
    if (!m)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    size_t n = 0;
    for (int f = 0; f < F_COUNT; f++)
        n += FEATURES[f].map == m->kind;
    *pValue = n;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinNodeMapGetNodeByIndex(spinNodeMapHandle hNodeMap, size_t index, spinNodeHandle *phNode)
{
    ENTER("spinNodeMapGetNodeByIndex");
    struct nodemap *m = map_of(hNodeMap);
    if (!m)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!phNode)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    size_t i = 0;
    for (int f = 0; f < F_COUNT; f++) {
        if (FEATURES[f].map != m->kind)
            continue;
        if (i++ == index) {
            *phNode = &g_cams[m->cam].nodes[f];
            LEAVE(SPINNAKER_ERR_SUCCESS);
        }
    }
    LEAVE(SPINNAKER_ERR_INVALID_INDEX);
}

static int writable(const struct camera *c, const struct feature_def *d)
{
    return d->access == RW || (d->access == LOCKED && !c->streaming);
}

#define NODE_FLAG(fn, expr) \
    SPINC_API fn(spinNodeHandle hNode, bool8_t *pbResult) \
    { \
        ENTER(#fn); \
        if (!pbResult) LEAVE(SPINNAKER_ERR_INVALID_PARAMETER); \
        struct camera *c; int f; \
        if (entry_of(hNode)) { *pbResult = 1; LEAVE(SPINNAKER_ERR_SUCCESS); } \
        const struct feature_def *d = node_of(hNode, &c, &f); \
        *pbResult = (bool8_t)(d ? (expr) : 0); \
        (void)f; \
        LEAVE(SPINNAKER_ERR_SUCCESS); \
    }

NODE_FLAG(spinNodeIsImplemented, 1)
NODE_FLAG(spinNodeIsAvailable, 1)
NODE_FLAG(spinNodeIsReadable, d->type != CommandNode)
NODE_FLAG(spinNodeIsWritable, writable(c, d))

static spinError copy_string(const char *s, char *pBuf, size_t *pBufLen)
{
    if (!pBufLen)
        return SPINNAKER_ERR_INVALID_PARAMETER;
    size_t need = strlen(s) + 1;
    if (!pBuf) {
        *pBufLen = need;
        return SPINNAKER_ERR_SUCCESS;
    }
    if (*pBufLen < need) {
        *pBufLen = need;
        return SPINNAKER_ERR_INVALID_PARAMETER;
    }
    memcpy(pBuf, s, need);
    *pBufLen = need;
    return SPINNAKER_ERR_SUCCESS;
}

SPINC_API spinNodeGetName(spinNodeHandle hNode, char *pBuf, size_t *pBufLen)
{
    ENTER("spinNodeGetName");
    struct camera *c;
    int f;
    const struct feature_def *d = node_of(hNode, &c, &f);
    if (!d)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    LEAVE(copy_string(d->name, pBuf, pBufLen));
}

SPINC_API spinNodeGetType(spinNodeHandle hNode, spinNodeType *pType)
{
    ENTER("spinNodeGetType");
    if (!pType)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (entry_of(hNode)) {
        *pType = EnumEntryNode;
        LEAVE(SPINNAKER_ERR_SUCCESS);
    }
    struct camera *c;
    int f;
    const struct feature_def *d = node_of(hNode, &c, &f);
    if (!d)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    *pType = d->type;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

/* Resolves a node for an access of `type`; sets *err and returns NULL when it cannot be used. */
static const struct feature_def *typed(spinNodeHandle h, spinNodeType type, int write, struct camera **c, int *f, spinError *err)
{
    const struct feature_def *d = node_of(h, c, f);
    if (!d) {
        *err = SPINNAKER_ERR_INVALID_HANDLE;
        return NULL;
    }
    if (d->type != type) {
        *err = GENICAM_ERR_DYNAMIC_CAST;
        return NULL;
    }
    if ((*c)->vanished) {
        *err = SPINNAKER_ERR_IO;
        return NULL;
    }
    if (d->map == MAP_DEVICE && !(*c)->initialized) {
        *err = SPINNAKER_ERR_NOT_INITIALIZED;
        return NULL;
    }
    if (write && !writable(*c, d)) {
        *err = GENICAM_ERR_ACCESS;
        return NULL;
    }
    *err = SPINNAKER_ERR_SUCCESS;
    return d;
}

static int cam_index(const struct camera *c) { return (int)(c - g_cams); }

static const char *string_value(struct camera *c, int f)
{
    switch (f) {
    case F_VENDOR: case F_TL_VENDOR: return "FLIR";
    case F_MODEL: case F_TL_MODEL: return "Blackfly S BFS-PGE-04S2M (stand-in)";
    case F_SERIAL: case F_TL_SERIAL: case F_DEVICEID: return c->serial;
    case F_USERID: return c->user_id;
    default: return "";
    }
}

SPINC_API spinStringGetValue(spinNodeHandle hNode, char *pBuf, size_t *pBufLen)
{
    ENTER("spinStringGetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, StringNode, 0, &c, &f, &err))
        LEAVE(err);
    LEAVE(copy_string(string_value(c, f), pBuf, pBufLen));
}

SPINC_API spinStringSetValue(spinNodeHandle hNode, const char *pBuf)
{
    ENTER("spinStringSetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, StringNode, 1, &c, &f, &err))
        LEAVE(err);
    if (!pBuf)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (strlen(pBuf) >= sizeof c->user_id)
        LEAVE(GENICAM_ERR_OUT_OF_RANGE);
    snprintf(c->user_id, sizeof c->user_id, "%s", pBuf);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static int64_t *int_field(struct camera *c, int f)
{
    switch (f) {
    case F_WIDTH: return &c->width;
    case F_HEIGHT: return &c->height;
    case F_ACTDEVKEY: return &c->act_device_key;
    case F_ACTSELECTOR: return &c->act_selector;
    case F_ACTGROUPKEY: return &c->act_group_key[c->act_selector];
    case F_ACTGROUPMASK: return &c->act_group_mask[c->act_selector];
    case F_SCHEDTIME: return &c->sched_time_ns;
    case F_SCHEDINTERVAL: return &c->sched_interval_us;
    default: return NULL;
    }
}

SPINC_API spinIntegerGetValue(spinNodeHandle hNode, int64_t *pValue)
{
    ENTER("spinIntegerGetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, IntegerNode, 0, &c, &f, &err))
        LEAVE(err);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    int k = cam_index(c);
    int64_t *field = int_field(c, f);
    switch (f) {
    case F_WIDTHMAX: *pValue = 720; break;
    case F_HEIGHTMAX: *pValue = 540; break;
    case F_PAYLOADSIZE: *pValue = c->width * c->height * (c->pixel_format == 0x01100007 ? 2 : 1); break;
    case F_TSLATCHVALUE: *pValue = c->latch_value; break;
    case F_PTPOFFSET: *pValue = c->ptp_latched_offset; break;
    case F_PTPGM: case F_PTPPARENT: *pValue = 0x00e04cfffe000001LL; break;
    case F_PTPCLOCK: *pValue = 0x2c26c5fffe000000LL + k; break;
    case F_SCHEDSTATUS: *pValue = c->sched_active ? (c->sched_next_ns > device_now(k) ? 1 : 2) : 0; break;
    case F_GEVIP: case F_TL_IP: *pValue = c->usb ? 0 : (int64_t)c->ip; break;
    case F_TLPARAMSLOCKED: *pValue = c->streaming; break;
    default:
        if (!field)
            LEAVE(GENICAM_ERR_LOGICAL);
        *pValue = *field;
    }
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinIntegerSetValue(spinNodeHandle hNode, int64_t value)
{
    ENTER("spinIntegerSetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, IntegerNode, 1, &c, &f, &err))
        LEAVE(err);
    int64_t lo = 0, hi = INT64_MAX;
    switch (f) {
    case F_WIDTH: lo = 16; hi = 720; break;
    case F_HEIGHT: lo = 16; hi = 540; break;
    case F_ACTSELECTOR: hi = 1; break;
    case F_ACTDEVKEY: case F_ACTGROUPKEY: case F_ACTGROUPMASK: hi = 0xFFFFFFFFLL; break;
    case F_SCHEDINTERVAL: hi = 3600000000LL; break;
    default: break;
    }
    if (value < lo || value > hi)
        LEAVE(GENICAM_ERR_OUT_OF_RANGE);
    int64_t *field = int_field(c, f);
    if (!field)
        LEAVE(GENICAM_ERR_ACCESS);
    *field = value;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinFloatGetValue(spinNodeHandle hNode, double *pValue)
{
    ENTER("spinFloatGetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, FloatNode, 0, &c, &f, &err))
        LEAVE(err);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *pValue = f == F_EXPOSURE ? c->exposure_us : c->frame_rate_hz;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static double max_frame_rate(const struct camera *c) { return 1e6 / (c->exposure_us + READOUT_NS / 1000.0); }

SPINC_API spinFloatGetMax(spinNodeHandle hNode, double *pValue)
{
    ENTER("spinFloatGetMax");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, FloatNode, 0, &c, &f, &err))
        LEAVE(err);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *pValue = f == F_EXPOSURE ? 30000000.0 : max_frame_rate(c);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinFloatSetValue(spinNodeHandle hNode, double value)
{
    ENTER("spinFloatSetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, FloatNode, 1, &c, &f, &err))
        LEAVE(err);
    if (f == F_EXPOSURE) {
        if (!(value >= 6 && value <= 30000000.0))
            LEAVE(GENICAM_ERR_OUT_OF_RANGE);
        c->exposure_us = value;
    } else {
        if (!(value >= 1 && value <= max_frame_rate(c)))
            LEAVE(GENICAM_ERR_OUT_OF_RANGE);
        c->frame_rate_hz = value;
    }
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

static int64_t *enum_field(struct camera *c, int f)
{
    switch (f) {
    case F_PIXELFORMAT: return &c->pixel_format;
    case F_ACQMODE: return &c->acq_mode;
    case F_EXPOSUREAUTO: return &c->exposure_auto;
    case F_TRIGSELECTOR: return &c->trig_selector;
    case F_TRIGMODE: return &c->trig_mode;
    case F_TRIGSOURCE: return &c->trig_source;
    case F_TRIGOVERLAP: return &c->trig_overlap;
    case F_OPTSELECTOR: return &c->option_selector;
    default: return NULL;
    }
}

static int entry_count(const struct feature_def *d)
{
    int n = 0;
    while (n < MAX_ENTRIES && d->entries[n])
        n++;
    return n;
}

static int64_t enum_value(struct camera *c, int f)
{
    int k = cam_index(c);
    if (f == F_PTPSTATUS)
        return c->ptp_latched_state;
    if (f == F_PTPSERVO)
        return c->ptp_enable ? 1 : 0;
    if (f == F_TL_TYPE)
        return c->usb ? 9 : 3;
    (void)k;
    int64_t *field = enum_field(c, f);
    return field ? *field : 0;
}

SPINC_API spinEnumerationGetNumEntries(spinNodeHandle hNode, size_t *pValue)
{
    ENTER("spinEnumerationGetNumEntries");
    struct camera *c;
    int f;
    spinError err;
    const struct feature_def *d = typed(hNode, EnumerationNode, 0, &c, &f, &err);
    if (!d)
        LEAVE(err);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *pValue = (size_t)entry_count(d);
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinEnumerationGetEntryByIndex(spinNodeHandle hNode, size_t index, spinNodeHandle *phEntry)
{
    ENTER("spinEnumerationGetEntryByIndex");
    struct camera *c;
    int f;
    spinError err;
    const struct feature_def *d = typed(hNode, EnumerationNode, 0, &c, &f, &err);
    if (!d)
        LEAVE(err);
    if (!phEntry)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    if (index >= (size_t)entry_count(d))
        LEAVE(SPINNAKER_ERR_INVALID_INDEX);
    *phEntry = &c->entries[f][index];
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinEnumerationGetEntryByName(spinNodeHandle hNode, const char *pName, spinNodeHandle *phEntry)
{
    ENTER("spinEnumerationGetEntryByName");
    struct camera *c;
    int f;
    spinError err;
    const struct feature_def *d = typed(hNode, EnumerationNode, 0, &c, &f, &err);
    if (!d)
        LEAVE(err);
    if (!pName || !phEntry)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *phEntry = NULL; /* no such entry: success and a null entry */
    for (int e = 0; e < entry_count(d); e++)
        if (!strcmp(d->entries[e], pName))
            *phEntry = &c->entries[f][e];
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinEnumerationGetCurrentEntry(spinNodeHandle hNode, spinNodeHandle *phEntry)
{
    ENTER("spinEnumerationGetCurrentEntry");
    struct camera *c;
    int f;
    spinError err;
    const struct feature_def *d = typed(hNode, EnumerationNode, 0, &c, &f, &err);
    if (!d)
        LEAVE(err);
    if (!phEntry)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    int64_t v = enum_value(c, f);
    for (int e = 0; e < entry_count(d); e++)
        if (d->values[e] == v) {
            *phEntry = &c->entries[f][e];
            LEAVE(SPINNAKER_ERR_SUCCESS);
        }
    LEAVE(GENICAM_ERR_LOGICAL);
}

SPINC_API spinEnumerationSetIntValue(spinNodeHandle hNode, int64_t value)
{
    ENTER("spinEnumerationSetIntValue");
    struct camera *c;
    int f;
    spinError err;
    const struct feature_def *d = typed(hNode, EnumerationNode, 1, &c, &f, &err);
    if (!d)
        LEAVE(err);
    int known = 0;
    for (int e = 0; e < entry_count(d); e++)
        known |= d->values[e] == value;
    int64_t *field = enum_field(c, f);
    if (!known || !field)
        LEAVE(GENICAM_ERR_OUT_OF_RANGE);
    *field = value;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinEnumerationEntryGetIntValue(spinNodeHandle hNode, int64_t *pValue)
{
    ENTER("spinEnumerationEntryGetIntValue");
    struct entry *e = entry_of(hNode);
    if (!e)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    if (!pValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    *pValue = FEATURES[e->feature].values[e->index];
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinEnumerationEntryGetSymbolic(spinNodeHandle hNode, char *pBuf, size_t *pBufLen)
{
    ENTER("spinEnumerationEntryGetSymbolic");
    struct entry *e = entry_of(hNode);
    if (!e)
        LEAVE(SPINNAKER_ERR_INVALID_HANDLE);
    LEAVE(copy_string(FEATURES[e->feature].entries[e->index], pBuf, pBufLen));
}

SPINC_API spinBooleanGetValue(spinNodeHandle hNode, bool8_t *pbValue)
{
    ENTER("spinBooleanGetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, BooleanNode, 0, &c, &f, &err))
        LEAVE(err);
    if (!pbValue)
        LEAVE(SPINNAKER_ERR_INVALID_PARAMETER);
    switch (f) {
    case F_FRAMERATEENABLE: *pbValue = (bool8_t)c->frame_rate_enable; break;
    case F_PTPENABLE: *pbValue = (bool8_t)c->ptp_enable; break;
    default: *pbValue = 1; break; /* GevSupportedOption: every option listed is supported */
    }
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinBooleanSetValue(spinNodeHandle hNode, bool8_t value)
{
    ENTER("spinBooleanSetValue");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, BooleanNode, 1, &c, &f, &err))
        LEAVE(err);
    if (f == F_PTPENABLE)
        c->ptp_enable = value != 0;
    else
        c->frame_rate_enable = value != 0;
    LEAVE(SPINNAKER_ERR_SUCCESS);
}

SPINC_API spinCommandExecute(spinNodeHandle hNode)
{
    ENTER("spinCommandExecute");
    struct camera *c;
    int f;
    spinError err;
    if (!typed(hNode, CommandNode, 1, &c, &f, &err))
        LEAVE(err);
    int k = cam_index(c);
    switch (f) {
    case F_TRIGSOFTWARE:
        if (c->trig_mode != 1 || c->trig_source != 0)
            LEAVE(GENICAM_ERR_ACCESS);
        if (c->streaming)
            expose(c, device_now(k));
        break;
    case F_TSLATCH:
        c->latch_value = device_now(k);
        break;
    case F_PTPLATCH:
        c->ptp_latched_state = c->ptp_enable ? 8 /* Slave */ : 2 /* Disabled */;
        c->ptp_latched_offset = c->ptp_enable ? offset_ns(c, k) : 0;
        break;
    case F_SCHEDCOMMIT:
        if (c->sched_interval_us <= 0)
            LEAVE(GENICAM_ERR_INVALID_ARGUMENT);
        c->sched_active = 1;
        c->sched_next_ns = c->sched_time_ns;
        pthread_cond_broadcast(&c->changed);
        break;
    case F_SCHEDCANCEL:
        c->sched_active = 0;
        break;
    case F_ACQSTART: case F_ACQSTOP:
        break; /* Spinnaker runs these inside spinCameraBegin/EndAcquisition */
    default:
        LEAVE(GENICAM_ERR_LOGICAL);
    }
    LEAVE(SPINNAKER_ERR_SUCCESS);
}
