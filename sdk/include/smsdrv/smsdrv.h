/*
 * smsdrv.h - the channel driver C ABI, major version 1.
 *
 * A channel driver is a shared module that exports exactly one function, smsdrv_driver_entry(),
 * which returns a table of functions. A host (a messaging server, dms-stub, smpp-bench) loads the
 * module with dlopen(RTLD_NOW | RTLD_LOCAL), looks up SMSDRV_ENTRY_SYMBOL, and drives the driver
 * only through that table. The rules below apply to every function; each function's comment only
 * adds what is particular to it. docs/ABI.md states the evolution policy in full.
 *
 * Threads
 *   - Every function may be called from any thread. send(), ack() and last_error() may run
 *     concurrently with each other and with poll() on the same handle; poll() itself is called
 *     by one thread at a time (its results live until the next poll()). configure(),
 *     remove_channel(), shutdown() and destroy() must not overlap other calls on the same handle
 *     (metrics() excepted): a host that reconfigures while serving holds its sends back during
 *     the call.
 *   - The driver runs its own I/O thread(s). It calls into the host only through the two
 *     callbacks of smsdrv_host: notify() and log(). It never holds a driver lock while calling
 *     them, and the callbacks must not call back into the driver.
 *   - No driver code runs after shutdown() returns: no thread, no timer, no callback.
 *
 * Memory and ownership
 *   - Inputs are borrowed for the duration of the call and copied before it returns.
 *   - Outputs (the strings and arrays of a polled event, the text of last_error(), metric
 *     samples) are owned by the driver and stay valid until the next call of the same function
 *     on the same handle from the same thread (poll, metrics: until the next call on the handle
 *     from any thread), or until destroy().
 *   - The host never frees driver memory and the driver never frees host memory.
 *
 * Strings
 *   - All strings are NUL-terminated UTF-8. Keys and values of user data and attributes are
 *     strings. Binary content (the parts of a multimedia message) travels as smsdrv_part since
 *     ABI 1.2: bytes with a length.
 *
 * Errors
 *   - Functions return an int32_t status: 0 (SMSDRV_OK) on success, a negative code on failure.
 *     Codes come from SMSDRV_STATUS_MAP below; a number is never reused for another meaning.
 *   - SMSDRV_E_QUEUE_FULL means "try again later", not a failure of the driver.
 *   - After a failing call, last_error() gives a human-readable explanation naming the option,
 *     field or value at fault. It is kept per handle and per calling thread.
 *   - No C++ exception ever crosses this boundary.
 *
 * Evolution (see docs/ABI.md)
 *   - Every struct that crosses the boundary starts with uint32_t struct_size, set by whoever
 *     allocates it to sizeof() as it was compiled. Fields are only ever appended. A reader
 *     accepts any struct_size at least as large as the oldest version's struct it supports
 *     (SMSDRV_<STRUCT>_SIZE_1_0 below), reads only the fields that struct_size covers and treats
 *     the others as zero / NULL. A driver filling a host's struct (poll, metrics) writes exactly
 *     struct_size bytes: the fields it knows, zeros after them.
 *   - The function table grows the same way; a host checks api->struct_size before using a
 *     function appended in a later minor version.
 *   - A major version change means the table is not compatible: smsdrv_driver_entry() returns
 *     NULL when asked for a major version it does not implement.
 */
#ifndef SMSDRV_H
#define SMSDRV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SMSDRV_ABI_MAJOR 1u
#define SMSDRV_ABI_MINOR 2u
/* What a host passes to smsdrv_driver_entry() and a driver reports in abi_version. */
#define SMSDRV_ABI_VERSION ((SMSDRV_ABI_MAJOR << 16) | SMSDRV_ABI_MINOR)
#define SMSDRV_ABI_VERSION_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define SMSDRV_ABI_VERSION_MINOR_OF(v) ((uint32_t)(v)&0xFFFFu)

/* The one symbol every driver module exports. */
#define SMSDRV_ENTRY_SYMBOL "smsdrv_driver_entry"

#if defined(__GNUC__) || defined(__clang__)
#define SMSDRV_EXPORT __attribute__((visibility("default")))
#else
#define SMSDRV_EXPORT
#endif

/*
 * Status codes: X(NAME, value, message). 0 is success; failures are negative and never reused.
 * A code that is not in this table (from a newer driver) is still an error if negative.
 */
#define SMSDRV_STATUS_MAP(X)                                                                   \
  X(OK, 0, "success")                                                                          \
  X(E_INVALID_ARGUMENT, -1, "a required argument is missing or malformed")                     \
  X(E_QUEUE_FULL, -2, "the channel's outbound queue is full; try again later")                 \
  X(E_UNKNOWN_CHANNEL, -3, "no channel of that name is configured")                            \
  X(E_BAD_CONFIG, -4, "the configuration was refused")                                         \
  X(E_UNSUPPORTED_REQUEST, -5, "the driver does not handle that request")                      \
  X(E_BAD_REQUEST, -6, "the request's user data is invalid")                                   \
  X(E_SHUT_DOWN, -7, "the driver is shutting down")                                            \
  X(E_INTERNAL, -8, "internal driver error")                                                   \
  X(E_SMSC_REJECTED, -9, "the SMSC rejected the message")                                      \
  X(E_TIMEOUT, -10, "the SMSC did not answer in time")                                         \
  X(E_CHANNEL_DOWN, -11, "the channel is not connected to its SMSC")                           \
  X(E_TOO_MANY_SEGMENTS, -12, "the message needs more segments than the channel allows")       \
  X(E_OUTCOME_UNKNOWN, -13,                                                                    \
    "the link was lost before the SMSC answered; the message may have "                        \
    "been accepted")                                                                           \
  X(E_NOT_SUPPORTED_YET, -14, "the option or feature is not supported by this driver version") \
  X(E_UNKNOWN_EVENT, -15, "no event with that id is waiting for an acknowledgement")           \
  X(E_ALREADY_CONFIGURED, -16, "a channel of that name is already configured")                 \
  X(E_ABI_MISMATCH, -17, "a struct passed in is too small for this ABI version")

typedef enum smsdrv_status {
#define SMSDRV_STATUS_ENUM_(name, value, message) SMSDRV_##name = (value),
  SMSDRV_STATUS_MAP(SMSDRV_STATUS_ENUM_)
#undef SMSDRV_STATUS_ENUM_
} smsdrv_status;

/* Log levels of smsdrv_host.log(); lower is more severe. */
typedef enum smsdrv_log_level {
  SMSDRV_LOG_ERROR = 1,
  SMSDRV_LOG_WARN = 2,
  SMSDRV_LOG_INFO = 3,
  SMSDRV_LOG_DEBUG = 4,
  SMSDRV_LOG_TRACE = 5
} smsdrv_log_level;

/* The opaque driver instance. Two instances in one process share nothing. */
typedef struct smsdrv_driver smsdrv_driver;

/* What the host gives the driver at init(). Copied; the pointers in it need not outlive init(),
 * except context, which is passed back to the callbacks until shutdown() returns. */
typedef struct smsdrv_host {
  uint32_t struct_size;
  /* Passed back as the first argument of notify() and log(). */
  void* context;
  /* "Events are ready": called from a driver thread when the event queue becomes non-empty
   * after the host last saw it empty (poll() returned 0). Must not block and must not call into
   * the driver; the host drains the queue with poll() from its own thread. Edge-triggered: a
   * host that stops polling before poll() returns 0 must poll again without waiting for
   * another notify(). May be NULL (the host then polls on its own schedule). */
  void (*notify)(void* context);
  /* One formatted log line, without a trailing newline. channel is "" for driver-wide lines.
   * Called from any driver thread; must be thread-safe and must not call into the driver.
   * Secrets never reach it; user data in it is masked as the driver-wide sections say
   * ([log-filter], [log-filter-data], logging-filter-spec). May be NULL (logs are dropped). */
  void (*log)(void* context, int32_t level, const char* channel, const char* message);
  /* Name of the host application, reported as _umsInboundIxnSubmittedBy. May be NULL. */
  const char* application_name;
  /* Most verbose level the driver should produce (SMSDRV_LOG_*); 0 means SMSDRV_LOG_INFO. */
  int32_t log_level;
} smsdrv_host;

/* One section of the host's options file: [name] followed by key = value lines. */
typedef struct smsdrv_section {
  uint32_t struct_size;
  /* Section name: "channel-<name>" configures a channel; "settings", "log-filter" and
   * "log-filter-data" configure the driver as a whole. */
  const char* name;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  /* Where the section came from, for error messages ("cfg/demo.cfg"); may be NULL. */
  const char* source;
  /* Line number of each key in source, or NULL. */
  const uint32_t* lines;
} smsdrv_section;

/* ABI 1.2: one part of a multimedia message (MMS), such as a picture, a text, a SMIL
 * presentation or a vCard. Parts travel by pointer, each with its own struct_size, so that a
 * later version can append fields to this struct. */
typedef struct smsdrv_part {
  uint32_t struct_size;
  /* The MIME type with its parameters: "image/jpeg", "text/plain; charset=utf-8". Never NULL. */
  const char* content_type;
  /* A file name, or "". In an event it is safe to use as the last component of a path: no '/',
   * '\', control characters, "." or ".."; at most 255 bytes. Never NULL. */
  const char* name;
  /* size octets of any value (not NUL-terminated); NULL only when size is 0. */
  const uint8_t* data;
  uint64_t size;
} smsdrv_part;

/* A request from the host's business logic, e.g. SendSMS with its user data. */
typedef struct smsdrv_request {
  uint32_t struct_size;
  /* Channel section name, e.g. "channel-sms1" (the value of _umsChannel). */
  const char* channel;
  /* Request name, e.g. "SendSMS". */
  const char* request;
  /* User data: _smsDestNumber, _smsText, _smsSrcNumber, extraopt, per-message overrides. */
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  /* ---- ABI 1.2 ---- */
  /* The parts of a multimedia message (SendMMS): part_count pointers (parts may be NULL when
   * part_count is 0). Borrowed like everything else: copied before send() returns. */
  uint32_t part_count;
  const smsdrv_part* const* parts;
} smsdrv_request;

typedef enum smsdrv_event_type {
  /* The one outcome of an accepted send(): status SMSDRV_OK with the SMSC message id(s) in the
   * attributes, or a negative status with text naming the cause. */
  SMSDRV_EVENT_RESPONSE = 1,
  /* An inbound message that becomes an interaction; attributes are the inbound attribute set.
   * Must be acknowledged with ack() once the host has safely taken it. */
  SMSDRV_EVENT_INBOUND = 2,
  /* A delivery report, correlated to the send() that produced the message when known. */
  SMSDRV_EVENT_DELIVERY_REPORT = 3,
  /* The channel bound, dropped, backed off, failed over ...; attributes say which. */
  SMSDRV_EVENT_CHANNEL_STATE = 4,
  /* ABI 1.2: a read reply to a multimedia message (read, or deleted without being read),
   * correlated like a delivery report. A host of an older version ignores it (it does not know
   * the type) and acknowledges it negatively, so the MMSC sends it again later. */
  SMSDRV_EVENT_READ_REPLY = 5
} smsdrv_event_type;

/* Flags of smsdrv_event.flags. NEEDS_ACK may be set on an event of any type (inbound messages
 * and delivery reports today): the host calls ack() with its event_id once it has taken it. */
#define SMSDRV_EVENT_NEEDS_ACK 0x1u

/* One event, filled by poll(). The host sets struct_size before the call. */
typedef struct smsdrv_event {
  uint32_t struct_size;
  /* smsdrv_event_type; a host ignores types it does not know (newer drivers may add some). */
  int32_t type;
  /* Unique per handle, increasing. The argument of ack() for SMSDRV_EVENT_NEEDS_ACK events. */
  uint64_t event_id;
  /* RESPONSE and DELIVERY_REPORT: the id that send() returned; 0 when unknown (e.g. a report
   * for a message sent before a restart). */
  uint64_t request_id;
  /* The channel section name. */
  const char* channel;
  /* RESPONSE: SMSDRV_OK or the failure; CHANNEL_STATE: SMSDRV_OK when bound, else the cause. */
  int32_t status;
  /* Human-readable summary: the failure for RESPONSE, the state change for CHANNEL_STATE. */
  const char* text;
  uint32_t count;
  const char* const* keys;
  const char* const* values;
  uint32_t flags;
  /* ---- ABI 1.2 ---- */
  /* INBOUND of a multimedia message: its parts, part_count pointers followed by a NULL
   * pointer; NULL and 0 for an event without parts. Owned by the driver like the strings. A
   * host of an older version does not get them (the attributes still name the parts). */
  const smsdrv_part* const* parts;
  uint32_t part_count;
} smsdrv_event;

/* ---- Metrics (ABI 1.1) --------------------------------------------------------------------- */

/* The kind of a metric family, as Prometheus names them. */
typedef enum smsdrv_metric_kind {
  /* Only goes up, from 0 when the driver instance is created. */
  SMSDRV_METRIC_COUNTER = 1,
  /* Goes up and down. */
  SMSDRV_METRIC_GAUGE = 2,
  /* A distribution: per channel, one sample per bucket (name <family>_bucket, label "le" with
   * the bucket's upper bound, counts cumulative, the last bound "+Inf"), then <family>_sum and
   * <family>_count. */
  SMSDRV_METRIC_HISTOGRAM = 3
} smsdrv_metric_kind;

/* One sample. Allocated by the driver, struct_size is the driver's sizeof(smsdrv_metric); a host
 * reads the common prefix. Strings are never NULL ("" when not applicable). */
typedef struct smsdrv_metric {
  uint32_t struct_size;
  /* smsdrv_metric_kind of the family. */
  int32_t kind;
  /* The family's name, which HELP and TYPE lines use: "smsdrv_response_latency_seconds". */
  const char* family;
  /* The sample's name: the family's, or for a histogram family + "_bucket", "_sum", "_count". */
  const char* name;
  /* One line saying what the family measures. */
  const char* help;
  /* The channel section name. */
  const char* channel;
  /* The sample's own label besides the channel ("status", "state", "le"), or "". */
  const char* label_name;
  /* Its value ("ESME_RTHROTTLED", "DELIVRD", "0.25", "+Inf"), or "". */
  const char* label_value;
  double value;
} smsdrv_metric;

/* What metrics() fills. The host sets struct_size before the call. */
typedef struct smsdrv_metrics {
  uint32_t struct_size;
  /* Number of samples. */
  uint32_t count;
  /* count pointers to samples, followed by a NULL pointer. The samples of one family are
   * adjacent (all channels), families in a fixed order. */
  const smsdrv_metric* const* samples;
} smsdrv_metrics;

typedef struct smsdrv_driver_api {
  uint32_t struct_size;
  /* SMSDRV_ABI_VERSION of the driver's build (same major as requested). */
  uint32_t abi_version;
  /* Short driver name, e.g. "smsmms"; a section option "driver = smsmms" selects it. */
  const char* driver_name;
  /* Driver release, e.g. "0.1.0". */
  const char* driver_version;

  /* Create an instance. *out receives the handle, or NULL on failure. host is copied. */
  int32_t (*init)(const smsdrv_host* host, smsdrv_driver** out);

  /* Apply one section of options. Driver-wide sections first, then channel sections; a channel
   * starts connecting as soon as its section is accepted. Unknown options are logged as
   * warnings by name. On a bad value nothing changes, the call fails with SMSDRV_E_BAD_CONFIG and
   * last_error() names source:line, section, option, value and rule of every problem.
   * A driver-wide section given again replaces that section's settings.
   * Since ABI 1.2, a channel section of a channel already configured replaces that channel: the
   * section is checked whole first (a bad one changes nothing, as above); then a new instance of
   * the channel starts at once and takes every request sent from then on, while the old instance
   * takes none, answers its queued requests SMSDRV_E_SHUT_DOWN (never sent, safe to send again),
   * gives requests in flight the driver's drain time for their responses, then unbinds. Every
   * request keeps its one RESPONSE; only the new instance reports CHANNEL_STATE events. A 1.0 or
   * 1.1 driver refuses such a section with SMSDRV_E_ALREADY_CONFIGURED. */
  int32_t (*configure)(smsdrv_driver* driver, const smsdrv_section* section);

  /* Queue a request; never blocks. On SMSDRV_OK *request_id receives an id (> 0) and exactly
   * one SMSDRV_EVENT_RESPONSE with that id follows, whatever happens (link loss, shutdown).
   * On failure no event follows and nothing was queued. request_id may be NULL. */
  int32_t (*send)(smsdrv_driver* driver, const smsdrv_request* request, uint64_t* request_id);

  /* Take the next event: returns 1 and fills *event, or 0 when there is none. */
  int32_t (*poll)(smsdrv_driver* driver, smsdrv_event* event);

  /* Acknowledge an event flagged SMSDRV_EVENT_NEEDS_ACK once the host has safely taken it.
   * disposition SMSDRV_OK accepts it (the SMSC is told it was received); a negative disposition
   * refuses it temporarily, so the SMSC delivers it again later. */
  int32_t (*ack)(smsdrv_driver* driver, uint64_t event_id, int32_t disposition);

  /* Stop taking requests, wait up to drain_timeout_ms for outstanding responses, unbind and
   * close every channel, stop all driver threads. Requests never written end at once as
   * SMSDRV_E_SHUT_DOWN; requests written and still unanswered at the drain deadline end then as
   * SMSDRV_E_OUTCOME_UNKNOWN. Every request has its RESPONSE event when this returns (after the
   * drain plus a short unbind grace); poll() keeps working until destroy(). Idempotent. */
  int32_t (*shutdown)(smsdrv_driver* driver, uint32_t drain_timeout_ms);

  /* Free the instance (calls shutdown(driver, 0) first if needed). The handle is invalid after. */
  void (*destroy)(smsdrv_driver* driver);

  /* Explanation of the last failing call made by this thread on this handle ("" if none).
   * driver may be NULL for a failure of init(). */
  const char* (*last_error)(const smsdrv_driver* driver);

  /* "SMSDRV_E_QUEUE_FULL" and its message, for any status; unknown codes give a generic text. */
  const char* (*status_name)(int32_t status);
  const char* (*status_message)(int32_t status);

  /* ---- ABI 1.1 (use only when SMSDRV_API_HAS(api, metrics)) ---- */

  /* A snapshot of every channel's counters and gauges (docs/metrics.md) into *out. May be called
   * from any thread, concurrently with every other function but destroy(); by one thread at a
   * time. The samples stay valid until the next metrics() on the handle, or destroy(). Each
   * counter in a snapshot is exact; counters are not all read at the same instant. */
  int32_t (*metrics)(smsdrv_driver* driver, smsdrv_metrics* out);

  /* ---- ABI 1.2 (use only when SMSDRV_API_HAS(api, remove_channel)) ---- */

  /* Stop and forget one channel, as if its section had never been given: from now on send()
   * refuses it (SMSDRV_E_UNKNOWN_CHANNEL); its queued requests get their RESPONSE
   * SMSDRV_E_SHUT_DOWN (never sent), requests in flight get up to drain_timeout_ms for theirs,
   * then it unbinds and closes, and a last CHANNEL_STATE event (SMSDRV_E_SHUT_DOWN) says so.
   * Returns at once; those events come through poll(). A section of the same name may be
   * configured again at once. SMSDRV_E_UNKNOWN_CHANNEL when no such channel is configured. */
  int32_t (*remove_channel)(smsdrv_driver* driver, const char* channel, uint32_t drain_timeout_ms);
} smsdrv_driver_api;

/*
 * Struct sizes of each ABI version: SMSDRV_<STRUCT>_SIZE_<major>_<minor> is the size of the
 * struct's prefix as that version declared it (the offset just past its last field then). A
 * struct that a version did not change keeps the size of the version before. A reader accepts a
 * struct_size of at least the oldest size (the first line of each struct), reads what the
 * struct_size covers, and takes the rest as zero / NULL. A version that appends fields to a
 * struct adds one line: its new size (docs/ABI.md, "Appending a field").
 */
#ifdef __cplusplus
#define SMSDRV_SIZE_THROUGH(type, field) \
  (offsetof(type, field) + sizeof(static_cast<type*>(nullptr)->field))
#else
#define SMSDRV_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))
#endif

#define SMSDRV_HOST_SIZE_1_0 SMSDRV_SIZE_THROUGH(smsdrv_host, log_level)
#define SMSDRV_SECTION_SIZE_1_0 SMSDRV_SIZE_THROUGH(smsdrv_section, lines)
#define SMSDRV_REQUEST_SIZE_1_0 SMSDRV_SIZE_THROUGH(smsdrv_request, values)
#define SMSDRV_EVENT_SIZE_1_0 SMSDRV_SIZE_THROUGH(smsdrv_event, flags)
#define SMSDRV_METRIC_SIZE_1_1 SMSDRV_SIZE_THROUGH(smsdrv_metric, value)
#define SMSDRV_REQUEST_SIZE_1_2 SMSDRV_SIZE_THROUGH(smsdrv_request, parts)
#define SMSDRV_EVENT_SIZE_1_2 SMSDRV_SIZE_THROUGH(smsdrv_event, part_count)
#define SMSDRV_PART_SIZE_1_2 SMSDRV_SIZE_THROUGH(smsdrv_part, size)
#define SMSDRV_METRICS_SIZE_1_1 SMSDRV_SIZE_THROUGH(smsdrv_metrics, samples)
/* The function table: 1.0 is the least a driver of major version 1 provides. */
#define SMSDRV_DRIVER_API_SIZE_1_0 SMSDRV_SIZE_THROUGH(smsdrv_driver_api, status_message)
#define SMSDRV_DRIVER_API_SIZE_1_1 SMSDRV_SIZE_THROUGH(smsdrv_driver_api, metrics)
#define SMSDRV_DRIVER_API_SIZE_1_2 SMSDRV_SIZE_THROUGH(smsdrv_driver_api, remove_channel)

/* True when the driver's table has function `fn` (appended in a minor version after 1.0) and it
 * is set: a host checks this before calling it. */
#define SMSDRV_API_HAS(api, fn) \
  ((api)->struct_size >= offsetof(smsdrv_driver_api, fn) + sizeof((api)->fn) && (api)->fn != NULL)

/* Signature of the entry point, for dlsym(). */
typedef const smsdrv_driver_api* (*smsdrv_entry_fn)(uint32_t host_abi_version);

/* The entry point: the function table when host_abi_version's major is implemented, else NULL.
 * Cheap, thread-safe, and returns the same static table every time. */
SMSDRV_EXPORT const smsdrv_driver_api* smsdrv_driver_entry(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* SMSDRV_H */
